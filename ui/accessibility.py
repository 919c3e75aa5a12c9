"""What screen readers hear beyond the widgets' own names and roles: announcements.

A finished reply is announced politely (its first words, and that it finished or why it
stopped), an error assertively (it interrupts). Nothing is announced while a reply streams:
the transcript's text grows, and the reader hears the reply once, when it ends. Every
announcement also goes out as :attr:`Announcements.announced`, so the app's tests (and
anything else that wants to) can hear what a screen reader would.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QProgressBar, QWidget

from inference.events import StopReason

FIRST_WORDS = 16  # words of a finished reply read out with the news that it finished
_LOG_NAME = "slice_announcements"


class Announcements(QObject):
    """The application's announcements as they are made (one object per application)."""

    announced = Signal(str, bool)
    """An announcement was made: (its text, whether it was assertive)."""


def announcements() -> Announcements:
    """The application's :class:`Announcements` (made on first use, owned by the app)."""
    app = QCoreApplication.instance()
    found = app.findChild(Announcements, _LOG_NAME) if app is not None else None
    if found is None:
        found = Announcements(app)
        found.setObjectName(_LOG_NAME)
    return found


def announce(source: QObject, text: str, *, assertive: bool = False) -> None:
    """Have screen readers say ``text`` (from ``source``, the widget it concerns): politely
    (after what they are saying) or, for errors, assertively (at once)."""
    text = text.strip()
    if not text:
        return
    event = QAccessibleAnnouncementEvent(source, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if assertive
                        else QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)
    announcements().announced.emit(text, assertive)


def first_words(text: str, count: int = FIRST_WORDS) -> str:
    """The first ``count`` words of ``text``, with "…" when there are more."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def reply_ending(stop_reason: str) -> str:
    """How a reply ended, as a screen reader says it."""
    ended = QCoreApplication.translate("Announcement", "Reply finished")
    endings: dict[str, str] = {
        StopReason.END_OF_TURN: ended,
        StopReason.STOP_STRING: ended,
        StopReason.USER: QCoreApplication.translate(
            "Announcement", "Reply stopped: you stopped it"),
        StopReason.LENGTH: QCoreApplication.translate(
            "Announcement", "Reply stopped at the length limit"),
        StopReason.CONTEXT_FULL: QCoreApplication.translate(
            "Announcement", "Reply stopped: the context is full"),
        StopReason.REPETITION: QCoreApplication.translate(
            "Announcement", "Reply stopped: it kept repeating itself"),
    }
    return endings.get(stop_reason, QCoreApplication.translate("Announcement", "Reply ended"))


def reply_announcement(stop_reason: str, text: str) -> str:
    """What is announced when a reply ends: how it ended, then its first words."""
    words = first_words(text)
    ending = reply_ending(stop_reason)
    if not words:
        return QCoreApplication.translate("Announcement", "{ending}, with no text.").format(
            ending=ending)
    return QCoreApplication.translate("Announcement", "{ending}: {words}").format(
        ending=ending, words=words)


PROGRESS_STEP = 5  # percent: a progress value is reported to screen readers in these steps


class ProgressValue(QProgressBar):
    """A slim progress bar, hidden while nothing is under way, whose value screen readers
    hear change (Qt sends a value-change event for each new value): a model's load, the
    prompt read before a reply, downloads. The value moves in :data:`PROGRESS_STEP` steps, so
    a fast stream of progress events does not flood the reader."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 100)
        self.setTextVisible(False)
        self.setMaximumHeight(6)
        self.setAccessibleName(name)
        self.hide()
        # finish() hides the bar once the event at hand is handled, unless progress is
        # reported meanwhile: a status line that says each step anew neither hides and
        # shows the bar per step nor sends its value again.
        self._finishing = QTimer(self)
        self._finishing.setSingleShot(True)
        self._finishing.setInterval(0)
        self._finishing.timeout.connect(self.hide)

    def report(self, fraction: float, name: str | None = None) -> None:
        """Show ``fraction`` (0 to 1) done, under ``name`` when given (what progresses)."""
        self._finishing.stop()
        if name is not None and name != self.accessibleName():
            self.setAccessibleName(name)
        percent = max(0, min(100, int(fraction * 100)))
        stepped = percent - percent % PROGRESS_STEP
        if stepped != self.value():  # Qt sends screen readers the new value
            self.setValue(stepped)
        if not self.isVisible():
            self.show()

    def finish(self) -> None:
        """Nothing is under way any more (the bar hides unless progress follows at once)."""
        if self.isVisible():
            self._finishing.start()


"""Each message of the transcript as an object of its own, for screen readers.

The transcript is one rich text (a :class:`~ui.chat_view.ChatView`); a screen reader would
read it as one long text. So each shown message also has a :class:`MessageObject`: a
group named "<author>: <first words>", described by its place and state ("message 3 of 8,
version 2 of 3, being written"), holding its full text (a label) and its actions as
buttons (versions, thinking, each code block's Copy, Copy, Edit, Regenerate, Continue,
Stats) that a reader presses as it presses any button.

They are real widgets, children of the transcript's viewport, so every accessible interface
is one of Qt's own, owned and dropped by Qt with its widget: nothing Python-made is handed
to the platform's bridge. They draw nothing and let the mouse through; they take no
keyboard focus (the keyboard has the transcript's own links and Alt+Up / Alt+Down). Each
lies where its message is, so a reader that shows or follows positions finds it there.

One object per message id, kept while the message is shown and updated in place when it
is rendered again (stats opened, a version switched); objects of messages no longer shown
are hidden, unparented and deleted. While a reply streams, its object's text follows at
most once per :data:`STREAM_UPDATE_MS` (a screen reader is not sent an event per token),
and fully when the reply is rendered as finished. Each update places that object alone;
all of them are placed when the layout changes (a resize, a zoom, a render), not per
update, which would cost the whole chat's length every time.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent, QPaintEvent
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QWidget

from app.store.export import stats_line
from app.store.records import PathEntry, Role
from ui.accessibility import first_words
from ui.i18n import tr
from ui.markdown_render import code_blocks
from ui.message_render import MessageAction, author_of, footer_of

NAME_WORDS = 12  # words of a message in its object's name
STREAM_UPDATE_MS = 1000  # a streaming reply's object follows its text at most this often
LAYOUT_DELAY_MS = 100  # the objects are placed again this long after the layout changed
BUTTON_HEIGHT = 20

ActionKey = tuple[MessageAction, int]  # (action, extra: a code block's number)


class Transcript(Protocol):
    """What the objects need to know of the transcript they describe."""

    @property
    def first_index(self) -> int: ...
    @property
    def total(self) -> int: ...
    def viewport(self) -> QWidget: ...
    def entries_shown(self) -> list[PathEntry]: ...
    def message_text(self, message_id: int) -> str: ...
    def message_rect(self, message_id: int) -> QRect | None: ...
    def message_rects(self) -> dict[int, QRect]: ...
    def streaming_id(self) -> int | None: ...
    def stats_opened(self, message_id: int) -> bool: ...
    def thinking_opened(self, message_id: int) -> bool: ...
    def use_action(self, action: MessageAction, message_id: int, extra: int) -> None: ...


class MessageButton(QPushButton):
    """One action of a message, pressed by a screen reader; drawn by nobody."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        """Nothing: the transcript's link for the same action is what the eye sees."""


class MessageText(QLabel):
    """A message's full text, as a screen reader reads it; drawn by nobody."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        """Nothing: the transcript shows the text."""


def _quiet(widget: QWidget) -> None:
    widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)


class MessageObject(QGroupBox):
    """One shown message to a screen reader: its author and first words as its name, its
    place and state as its description, its text, and its actions as buttons."""

    def __init__(self, message_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.message_id = message_id
        self.setObjectName(f"message-{message_id}")
        _quiet(self)
        self.text_label = MessageText(self)
        self.text_label.setWordWrap(True)
        _quiet(self.text_label)
        self._buttons: dict[ActionKey, MessageButton] = {}
        self._keys: list[ActionKey] = []
        self.on_action: object = None  # set by MessageObjects: (action, extra) -> None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        """Nothing: the transcript draws the message."""

    def buttons(self) -> list[MessageButton]:
        """The message's action buttons, in the order a reader meets them."""
        return [self._buttons[key] for key in self._keys]

    def describe(self, name: str, description: str, text: str) -> None:
        """Set the name, description and text (only what changed: each change is an event
        for screen readers)."""
        if self.accessibleName() != name:
            self.setAccessibleName(name)
        if self.accessibleDescription() != description:
            self.setAccessibleDescription(description)
        if self.text_label.text() != text:
            self.text_label.setText(text)

    def set_actions(self, actions: list[tuple[ActionKey, str, str, bool]]) -> None:
        """The actions offered, each (key, label, what it does, enabled); buttons are kept
        while the same actions are offered, made anew when the offer changes."""
        keys = [key for key, *_ in actions]
        if keys != self._keys:
            for button in self._buttons.values():
                _drop(button)
            self._buttons, self._keys = {}, keys
            for key, label, _tip, _enabled in actions:
                button = MessageButton(label, self)
                _quiet(button)
                button.clicked.connect(lambda _=False, k=key: self._pressed(k))
                self._buttons[key] = button
                if self.isVisible():  # (a new object's buttons show with it)
                    button.show()
        for key, label, tip, enabled in actions:
            button = self._buttons[key]
            if button.text() != label:
                button.setText(label)
            if button.accessibleDescription() != tip:
                button.setAccessibleDescription(tip)
            button.setEnabled(enabled)

    def place(self, rect: QRect) -> None:
        """Lie over the message (``rect``, in the viewport), the buttons along its foot."""
        self.setGeometry(rect)
        self.text_label.setGeometry(0, 0, rect.width(), max(1, rect.height() - BUTTON_HEIGHT))
        buttons = self.buttons()
        if buttons:
            width = max(1, rect.width() // len(buttons))
            for n, button in enumerate(buttons):
                button.setGeometry(n * width, max(0, rect.height() - BUTTON_HEIGHT), width,
                                   BUTTON_HEIGHT)

    def _pressed(self, key: ActionKey) -> None:
        if callable(self.on_action):
            self.on_action(*key)


def _drop(widget: QWidget) -> None:
    """Take ``widget`` out of the tree now (a reader hears it go) and delete it later
    (it may be the sender of the signal being handled)."""
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()


class MessageObjects(QObject):
    """The :class:`MessageObject` of each message a transcript shows, kept in step with it."""

    def __init__(self, transcript: Transcript, parent: QObject) -> None:
        super().__init__(parent)
        self._transcript = transcript
        self._objects: dict[int, MessageObject] = {}
        self._layout = QTimer(self)
        self._layout.setSingleShot(True)
        self._layout.setInterval(LAYOUT_DELAY_MS)
        self._layout.timeout.connect(self.place_all)
        self._stream = QTimer(self)
        self._stream.setSingleShot(True)
        self._stream.setInterval(STREAM_UPDATE_MS)
        self._stream.timeout.connect(self._follow_stream)

    def object_of(self, message_id: int) -> MessageObject | None:
        """The object of a shown message, or None."""
        return self._objects.get(message_id)

    def objects(self) -> list[MessageObject]:
        """The objects, in the order of their messages."""
        return list(self._objects.values())

    def sync(self) -> None:
        """Match the objects to the messages shown now: drop those of messages gone, make
        those of new ones, update every one (the transcript was rendered)."""
        entries = self._transcript.entries_shown()
        wanted = {e.message.id for e in entries}
        for message_id in [m for m in self._objects if m not in wanted]:
            _drop(self._objects.pop(message_id))
        viewport = self._transcript.viewport()
        ordered: dict[int, MessageObject] = {}
        for local, entry in enumerate(entries):
            found = self._objects.get(entry.message.id)
            made = found is None
            if found is None:
                found = MessageObject(entry.message.id, viewport)
                found.on_action = (lambda action, extra, m=entry.message.id:
                                   self._act(action, m, extra))
            self._update(found, entry, local)
            ordered[entry.message.id] = found
            if made:
                found.show()
                QAccessible.updateAccessibility(
                    QAccessibleEvent(found, QAccessible.Event.ObjectCreated))
        # Children are read in the order they were made: a message made before those now
        # above it (earlier messages were loaded) is put back in order.
        for obj in ordered.values():
            obj.raise_()
        self._objects = ordered
        self._stream.stop()
        self.layout_changed()

    def stream_painted(self) -> None:
        """The streaming reply grew: its object follows soon (once per interval)."""
        if not self._stream.isActive():
            self._stream.start()

    def layout_changed(self) -> None:
        """The messages moved (a resize, a zoom, a render): place every object soon."""
        self._layout.start()

    def place_all(self) -> None:
        """Put each object over its message now."""
        for message_id, rect in self._transcript.message_rects().items():
            obj = self._objects.get(message_id)
            if obj is not None:
                obj.place(rect)

    def _follow_stream(self) -> None:
        # Only the streaming reply changed: it is the last message, so the ones above it
        # stay where they are (scrolling the viewport moves its children with it).
        message_id = self._transcript.streaming_id()
        obj = self._objects.get(message_id) if message_id is not None else None
        if obj is None:
            return
        entries = self._transcript.entries_shown()
        local = next((n for n in range(len(entries) - 1, -1, -1)
                      if entries[n].message.id == message_id), None)
        if local is None:
            return
        self._update(obj, entries[local], local)
        rect = self._transcript.message_rect(message_id)
        if rect is not None:
            obj.place(rect)

    def _act(self, action: MessageAction, message_id: int, extra: int) -> None:
        # Not inside the button's own signal: the action may render the transcript again
        # and drop that very button.
        QTimer.singleShot(0, self, lambda: self._act_now(action, message_id, extra))

    def _act_now(self, action: MessageAction, message_id: int, extra: int) -> None:
        if message_id in self._objects:
            self._transcript.use_action(action, message_id, extra)

    def _update(self, obj: MessageObject, entry: PathEntry, local: int) -> None:
        transcript = self._transcript
        message = entry.message
        streaming = message.id == transcript.streaming_id()
        text = transcript.message_text(message.id)
        author = author_of(entry)
        words = first_words(text, NAME_WORDS)
        name = self.tr("{author}: {words}").format(author=author, words=words) if words \
            else author
        index = transcript.first_index + local
        last = index == transcript.total - 1
        parts = [self.tr("message {n} of {total}").format(n=index + 1, total=transcript.total)]
        if entry.sibling_count > 1:
            parts.append(self.tr("version {n} of {count}").format(
                n=entry.sibling_index, count=entry.sibling_count))
        stats_open = transcript.stats_opened(message.id)
        actions: list[tuple[ActionKey, str, str, bool]] = []
        if entry.sibling_count > 1:
            actions.append(((MessageAction.PREVIOUS, 0), tr("Previous version"),
                            tr("Previous version"), entry.sibling_index > 1))
            actions.append(((MessageAction.NEXT, 0), tr("Next version"), tr("Next version"),
                            entry.sibling_index < entry.sibling_count))
        if streaming:
            parts.append(self.tr("being written"))
        else:
            footer = footer_of(entry, stats_open=stats_open, last=last)
            if footer.note:
                parts.append(footer.note.lstrip("⚠ "))
            if message.role == Role.ASSISTANT and message.thinking.strip():
                opened = transcript.thinking_opened(message.id)
                actions.append(((MessageAction.THINKING, 0),
                                self.tr("Hide thinking") if opened else self.tr("Show thinking"),
                                tr("Hide the model's thinking") if opened
                                else tr("Show the model's thinking"), True))
            if message.role != Role.USER:
                for n, _block in enumerate(code_blocks(message.content)):
                    actions.append(((MessageAction.CODE, n),
                                    self.tr("Copy code block {n}").format(n=n + 1),
                                    self.tr("Copy this code block"), True))
            actions += [((action, 0), label, tip, True) for label, action, tip in footer.actions]
            if stats_open and message.stats:
                text = f"{text}\n{stats_line(message.stats)}"
        obj.describe(name, ", ".join(parts), text)
        obj.set_actions(actions)

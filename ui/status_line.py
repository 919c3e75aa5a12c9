"""The status line under the composer: what the app is doing, errors, and notes on the reply."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from inference.events import ContextTrimmed, ModelInfo
from ui.accessibility import ProgressValue, announce
from ui.app_texts import app_text
from ui.i18n import tr
from ui.message_render import ERROR_COLOR, WARNING_COLOR
from ui.theme import readable, tint

# Shown through status_text(), in the window's language.
NO_MODEL_STATUS = QT_TRANSLATE_NOOP(
    "StatusLine", "Choose “Open GGUF file…” in the model list to add a model.")
GENERATING_STATUS = QT_TRANSLATE_NOOP("StatusLine", "Generating…  Esc stops")
THINKING_STATUS = QT_TRANSLATE_NOOP("StatusLine", "Thinking…  Esc stops")
WAITING_STATUS = QT_TRANSLATE_NOOP("StatusLine", "Waiting for the model…")


def status_text(text: str) -> str:
    """One of the status constants above in the window's language."""
    return QCoreApplication.translate("StatusLine", text)


def waiting_for_text(provider: str) -> str:
    """What the status line says from Send to the first text of a remote model's reply."""
    return tr("Waiting for {provider}…").format(provider=provider)

MAX_LISTED = 12  # trimmed message numbers listed before "…"


def waiting_turn_text(ahead: int) -> str:
    """What the status line says while a reply waits for ``ahead`` requests of other apps
    (the API server's clients) to finish on the one engine."""
    return tr("Waiting for %n request(s) from another app to finish…", "", ahead)


def waiting_comparison_text() -> str:
    """What the status line says while a reply waits for the target of a comparison (the
    Compare view's) that runs on the one engine."""
    return tr("Waiting for the comparison: this reply starts when its current target "
              "finishes…")


def warning_label() -> QLabel:
    """A wrapping label in the warning colour, hidden until it has something to say."""
    label = QLabel()
    label.setWordWrap(True)
    tint(label, WARNING_COLOR)
    label.hide()
    return label


class StatusLine(QWidget):
    """One line of status text (selectable, red for errors, read out by screen readers as
    "Status: …"), beside notes: others' (:meth:`insert_note`) and the context-full note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.context_note = warning_label()
        # The prompt read and the model's load as a value screen readers hear change.
        self.progress = ProgressValue(self.tr("Progress"))
        self.progress.setMaximumWidth(160)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.status_label, 1)
        self._layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout.addWidget(self.context_note, 1)

    def insert_note(self, note: QWidget) -> None:
        """Show ``note`` (owned by another widget) after the status text, before the reply's."""
        self._layout.insertWidget(self._layout.indexOf(self.context_note), note, 1)

    def add_indicator(self, indicator: QWidget) -> None:
        """Show ``indicator`` (a small, lasting state such as the API server's) at the end."""
        self._layout.addWidget(indicator, 0, Qt.AlignmentFlag.AlignRight)

    def text(self) -> str:
        """The status text shown now."""
        return self.status_label.text()

    def set_status(self, text: str, color: str = "") -> None:
        """Show ``text`` in the status line (``color``: a CSS colour for errors)."""
        self.status_label.setText(text)
        self.status_label.setAccessibleName(self.tr("Status: {text}").format(text=text))
        if color:  # an error's red, made to read on the window's background (WCAG AA)
            color = readable(QColor(color), self.palette().color(QPalette.ColorRole.Window)).name()
        self.status_label.setStyleSheet(f"color: {color};" if color else "")
        self.progress.finish()  # what progressed is over, or says its progress again

    def show_error(self, message: str) -> None:
        """Show a recoverable problem in red (app/'s words in the window's language), and
        announce it assertively."""
        shown = app_text(message)
        self.set_status(shown, color=ERROR_COLOR.name())
        announce(self.status_label, shown, assertive=True)

    def show_idle(self, model_name: str | None, loaded: ModelInfo | None) -> None:
        """Say what happens on Send: no model yet (``model_name`` None), the loaded model is
        ready, or the chosen one loads first."""
        if model_name is None:
            self.set_status(status_text(NO_MODEL_STATUS))
        elif loaded is not None:
            self.set_status(self.tr("{model} is ready · context {n_ctx} tokens").format(
                model=model_name, n_ctx=loaded.n_ctx))
        else:
            self.set_status(self.tr("{model} loads when you send a message.").format(
                model=model_name))

    def show_remote_idle(self, model_name: str, provider: str) -> None:
        """Say that the chosen model runs on ``provider``'s server (nothing loads here)."""
        self.set_status(self.tr("{model} answers from {provider}'s server; nothing loads here.")
                        .format(model=model_name, provider=provider))

    def show_loading(self, model_name: str, fraction: float | None = None) -> None:
        """Say a model is loading, with how far when known."""
        done = f" {fraction:.0%}" if fraction is not None else ""
        self.set_status(self.tr("Loading {model}…").format(model=model_name) + done)
        if fraction is not None:
            self.progress.report(fraction, self.tr("Loading {model}").format(model=model_name))

    def show_loaded(self, model_name: str, info: ModelInfo) -> None:
        """Say a model finished loading while a reply waits for it, and how long it took."""
        self.set_status(self.tr("Loaded {model} in {seconds} s").format(
            model=model_name, seconds=f"{info.load_s:.1f}"))

    def show_waiting_turn(self, ahead: int) -> None:
        """Say that the reply waits for ``ahead`` requests of other apps."""
        self.set_status(waiting_turn_text(ahead))

    def show_prefill(self, done: int, total: int) -> None:
        """Show how much of the prompt the model has read."""
        self.set_status(self.tr("Processing prompt {done}/{total}").format(done=done, total=total))
        if total > 0:
            self.progress.report(done / total, self.tr("Processing the prompt"))

    def show_context_trimmed(self, trimmed: ContextTrimmed) -> None:
        """Say which older messages no longer reach the model (the context is full)."""
        count = len(trimmed.dropped)
        numbers = ", ".join(str(i + 1) for i in trimmed.dropped[:MAX_LISTED])
        more = "…" if count > MAX_LISTED else ""
        note = self.tr(
            "The context is full: %n older message(s) (#{numbers}) no longer reach the model.",
            "", count).format(numbers=numbers + more)
        self.context_note.setText(f"⚠ {note}")
        self.context_note.setAccessibleName(note)
        self.context_note.show()

    def hide_context_note(self) -> None:
        """Forget the context-full note (a new request starts)."""
        self.context_note.hide()

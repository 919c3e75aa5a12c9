"""One target's column in the Compare view: its heading, what it is doing, the reply as it
streams, its figures, or its error."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.compare.figures import COLUMNS, figure_cells
from app.compare.results import ResultState, TargetResult
from app.remote.refs import provider_of
from inference.events import Event, Loaded, Loading, LoadProgress, Progress, Stats, Token
from ui.app_texts import app_text
from ui.compare_chart import TARGET_COLORS
from ui.reply_stream import ReplyStream


class ResultColumn(QFrame):
    """A target's reply and figures; fed with the run's events, or a saved result.

    The reply is painted as the chat's is (:class:`ReplyStream`: the first text at once, then
    on its timer), and the status changes only when what the target does changes: not on
    every token.
    """

    def __init__(self, number: int, label: str, model: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._model = model
        self._stream = ReplyStream(self._paint, self._follow, self)
        self._thinking: bool | None = None  # what the last token was (None: no token yet)
        color = TARGET_COLORS[(number - 1) % len(TARGET_COLORS)]
        self.heading = QLabel(f"<b style='color:{color}'>{number}.</b> {escape(label)}")
        self.heading.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.reply = QPlainTextEdit()
        self.reply.setReadOnly(True)
        self.reply.setAccessibleName(self.tr("Reply of target %1").replace("%1", str(number)))
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #dc2626;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addWidget(self.reply, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.figures)

    # -- a run ------------------------------------------------------------------------------

    def waiting(self) -> None:
        """The run started; this target's turn has not come."""
        self.status.setText(self.tr("Waiting for its turn…"))

    def started(self) -> None:
        """This target's request was submitted."""
        self._stream.start(0, "")  # one reply per column: its id does not matter
        provider = provider_of(self._model)
        self.status.setText(self.tr("Waiting for %1…").replace("%1", provider) if provider
                            else self.tr("Waiting for the model…"))

    def feed(self, event: Event) -> None:
        """An engine event of this target."""
        if isinstance(event, Loading):
            self.status.setText(self.tr("Loading the model…"))
        elif isinstance(event, LoadProgress):
            self.status.setText(self.tr("Loading the model… %1 %").replace(
                "%1", f"{event.fraction * 100:.0f}"))
        elif isinstance(event, Loaded):
            self.status.setText(self.tr("Loaded in %1 s").replace("%1",
                                                                   f"{event.model.load_s:.2f}"))
        elif isinstance(event, Progress) and event.total:
            self.status.setText(self.tr("Reading the prompt… %1/%2").replace(
                "%1", str(event.done)).replace("%2", str(event.total)))
        elif isinstance(event, Token) and event.text:
            # The status changes (and lays out) when the target starts thinking or writing,
            # not per token.
            if event.thinking is not self._thinking:
                self._thinking = event.thinking
                self.status.setText(self.tr("Thinking…") if event.thinking
                                    else self.tr("Writing…"))
            if not event.thinking:
                self._stream.append(event.text)
        elif isinstance(event, Stats) and event.generated_tokens:
            self.figures.setText(self.tr("%1 tokens · %2 tok/s").replace(
                "%1", str(event.generated_tokens)).replace("%2", f"{event.decode_tps:.1f}"))

    def _paint(self, text: str, _first: bool, _thinking: bool) -> bool:
        """ReplyStream's paint: append ``text``; follow the tail if the user was there."""
        bar = self.reply.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        cursor = self.reply.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        return at_end

    def _follow(self) -> None:
        bar = self.reply.verticalScrollBar()
        bar.setValue(bar.maximum())

    # -- the outcome ------------------------------------------------------------------------

    def show_result(self, result: TargetResult | None) -> None:
        """Show a finished (or saved) result; None: this run has none for the target."""
        self._stream.stop()
        if result is None:
            self.reply.setPlainText("")
            self.status.setText(self.tr("No result in this run."))
            self.figures.setText("")
            self.error.hide()
            return
        self.reply.setPlainText(result.reply)
        states = {
            ResultState.DONE: self.tr("Done"), ResultState.FAILED: self.tr("Failed"),
            ResultState.STOPPED: self.tr("Stopped by you"),
            ResultState.NOT_RUN: self.tr("Not run"),
        }
        self.status.setText(states[result.state])
        self.error.setText(result.error)
        self.error.setVisible(bool(result.error))
        rows = "".join(f"<tr><td>{escape(app_text(name))}</td><td align='right'>&nbsp;"
                       f"{escape(app_text(value))}</td></tr>"
                       for name, value in zip(COLUMNS, figure_cells(result), strict=True))
        notes = [app_text(n) for n in (result.stats.speed_source, result.memory_note) if n]
        note = f"<br><small>{escape('; '.join(notes))}</small>" if notes else ""
        self.figures.setText(f"<table>{rows}</table>{note}")

    def reply_text(self) -> str:
        """The reply, with what streamed in and waits to be painted (tests)."""
        if self._stream.message_id is not None:
            return self._stream.text()
        return self.reply.toPlainText()

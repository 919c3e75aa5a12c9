"""A one-line bar with the latency figures of the current or last reply."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from inference.events import STOP_REASON_LABELS, Done, Stats
from ui.app_texts import app_text
from ui.theme import muted_text_color

PLACEHOLDER = "–"
MARGIN = 4
SPACING = 22


def format_duration(seconds: float) -> str:
    """``0.412`` -> ``"412 ms"``, ``1.5`` -> ``"1.50 s"``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def format_rate(tokens_per_s: float) -> str:
    """Tokens per second, with one decimal below 100."""
    return f"{tokens_per_s:.1f} tok/s" if tokens_per_s < 100 else f"{tokens_per_s:.0f} tok/s"


class _Field(QLabel):
    """One figure: a muted caption, a value and an optional muted detail.

    Screen readers hear "<spoken name>: <value detail>".
    """

    def __init__(self, caption: str, spoken: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.caption = caption
        self.spoken = spoken
        self.plain_text = ""
        self._parts = ("", "", "")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_value(self, value: str, detail: str = "", rate: str = "") -> None:
        """Show ``value``, then ``detail`` (muted), then `` · rate``."""
        self._parts = (value, detail, rate)
        shown = " ".join(part for part in (value, detail) if part)
        if rate:
            shown += f" · {rate}"
        self.plain_text = " ".join(part for part in (self.caption, shown) if part)
        self.setAccessibleName(f"{self.spoken}: {shown}" if shown else self.spoken)
        self._render()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._render()

    def _render(self) -> None:
        muted = muted_text_color(self.palette()).name()
        value, detail, rate = self._parts
        pieces = (
            [f'<span style="color:{muted}">{escape(self.caption)}</span>'] if self.caption else []
        )
        pieces.append(escape(value))
        if detail:
            pieces.append(f'<span style="color:{muted}">{escape(detail)}</span>')
        if rate:
            pieces.append(f"· {escape(rate)}")
        self.setText("&nbsp;".join(pieces))
        # Grow, never shrink, while a reply streams: a figure that changes width four times a
        # second would otherwise lay out (and repaint) the whole window each time.
        width = self.sizeHint().width()
        if width > self.minimumWidth():
            self.setMinimumWidth(width)


ENGINE_TTFT_TIP = QT_TRANSLATE_NOOP(
    "StatsBar",
    "Time to first token, from pressing Send to the first text on screen.\n"
    "“engine” is the model's own share: request received to first token.\n"
    "“answer” (a reasoning model): request received to the first token of the answer, "
    "after the thinking."
)
REMOTE_TTFT_TIP = QT_TRANSLATE_NOOP(
    "StatsBar",
    "Time to first token, from pressing Send to the first text on screen: the network, the "
    "server's queue and its reading of the prompt included."
)


class StatsBar(QWidget):
    """Latency figures of one reply: time to first token, prompt, output, context, stop reason.

    Updated live with :meth:`set_stats` while a reply runs and finalised by :meth:`finish`.
    The time to first token shown is end to end (Send to first text on screen, set by the
    window with :meth:`set_end_to_end_ttft`); the engine's own share is shown beside it.
    A remote model's reply names its provider first, and where the speeds come from (the
    server's own figures, or measured here from the stream); the server does not say how
    large its context is, so the context field is hidden (the reply's Stats line in the
    conversation has the tokens used).

    The bar places its fields itself instead of using a QLayout: a label whose text changes
    asks its parent's layout to run again, and a layout always passes that request up to the
    window, so four updates a second would lay out and repaint the whole window while the
    model streams. Here a changed figure only moves the fields of this bar.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Reply statistics"))
        # Opaque: a changing figure repaints the bar alone, not the window behind it.
        self.setAutoFillBackground(True)
        self._ttft = _Field(self.tr("TTFT"), self.tr("Time to first token"), self)
        self._prompt = _Field(self.tr("Prompt"), self.tr("Prompt"), self)
        self._output = _Field(self.tr("Output"), self.tr("Output"), self)
        self._context = _Field(self.tr("Context"), self.tr("Context used"), self)
        self._stop = _Field("", self.tr("Stop reason"), self)
        self._source = _Field(self.tr("Remote"), self.tr("Remote model"), self)
        self._ttft.setToolTip(self.tr(ENGINE_TTFT_TIP))
        self._source.setToolTip(self.tr(
            "The provider whose server wrote the reply. “speeds from the server”: its own "
            "timings; “speeds measured here”: computed from the stream as it arrived."
        ))
        self._prompt.setToolTip(
            self.tr("Prompt tokens processed (reused from cache) and processing speed"))
        self._output.setToolTip(self.tr(
            "Generated tokens (of which thinking, for a reasoning model) and generation speed"
        ))
        self._context.setToolTip(self.tr("Context window used / context size, in tokens"))
        self._height = 0
        self._end_to_end_s: float | None = None
        self._engine_ttft_s = 0.0
        self._remote = ""
        self._answer_ttft_s = 0.0
        self.reset()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        widths = [field.sizeHint().width() for field in self._fields()]
        return QSize(2 * MARGIN + sum(widths) + SPACING * (len(widths) - 1), self._bar_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(0, self._bar_height())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a field's text or font changed
            self._place()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._place()

    def _bar_height(self) -> int:
        return max(field.sizeHint().height() for field in self._fields()) + 4

    def _place(self) -> None:
        height = self._bar_height()
        if height != self._height:  # only a new font changes it: tell the window once
            self._height = height
            self.updateGeometry()
        fields = self._fields()
        widths = [max(field.sizeHint().width(), field.minimumWidth()) for field in fields]
        # Narrow window: close the gaps (down to a third) before the last figure is cut off.
        room = self.width() - 2 * MARGIN - sum(widths)
        spacing = max(SPACING // 3, min(SPACING, room // max(len(fields) - 1, 1)))
        x = MARGIN
        for field, width in zip(fields, widths, strict=True):
            field.setGeometry(x, 2, width, height - 4)
            x += width + spacing

    def reset(self, remote: str = "") -> None:
        """Clear every figure, for a new reply (from the provider ``remote``, when it is a
        remote model's)."""
        self._end_to_end_s = None
        self._engine_ttft_s = 0.0
        self._remote = ""
        self._answer_ttft_s = 0.0
        self._ttft.setToolTip(self.tr(ENGINE_TTFT_TIP))
        for field in self._all_fields():
            field.setMinimumWidth(0)
            field.set_value(PLACEHOLDER)
            field.show()
        self._stop.set_value("")
        self._source.set_value("")
        self._source.hide()
        if remote:
            self._source.set_value(remote)
            self._show_remote(remote)
        self._place()

    def set_end_to_end_ttft(self, seconds: float) -> None:
        """Show the end-to-end time to first token (Send to first text painted)."""
        self._end_to_end_s = seconds
        self._show_ttft()

    def set_stats(self, stats: Stats) -> None:
        """Show live figures of the reply in progress."""
        if stats.remote and stats.remote != self._remote:
            self._show_remote(stats.remote)
        if stats.remote:
            self._source.set_value(stats.remote, rate=app_text(stats.speed_source))
        if stats.ttft_s > 0:
            self._engine_ttft_s = stats.ttft_s
            self._answer_ttft_s = stats.answer_ttft_s if stats.thinking_tokens else 0.0
            self._show_ttft()
        if stats.prompt_tokens:
            self._prompt.set_value(
                self.tr("{count} tok").format(count=stats.prompt_tokens),
                (self.tr("({count} cached, restored from {source})").format(
                    count=stats.cached_tokens, source=self._restored_source(stats.restored_from))
                 if stats.restored_from
                 else self.tr("({count} cached)").format(count=stats.cached_tokens)),
                format_rate(stats.prompt_tps) if stats.prompt_tps > 0 else "",
            )
        if stats.generated_tokens:
            notes = []
            if stats.thinking_tokens:
                notes.append(self.tr("{count} thinking").format(count=stats.thinking_tokens))
            if stats.draft_tokens:
                notes.append(self.tr("{share} of {count} drafted accepted").format(
                    share=f"{stats.acceptance:.0%}", count=stats.draft_tokens))
            self._output.set_value(
                self.tr("{count} tok").format(count=stats.generated_tokens),
                f"({', '.join(notes)})" if notes else "",
                rate=format_rate(stats.decode_tps) if stats.decode_tps > 0 else "",
            )
        if stats.context_size:
            self._context.set_value(
                f"{stats.context_used} / {stats.context_size}",
                self.tr("(context shifted)") if stats.context_shifted else "",
            )

        if stats.stop_reason:
            self._show_stop_reason(stats.stop_reason)

    def _restored_source(self, source: str) -> str:
        """Where a chat's cache came back from, in words (the engine's FROM_* names)."""
        if source == "disk":
            return self.tr("disk")
        if source == "memory":
            return self.tr("memory")
        return source

    def finish(self, done: Done) -> None:
        """Show the final figures of a finished reply and why it stopped."""
        self.set_stats(done.stats)
        self._show_stop_reason(done.stop_reason)

    def text(self) -> str:
        """Everything the bar shows, as plain text."""
        return "  ".join(f.plain_text for f in self._fields() if f.plain_text)

    def _all_fields(self) -> tuple[_Field, ...]:
        return (self._source, self._ttft, self._prompt, self._output, self._context,
                self._stop)

    def _fields(self) -> tuple[_Field, ...]:
        """The fields shown (a local reply has no "Remote", a remote one no context)."""
        return tuple(field for field in self._all_fields() if not field.isHidden())

    def _show_remote(self, provider: str) -> None:
        """The reply comes from ``provider``'s server: say so; its context size is not
        known; the time to first token is measured here only."""
        self._remote = provider
        self._ttft.setToolTip(self.tr(REMOTE_TTFT_TIP))
        self._context.hide()
        self._source.show()
        self._show_ttft()
        self._place()

    def _show_ttft(self) -> None:
        shown = format_duration(self._end_to_end_s) if self._end_to_end_s is not None else "…"
        parts = []
        # A remote reply's own share (request to first text) is all but the same figure.
        if self._engine_ttft_s and not self._remote:
            parts.append(self.tr("engine {time}").format(time=format_duration(self._engine_ttft_s)))
        if self._answer_ttft_s:
            parts.append(self.tr("answer {time}").format(time=format_duration(self._answer_ttft_s)))
        self._ttft.set_value(shown, f"({' · '.join(parts)})" if parts else "")

    def _show_stop_reason(self, reason: str) -> None:
        self._stop.set_value(app_text(STOP_REASON_LABELS.get(reason, reason.replace("_", " "))))

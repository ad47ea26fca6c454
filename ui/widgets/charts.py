"""Charts drawn with QPainter (QtCharts is not part of PySide6-Essentials).

``HBarChart`` is a horizontal stacked bar chart: one row per bar, each bar split into the
segments of a fixed list of series (e.g. the worst status of the transfers it counts). Every
bar carries its numbers as text beside it and the series have a legend, so colour is never
the only carrier of meaning. Rows are clickable and keyboard-navigable; a click or Enter emits
``activated`` with the bar's key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

_MARGIN = 10
_GAP = 10  # between the label column, the bar and the numbers
_SWATCH = 11
_MIN_ROW = 22
_MAX_BAR = 18  # thickness: taller rows get air around the bar, not fatter bars


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of segment: its key, its name in the legend and its colour."""

    key: str
    label: str
    colour: str  # "#rrggbb"


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of the chart: ``values`` are aligned with the chart's series."""

    key: str
    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way to ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
        1.0,
    )


def secondary_text(palette: QPalette) -> QColor:
    """A quieter text colour that still reads on the style's window background."""
    return mix(
        palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.35
    )


class HBarChart(QWidget):
    """A horizontal stacked bar chart with a legend, count labels and an empty state."""

    activated = Signal(str)  # the key of the bar clicked or chosen with the keyboard

    LOADING = 0
    EMPTY = 1
    DATA = 2

    def __init__(
        self,
        series: Sequence[Series],
        *,
        empty_text: str = "No data yet",
        empty_hint: str = "",
        unit: tuple[str, str] = ("item", "items"),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._series = tuple(series)
        self._bars: tuple[Bar, ...] = ()
        self._state = self.LOADING
        self._loading_text = "Checking…"
        self._empty_text = empty_text
        self._empty_hint = empty_hint
        self._unit = unit
        self._hover = -1
        self._current = 0
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover, True)

    # -- data --------------------------------------------------------------------------------

    def set_loading(self, text: str = "Checking…") -> None:
        self._state = self.LOADING
        self._loading_text = text
        self._bars = ()
        self._update_accessibility()
        self.updateGeometry()
        self.update()

    def set_bars(self, bars: Sequence[Bar]) -> None:
        for bar in bars:
            if len(bar.values) != len(self._series):
                raise ValueError(f"bar {bar.key!r} has {len(bar.values)} values, not one a series")
        self._bars = tuple(bars)
        self._state = self.DATA if any(b.total for b in self._bars) else self.EMPTY
        if self._state != self.DATA:
            self._bars = ()
        self._hover = -1
        self._current = min(self._current, max(len(self._bars) - 1, 0))
        self._update_accessibility()
        self.updateGeometry()
        self.update()

    def bars(self) -> tuple[Bar, ...]:
        return self._bars

    def series(self) -> tuple[Series, ...]:
        return self._series

    def hint(self) -> str:
        """The line under the message of an empty chart: what to do ("" otherwise)."""
        return self._empty_hint if self._state == self.EMPTY else ""

    def message(self) -> str:
        """The text shown instead of bars ("" when there are bars)."""
        if self._state == self.LOADING:
            return self._loading_text
        if self._state == self.EMPTY:
            return self._empty_text
        return ""

    def describe(self, bar: Bar) -> str:
        """The bar in words: "Türkiye (TR): 1 transfer, 1 critical"."""
        noun = self._unit[0] if bar.total == 1 else self._unit[1]
        parts = self._breakdown(bar)
        return f"{bar.label}: {bar.total} {noun}" + (f" ({parts})" if parts else "")

    def shown_breakdown(self, index: int) -> str:
        """The split of bar ``index`` in words as painted (elided if it does not fit)."""
        b = self._bars[index]
        bold_fm = QFontMetrics(self._value_font())
        x = self.bar_rects()[b.key].right() + _GAP + bold_fm.horizontalAdvance(str(b.total)) + 8
        room = self.width() - _MARGIN - x
        if room <= 12:
            return ""
        return self.fontMetrics().elidedText(self._breakdown(b), Qt.TextElideMode.ElideRight, room)

    def _breakdown(self, bar: Bar) -> str:
        return " · ".join(
            f"{v} {s.label.lower()}" for s, v in zip(self._series, bar.values, strict=True) if v
        )

    def _update_accessibility(self) -> None:
        if self._state == self.DATA:
            text = "; ".join(self.describe(b) for b in self._bars)
        else:
            text = self.message()
        self.setAccessibleDescription(text)

    # -- geometry ----------------------------------------------------------------------------

    def _base_row(self) -> int:
        return max(_MIN_ROW, self.fontMetrics().height() + 8)

    def _row_height(self) -> int:
        """Rows grow (up to half again) to fill a tall chart, never shrink below the base."""
        base = self._base_row()
        if self._state != self.DATA or not self._bars:
            return base
        room = self.height() - 2 * _MARGIN - self._legend_height(self.width())
        return max(base, min(room // len(self._bars), base * 3 // 2))

    def _legend_rows(self, width: int) -> list[list[tuple[Series, int]]]:
        """The legend laid out in lines that fit ``width``: (series, x) pairs."""
        fm = self.fontMetrics()
        lines: list[list[tuple[Series, int]]] = [[]]
        x = _MARGIN
        for s in self._series:
            w = _SWATCH + 6 + fm.horizontalAdvance(s.label)
            if lines[-1] and x + w > width - _MARGIN:
                lines.append([])
                x = _MARGIN
            lines[-1].append((s, x))
            x += w + 18
        return lines

    def _legend_height(self, width: int) -> int:
        return len(self._legend_rows(width)) * (self.fontMetrics().height() + 4) + 10

    def _label_width(self, width: int) -> int:
        fm = self.fontMetrics()
        # A few pixels of slack: elidedText() elides text that fits its advance exactly.
        wanted = max((fm.horizontalAdvance(b.label) + 4 for b in self._bars), default=0)
        return min(wanted, int(width * 0.4))

    def _value_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _value_width(self, width: int, label_w: int) -> int:
        """Room kept right of the longest bar for its numbers; the bars keep at least a fifth
        of the width (the split in words is elided only on a narrower chart than a dashboard
        card at 1280 px, and stays in the tooltip)."""
        bold = QFontMetrics(self._value_font())
        fm = self.fontMetrics()
        totals = max((bold.horizontalAdvance(str(b.total)) for b in self._bars), default=0)
        wanted = max(
            (
                bold.horizontalAdvance(str(b.total)) + 12 + fm.horizontalAdvance(self._breakdown(b))
                for b in self._bars
            ),
            default=0,
        )
        spare = width - 2 * _MARGIN - label_w - 2 * _GAP - max(width // 5, 60)
        return max(min(wanted, spare), totals + 4)

    def _geometry(self) -> tuple[int, int, int, int, int]:
        """(top of the first row, row height, label width, bar x, bar full width)."""
        width = self.width()
        top = _MARGIN + self._legend_height(width)
        row = self._row_height()
        label_w = self._label_width(width)
        bar_x = _MARGIN + label_w + _GAP
        bar_w = max(width - _MARGIN - self._value_width(width, label_w) - _GAP - bar_x, 20)
        return top, row, label_w, bar_x, bar_w

    def row_rect(self, index: int) -> QRect:
        top, row, _, _, _ = self._geometry()
        return QRect(0, top + index * row, self.width(), row)

    def bar_rects(self) -> dict[str, QRect]:
        """Where each bar is painted (the whole stack), by bar key."""
        if self._state != self.DATA:
            return {}
        top, row, _, bar_x, bar_w = self._geometry()
        most = max(b.total for b in self._bars)
        bar_h = max(min(row - 8, _MAX_BAR), 6)
        out: dict[str, QRect] = {}
        for i, b in enumerate(self._bars):
            w = max(round(bar_w * b.total / most), 3 if b.total else 0)
            out[b.key] = QRect(bar_x, top + i * row + (row - bar_h) // 2, w, bar_h)
        return out

    def index_at(self, point: QPoint) -> int:
        if self._state != self.DATA:
            return -1
        top, row, _, _, _ = self._geometry()
        if point.y() < top or point.x() < 0 or point.x() > self.width():
            return -1
        i = (point.y() - top) // row
        return i if 0 <= i < len(self._bars) else -1

    def bar_at(self, point: QPoint) -> str | None:
        """The key of the bar whose row holds ``point`` (the label and numbers count too)."""
        i = self.index_at(point)
        return self._bars[i].key if i >= 0 else None

    def _rows_shown(self) -> int:
        return len(self._bars) if self._state == self.DATA else 4

    def sizeHint(self) -> QSize:
        rows = self._rows_shown()
        return QSize(460, 2 * _MARGIN + self._legend_height(460) + rows * (self._base_row() + 6))

    def minimumSizeHint(self) -> QSize:
        # Every row stays readable: a short window scrolls the page rather than clip bars.
        rows = self._rows_shown()
        return QSize(280, 2 * _MARGIN + self._legend_height(460) + rows * self._base_row())

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if self._state == self.DATA:
                self._paint_legend(painter)
                self._paint_bars(painter)
            else:
                self._paint_message(painter)
        finally:
            painter.end()

    def _paint_legend(self, painter: QPainter) -> None:
        fm = self.fontMetrics()
        line_h = fm.height() + 4
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        for n, line in enumerate(self._legend_rows(self.width())):
            y = _MARGIN + n * line_h
            for s, x in line:
                painter.setBrush(QColor(s.colour))
                painter.setPen(Qt.PenStyle.NoPen)
                swatch_y = y + (line_h - _SWATCH) / 2
                painter.drawRoundedRect(QRectF(x, swatch_y, _SWATCH, _SWATCH), 2, 2)
                painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
                painter.drawText(
                    QRect(x + _SWATCH + 6, y, fm.horizontalAdvance(s.label) + 2, line_h),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    s.label,
                )

    def _paint_message(self, painter: QPainter) -> None:
        top = _MARGIN + self._legend_height(self.width())
        area = QRect(0, top, self.width(), max(self.height() - top - _MARGIN, 0))
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        font = QFont(self.font())
        if self._state == self.EMPTY:
            font.setBold(True)
        painter.setFont(font)
        painter.setPen(text_colour if self._state == self.EMPTY else secondary_text(self.palette()))
        fm = QFontMetrics(font)
        hint = self.hint()
        block = fm.height() + (fm.height() + 4 if hint else 0)
        y = area.top() + (area.height() - block) // 2
        painter.drawText(
            QRect(area.left(), y, area.width(), fm.height()),
            int(Qt.AlignmentFlag.AlignCenter),
            self.message(),
        )
        if hint:
            painter.setFont(self.font())
            painter.setPen(secondary_text(self.palette()))
            painter.drawText(
                QRect(area.left() + _MARGIN, y + fm.height() + 4, area.width() - 2 * _MARGIN, 60),
                int(
                    Qt.AlignmentFlag.AlignHCenter
                    | Qt.AlignmentFlag.AlignTop
                    | Qt.TextFlag.TextWordWrap
                ),
                hint,
            )

    def _paint_bars(self, painter: QPainter) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        quiet = secondary_text(palette)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        fm = self.fontMetrics()
        bold = self._value_font()
        bold_fm = QFontMetrics(bold)
        top, row, label_w, _, _ = self._geometry()
        rects = self.bar_rects()
        for i, b in enumerate(self._bars):
            row_rect = QRect(_MARGIN // 2, top + i * row, self.width() - _MARGIN, row)
            if i == self._hover or (i == self._current and self.hasFocus()):
                band = QColor(highlight)
                band.setAlphaF(0.14 if i == self._hover else 0.08)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(band)
                painter.drawRoundedRect(QRectF(row_rect).adjusted(0, 1, 0, -1), 4, 4)
            if i == self._current and self.hasFocus():
                pen = QPen(highlight, 1.5)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(row_rect).adjusted(0.75, 1.75, -0.75, -1.75), 4, 4)
            # Label, right-aligned against the bars, elided when the column is too narrow.
            painter.setPen(text)
            painter.setFont(self.font())
            label = fm.elidedText(b.label, Qt.TextElideMode.ElideRight, label_w)
            painter.drawText(
                QRect(_MARGIN, top + i * row, label_w, row),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
                label,
            )
            bar = rects[b.key]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.save()
            clip = QPainterPath()
            clip.addRoundedRect(QRectF(bar), 3, 3)
            painter.setClipPath(clip)
            x = float(bar.left())
            for s, v in zip(self._series, b.values, strict=True):
                if not v:
                    continue
                w = bar.width() * v / b.total
                painter.setBrush(QColor(s.colour))
                painter.drawRect(QRectF(x, bar.top(), w + 0.5, bar.height()))
                x += w
            painter.restore()
            # The numbers: total in bold, then the split in words.
            x = bar.right() + _GAP
            painter.setFont(bold)
            painter.setPen(text)
            total = str(b.total)
            painter.drawText(
                QRect(x, top + i * row, bold_fm.horizontalAdvance(total) + 2, row),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                total,
            )
            x += bold_fm.horizontalAdvance(total) + 8
            painter.setFont(self.font())
            painter.setPen(quiet)
            room = self.width() - _MARGIN - x
            if room > 12:
                split = self.shown_breakdown(i)
                painter.drawText(
                    QRect(x, top + i * row, room, row),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    split,
                )

    # -- interaction -------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        i = self.index_at(event.position().toPoint())
        if i != self._hover:
            self._hover = i
            if i >= 0:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover != -1:
            self._hover = -1
            self.unsetCursor()
            self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton:
            i = self.index_at(event.position().toPoint())
            if i >= 0:
                self._current = i
                self.update()
                self.activated.emit(self._bars[i].key)
                event.accept()
                return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        n = len(self._bars)
        key = event.key()
        if n and key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_End):
            if key == Qt.Key.Key_Down:
                self._current = min(self._current + 1, n - 1)
            elif key == Qt.Key.Key_Up:
                self._current = max(self._current - 1, 0)
            elif key == Qt.Key.Key_Home:
                self._current = 0
            else:
                self._current = n - 1
            self.update()
            event.accept()
            return
        if n and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self._bars[self._current].key)
            event.accept()
            return
        super().keyPressEvent(event)

    def current_key(self) -> str | None:
        return self._bars[self._current].key if self._bars else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            i = self.index_at(event.pos())
            if i >= 0:
                QToolTip.showText(
                    event.globalPos(), self.describe(self._bars[i]) + "\nClick to list them", self
                )
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

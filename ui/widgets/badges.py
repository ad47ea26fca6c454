"""Status badges: a coloured rounded label that always carries its text (never colour alone)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from transfers_app.domain.enums import Severity
from ui.models.register_model import OK, StatusRole, StatusValue, status_label

# Background and text colours; each pair has a contrast ratio of at least 4.5:1.
BADGE_COLOURS: dict[str, tuple[str, str]] = {
    Severity.CRITICAL: ("#b3261e", "#ffffff"),
    Severity.HIGH: ("#c2410c", "#ffffff"),
    Severity.MEDIUM: ("#f5c542", "#3b2a00"),
    Severity.LOW: ("#1d5fbf", "#ffffff"),
    OK: ("#2e7d32", "#ffffff"),
}

_H_PAD = 8
_V_MARGIN = 4
_LEFT = 6

_Index = QModelIndex | QPersistentModelIndex


def badge_colours(status: StatusValue) -> tuple[QColor, QColor]:
    background, text = BADGE_COLOURS[status]
    return QColor(background), QColor(text)


def _badge_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setBold(True)
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(max(size - 1.0, 7.0))
    return font


def paint_badge(painter: QPainter, rect: QRect, status: StatusValue, font: QFont) -> None:
    """Paint one badge at the left of ``rect``, vertically centred."""
    text = status_label(status)
    badge_font = _badge_font(font)
    metrics = QFontMetrics(badge_font)
    width = metrics.horizontalAdvance(text) + 2 * _H_PAD
    height = min(rect.height() - 2 * _V_MARGIN, metrics.height() + 6)
    top = rect.top() + (rect.height() - height) / 2
    box = QRectF(rect.left() + _LEFT, top, width, height)
    background, foreground = badge_colours(status)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    radius = height / 2
    painter.drawRoundedRect(box, radius, radius)
    painter.setPen(foreground)
    painter.setFont(badge_font)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()


class StatusBadgeDelegate(QStyledItemDelegate):
    """Paints the model's ``StatusRole`` as a badge; "checking…" while it is not known."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The cell background (selection, alternating rows, focus) as the style draws it.
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = option.rect
        status = index.data(StatusRole)
        if status is None:
            painter.save()
            palette: QPalette = option.palette
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                rect.adjusted(_LEFT + _H_PAD, 0, 0, 0),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                "checking…",
            )
            painter.restore()
            return
        paint_badge(painter, rect, status, option.font)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        base = super().sizeHint(option, index)
        metrics = QFontMetrics(_badge_font(option.font))
        width = metrics.horizontalAdvance(status_label(Severity.CRITICAL)) + 2 * _H_PAD + 2 * _LEFT
        return QSize(max(base.width(), width), max(base.height(), metrics.height() + 6 + 2 * 2))

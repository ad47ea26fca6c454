"""The data map's pictures (Qt graphics items): entities, country boxes, arrows with their
mechanism, the exporters' shared lines, the title and the legend. Colour always comes with a
word (the status badge), and dashes mark the gaps to fix."""

from __future__ import annotations

import functools

from PySide6.QtCore import (
    QPointF,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from transfers_app.domain.enums import Severity
from transfers_app.domain.formatting import MECHANISM_PHRASES
from transfers_app.reports.data_map.geometry import Point, Rect
from transfers_app.reports.data_map.graph import (
    _RANK,
    ACCESS_LABELS,
    KIND_WORDS,
    NOT_ASSESSED,
    OK,
    MapNode,
    StatusValue,
    TransferVerdict,
    _plural,
    destination_label,
    edge_status,
    node_subtitle,
    status_word,
)
from transfers_app.reports.data_map.layout import (
    BOX_HEAD,
    BOX_PAD,
    LABEL_W,
    LEGEND_H,
    MORE_H,
    NODE_W,
    _Leg,
)
from ui.widgets.badges import BADGE_COLOURS
from ui.widgets.charts import mix


def qpoint(p: Point) -> QPointF:
    return QPointF(p.x(), p.y())


def qrect(r: Rect) -> QRectF:
    return QRectF(r.left(), r.top(), r.width(), r.height())


# -- drawing ---------------------------------------------------------------------------------------

SCENE_BACKGROUND = QColor("#f4f6f9")
BOX_FILL = QColor("#ffffff")
BOX_BORDER = QColor("#d3d9e1")
TEXT = QColor("#1c2430")
QUIET = QColor("#5b6675")
BUS = QColor("#98a3b0")
UNKNOWN = QColor("#8d96a3")
OWN_FILL = QColor("#1f3a5f")
OWN_TEXT = QColor("#ffffff")
OWN_QUIET = QColor("#c6d3e6")


@functools.cache
def _family() -> str:
    """The family the app's font resolves to: an SVG names it, and a viewer knows a real family
    (e.g. "DejaVu Sans") where it would not know a fontconfig alias such as "Sans Serif"."""
    return QFontInfo(QApplication.font()).family()


def _font(pixels: int, weight: QFont.Weight = QFont.Weight.Normal, italic: bool = False) -> QFont:
    font = QFont(QApplication.font())
    font.setFamily(_family())
    font.setPixelSize(pixels)
    font.setWeight(weight)
    font.setItalic(italic)
    return font


def _name_font() -> QFont:
    return _font(13, QFont.Weight.DemiBold)


def _sub_font() -> QFont:
    return _font(11)


def _label_font() -> QFont:
    return _font(10, QFont.Weight.Medium)


def status_colour(status: StatusValue | None) -> QColor:
    """The badge colour of a status (grey while checking or not assessed)."""
    if status is None or status == NOT_ASSESSED:
        return QColor(UNKNOWN)
    return QColor(BADGE_COLOURS[str(status)][0])


def _line_colour(status: StatusValue | None) -> QColor:
    colour = status_colour(status)
    # The badge yellow is made for filled badges; a thin line needs more contrast.
    return colour.darker(125) if status == Severity.MEDIUM else colour


def _leg_pen(status: StatusValue | None) -> QPen:
    pen = QPen(_line_colour(status), 2.2)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if status is None or status == NOT_ASSESSED:
        pen.setDashPattern([1.0, 2.5])
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    elif status in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM):
        pen.setDashPattern([3.5, 2.5])
    return pen


def _badge_width(status: StatusValue | None) -> float:
    return QFontMetricsF(_font(10, QFont.Weight.Bold)).horizontalAdvance(status_word(status)) + 12


def _badge(painter: QPainter, right: float, centre_y: float, status: StatusValue | None) -> QRectF:
    """A status badge whose right edge is at ``right``; returns where it went."""
    word = status_word(status)
    font = _font(10, QFont.Weight.Bold)
    width = _badge_width(status)
    box = QRectF(right - width, centre_y - 9, width, 18)
    if status is None or status == NOT_ASSESSED:
        background, foreground = QColor("#e3e7ec"), QColor("#3d4652")
    else:
        background, foreground = (QColor(c) for c in BADGE_COLOURS[str(status)])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    painter.drawRoundedRect(box, 9, 9)
    painter.setPen(foreground)
    painter.setFont(font)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), word)
    return box


class _MapItem(QGraphicsItem):
    """A picture on the map: ``draw`` paints it (antialiased unless told otherwise) within
    ``boundingRect()``, its ``_rect`` widened by ``margin`` unless the item says otherwise."""

    _rect: QRectF
    margin = 0.0
    antialiased = True

    def boundingRect(self) -> QRectF:
        m = self.margin
        return QRectF(self._rect).adjusted(-m, -m, m, m)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        if self.antialiased:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.draw(painter)

    def draw(self, painter: QPainter) -> None:
        raise NotImplementedError


class MapNodeItem(_MapItem):
    """An entity: rounded, coloured by its worst incoming transfer, with the status word."""

    margin = 1.0

    def __init__(self, node: MapNode, rect: QRectF, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.node = node
        self.entity_id = node.entity_id
        self.name = node.name
        self._rect = QRectF(0, 0, rect.width(), rect.height())
        self.status: StatusValue | None = None
        self.transfers: list[tuple[str, StatusValue | None]] = []
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        self._sync_tooltip()

    def status_word(self) -> str:
        return "" if self.node.tier == 0 else status_word(self.status)

    def box(self) -> MapBoxItem | None:
        """The country box (or our entities' box) the node stands in."""
        parent = self.parentItem()
        return parent if isinstance(parent, MapBoxItem) else None

    def set_status(self, status: StatusValue | None) -> None:
        self.status = status
        self._sync_tooltip()
        self.update()

    def subtitle(self) -> str:
        return node_subtitle(self.node)

    def _sync_tooltip(self) -> None:
        n = self.node
        lines = [n.name]
        if n.legal_name and n.legal_name != n.name:
            lines.append(n.legal_name)
        if n.tier == 0:
            lines.append(self.subtitle())
        else:
            lines.append(
                f"{KIND_WORDS.get(n.kind, n.kind.title())} in {destination_label(n.country)} · "
                f"{_plural(n.transfers_in, 'transfer')} in"
            )
            if n.services:
                lines.append(n.services)
            lines.append(f"Worst status: {status_word(self.status)}")
        lines.append("Click to open the record")
        self.setToolTip("\n".join(lines))

    def draw(self, painter: QPainter) -> None:
        r = self._rect
        own = self.node.tier == 0
        shape = QPainterPath()
        shape.addRoundedRect(r.adjusted(0.75, 0.75, -0.75, -0.75), 8, 8)
        name_m, sub_m = QFontMetricsF(_name_font()), QFontMetricsF(_sub_font())
        line2 = max(sub_m.height(), 18.0)
        y = r.center().y() - (name_m.height() + 2 + line2) / 2
        left = r.left() + (12 if own else 15)
        width = r.right() - 10 - left
        sub_right = r.right() - 10
        if own:
            fill = OWN_FILL if self.node.is_own else QColor("#4a5566")
            painter.setPen(QPen(fill, 1.5))
            painter.setBrush(fill)
            painter.drawPath(shape)
            text, quiet = OWN_TEXT, OWN_QUIET
        else:
            accent = _line_colour(self.status)
            painter.setPen(QPen(accent, 1.5))
            painter.setBrush(mix(BOX_FILL, status_colour(self.status), 0.09))
            painter.drawPath(shape)
            painter.save()
            painter.setClipPath(shape)
            painter.fillRect(QRectF(r.left(), r.top(), 5, r.height()), accent)
            painter.restore()
            centre = y + name_m.height() + 2 + line2 / 2
            badge = _badge(painter, r.right() - 8, centre, self.status)
            text, quiet = TEXT, QUIET
            sub_right = badge.left() - 6
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.setFont(_name_font())
        painter.setPen(text)
        painter.drawText(QRectF(left, y, width, name_m.height()), flags, self.shown_name())
        painter.setFont(_sub_font())
        painter.setPen(quiet)
        sub_w = max(sub_right - left, 10.0)
        sub = sub_m.elidedText(self.subtitle(), Qt.TextElideMode.ElideRight, sub_w)
        painter.drawText(QRectF(left, y + name_m.height() + 2, sub_w, line2), flags, sub)

    def shown_name(self) -> str:
        """The name as painted (elided when long; the tooltip has it whole)."""
        width = self._rect.width() - (22 if self.node.tier == 0 else 25)
        return QFontMetricsF(_name_font()).elidedText(self.name, Qt.TextElideMode.ElideRight, width)


class MapBoxItem(_MapItem):
    """A labelled box: one destination country (or our entities)."""

    margin = 1.0

    def __init__(
        self,
        label: str,
        rect: QRectF,
        country: str = "",
        tier: int = 1,
        hidden: int = 0,
        transfers: int = 0,
        show_count: bool = True,
    ) -> None:
        super().__init__()
        self.show_count = show_count
        self.label = label
        self.country = country
        self.tier = tier
        self.hidden = hidden
        self.transfers = transfers
        self._rect = QRectF(0, 0, rect.width(), rect.height())
        self.setPos(rect.topLeft())
        self.setZValue(-1)
        if country:
            self.setToolTip(
                f"{label}: {_plural(transfers, 'transfer')} to "
                f"{'subprocessors' if tier == 2 else 'importers'} here"
                + (f"; {hidden:,} more not drawn" if hidden else "")
                + "\nClick the title to list these transfers"
            )

    def title_rect(self) -> QRectF:
        return QRectF(0, 0, self._rect.width(), BOX_HEAD - 4)

    def more_rect(self) -> QRectF:
        if not self.hidden:
            return QRectF()
        return QRectF(BOX_PAD + LABEL_W, self._rect.height() - BOX_PAD - MORE_H, NODE_W, MORE_H)

    def more_text(self) -> str:
        return f"+ {self.hidden:,} more" if self.hidden else ""

    def draw(self, painter: QPainter) -> None:
        r = self._rect
        painter.setPen(QPen(BOX_BORDER, 1))
        painter.setBrush(BOX_FILL)
        painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        title_font = _font(14, QFont.Weight.Bold)
        count_font = _font(11)
        flags = int(Qt.AlignmentFlag.AlignVCenter)
        count = _plural(self.transfers, "transfer") if self.country and self.show_count else ""
        count_w = QFontMetricsF(count_font).horizontalAdvance(count) + 4 if count else 0.0
        head = QRectF(BOX_PAD + 2, 6, r.width() - 2 * BOX_PAD - 4, BOX_HEAD - 14)
        painter.setFont(title_font)
        painter.setPen(TEXT)
        title = QFontMetricsF(title_font).elidedText(
            self.label, Qt.TextElideMode.ElideRight, head.width() - count_w - 8
        )
        painter.drawText(head, flags | int(Qt.AlignmentFlag.AlignLeft), title)
        if count:
            painter.setFont(count_font)
            painter.setPen(QUIET)
            painter.drawText(head, flags | int(Qt.AlignmentFlag.AlignRight), count)
        if self.hidden:
            painter.setFont(_font(12, QFont.Weight.DemiBold, italic=True))
            painter.setPen(QUIET)
            painter.drawText(
                self.more_rect().adjusted(4, 0, 0, 0),
                flags | int(Qt.AlignmentFlag.AlignLeft),
                f"{self.more_text()} not drawn",
            )


class MapEdgeItem(_MapItem):
    """One arrow: the last leg into an importer, with its arrow head and mechanism label.

    ``path()`` is the leg; ``route`` the whole way from the exporter (whose shared part is
    drawn once, as the exporter's bus)."""

    ARROW = 9.0

    def __init__(self, leg: _Leg, names: dict[int, str]) -> None:
        super().__init__()
        self.edge = leg.edge
        self.exporter_id = leg.edge.exporter_id
        self.importer_id = leg.edge.importer_id
        self.label = leg.edge.label
        self.onward = leg.edge.onward
        self.start = qpoint(leg.start)
        self.end = qpoint(leg.end)
        self.label_centre = QPointF(leg.label_x, leg.end.y())
        self.route = QPainterPath(qpoint(leg.route[0]))
        for p in leg.route[1:]:
            self.route.lineTo(qpoint(p))
        self.status: StatusValue | None = None
        self.verdicts: dict[int, TransferVerdict] = {}
        self._names = names
        self._label_font = _label_font()
        width = QFontMetricsF(self._label_font).horizontalAdvance(self.label) + 12
        self._pill = QRectF(0, 0, min(width, LABEL_W - 6), 16)
        self._pill.moveCenter(self.label_centre)
        self.setZValue(2)
        self.setAcceptHoverEvents(True)
        self._sync_tooltip()

    def path(self) -> QPainterPath:
        path = QPainterPath(self.start)
        path.lineTo(self.end)
        return path

    def label_rect(self) -> QRectF:
        return QRectF(self._pill)

    def boundingRect(self) -> QRectF:
        line = QRectF(self.start, self.end).normalized().adjusted(-2, -6, 2, 6)
        return line.united(self._pill.adjusted(-2, -2, 2, 2))

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(self.start, self.end).normalized().adjusted(0, -5, 0, 5))
        path.addRoundedRect(self._pill, 8, 8)
        return path

    def set_status(self, verdicts: dict[int, TransferVerdict]) -> None:
        self.verdicts = {t.id: verdicts[t.id] for t in self.edge.transfers if t.id in verdicts}
        self.status = edge_status(self.edge, self.verdicts)
        self._sync_tooltip()
        self.update()

    def _sync_tooltip(self) -> None:
        names = self._names
        exporter = names.get(self.exporter_id, str(self.exporter_id))
        importer = names.get(self.importer_id, str(self.importer_id))
        lines = [f"{exporter} → {importer}"]
        for t in self.edge.transfers:
            what = ACCESS_LABELS.get(t.access, str(t.access))
            service = f" · {t.service}" if t.service else ""
            lines.append(f"Transfer {t.id} to {destination_label(t.destination)}: {what}{service}")
            if t.mechanisms:
                names_ = [MECHANISM_PHRASES[m.mechanism] for m in t.mechanisms]
                fallback = f" (fallback: {', '.join(names_[1:])})" if len(names_) > 1 else ""
                lines.append(f"  relies on {names_[0]}{fallback}")
            else:
                lines.append("  no transfer mechanism recorded")
            if t.parent_transfer_id is not None:
                lines.append(f"  onward from transfer {t.parent_transfer_id}")
            verdict = self.verdicts.get(t.id or -1)
            if self.status is None:
                lines.append("  status: checking…")
            elif verdict is None:
                lines.append("  status: not assessed")
            elif verdict.worst is None:
                lines.append("  status: OK, no gap")
            else:
                lines.append(f"  status: {verdict.worst.upper()}")
                lines.extend(f"  • {m}" for m in verdict.messages[:3])
                if len(verdict.messages) > 3:
                    lines.append(f"  • and {len(verdict.messages) - 3} more")
        self.setToolTip("\n".join(lines))

    def draw(self, painter: QPainter) -> None:
        colour = _line_colour(self.status)
        tip = self.end
        base = QPointF(tip.x() - self.ARROW, tip.y())
        painter.setPen(_leg_pen(self.status))
        painter.drawLine(self.start, base)
        head = QPolygonF([tip, QPointF(base.x(), tip.y() - 5), QPointF(base.x(), tip.y() + 5)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(head)
        painter.setPen(QPen(colour, 1.3))
        painter.setBrush(BOX_FILL)
        painter.drawRoundedRect(self._pill, 8, 8)
        painter.setPen(TEXT)
        painter.setFont(self._label_font)
        text = QFontMetricsF(self._label_font).elidedText(
            self.label, Qt.TextElideMode.ElideRight, self._pill.width() - 6
        )
        painter.drawText(self._pill, int(Qt.AlignmentFlag.AlignCenter), text)


class MapBusItem(_MapItem):
    """The shared lines of one exporter (drawn once, neutral), with a dot at each branch."""

    def __init__(self, segments: list[tuple[QPointF, QPointF]], dots: list[QPointF]) -> None:
        super().__init__()
        self.segments = segments
        self.dots = dots
        rect = QRectF()
        for a, b in segments:
            rect = rect.united(QRectF(a, b).normalized())
        for d in dots:
            rect = rect.united(QRectF(d.x() - 3, d.y() - 3, 6, 6))
        self._rect = rect.adjusted(-3, -3, 3, 3)
        self.setZValue(0)

    def draw(self, painter: QPainter) -> None:
        pen = QPen(BUS, 1.7)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        for a, b in self.segments:
            painter.drawLine(a, b)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BUS)
        for d in self.dots:
            painter.drawEllipse(d, 2.6, 2.6)


class MapTextItem(_MapItem):
    """A line of text in the picture (title, column headings)."""

    antialiased = False

    def __init__(self, text: str, pos: QPointF, font: QFont, colour: QColor) -> None:
        super().__init__()
        self.text = text
        self._font = font
        self._colour = colour
        metrics = QFontMetricsF(font)
        self._rect = QRectF(0, 0, metrics.horizontalAdvance(text) + 4, metrics.height())
        self.setPos(pos)

    def draw(self, painter: QPainter) -> None:
        painter.setFont(self._font)
        painter.setPen(self._colour)
        painter.drawText(
            self._rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.text
        )


class MapLegendItem(_MapItem):
    """What the colours, words, lines and labels mean (part of the exported picture)."""

    STATUSES: tuple[tuple[StatusValue, str], ...] = (
        (Severity.CRITICAL, "critical gap"),
        (Severity.HIGH, "high"),
        (Severity.MEDIUM, "medium"),
        (Severity.LOW, "low"),
        (OK, "no gap"),
    )

    def __init__(self, pos: QPointF) -> None:
        super().__init__()
        self.setPos(pos)
        self._font = _font(12)
        self._entries = self._measure()
        width = self._entries[-1][1] + self._entries[-1][2] if self._entries else 0.0
        self._rect = QRectF(0, 0, width, LEGEND_H)

    def _measure(self) -> list[tuple[str, float, float]]:
        """(kind, x, width) of each entry."""
        metrics = QFontMetricsF(self._font)
        out: list[tuple[str, float, float]] = []
        x = 0.0
        for status, text in self.STATUSES:
            w = _badge_width(status) + 6 + metrics.horizontalAdvance(text)
            out.append((str(status), x, w))
            x += w + 16
        x += 12
        for kind, text in (
            ("solid", "no gap, or low"),
            ("dashed", "gap to fix"),
            ("dotted", "not assessed yet"),
        ):
            w = 30 + 6 + metrics.horizontalAdvance(text)
            out.append((kind, x, w))
            x += w + 16
        x += 12
        pill = QFontMetricsF(_label_font()).horizontalAdvance("DPF") + 12
        w = pill + 6 + metrics.horizontalAdvance("primary mechanism")
        out.append(("pill", x, w))
        return out

    def draw(self, painter: QPainter) -> None:
        y = self._rect.center().y()
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        texts = dict(self.STATUSES)
        lines = {"solid": "no gap, or low", "dashed": "gap to fix", "dotted": "not assessed yet"}
        for kind, x, w in self._entries:
            if kind in _RANK:
                status: StatusValue = Severity(kind) if kind != OK else OK
                badge = _badge(painter, x + _badge_width(status), y, status)
                text_x = badge.right() + 6
                painter.setFont(self._font)
                painter.setPen(QUIET)
                painter.drawText(QRectF(text_x, 0, x + w - text_x, LEGEND_H), flags, texts[status])
            elif kind in lines:
                sample = {"solid": OK, "dashed": Severity.CRITICAL, "dotted": None}[kind]
                pen = _leg_pen(sample)
                pen.setColor(QColor("#46505c"))
                painter.setPen(pen)
                painter.drawLine(QPointF(x, y), QPointF(x + 30, y))
                painter.setFont(self._font)
                painter.setPen(QUIET)
                painter.drawText(QRectF(x + 36, 0, w - 36, LEGEND_H), flags, lines[kind])
            else:
                font = _label_font()
                pill_w = QFontMetricsF(font).horizontalAdvance("DPF") + 12
                pill = QRectF(x, y - 8, pill_w, 16)
                painter.setPen(QPen(QColor("#46505c"), 1.3))
                painter.setBrush(BOX_FILL)
                painter.drawRoundedRect(pill, 8, 8)
                painter.setFont(font)
                painter.setPen(TEXT)
                painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), "DPF")
                painter.setFont(self._font)
                painter.setPen(QUIET)
                painter.drawText(
                    QRectF(pill.right() + 6, 0, w, LEGEND_H), flags, "primary mechanism"
                )

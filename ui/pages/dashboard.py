"""The dashboard: the register at a glance, every figure a way into the filtered list.

The status of a large register takes a while to compute, so the page paints at once with
"checking…" and a background job (``ui.jobs``: its own services and register connection)
computes the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Mechanism, Severity
from transfers_app.domain.formatting import MECHANISM_LABELS, NO_MECHANISM, day
from transfers_app.domain.renewals import Reminder, when_text
from transfers_app.rules.gaps import GapCode
from transfers_app.services.app import AppServices
from transfers_app.services.register import StatusReport
from ui.context import UiContext
from ui.jobs import Job, Jobs
from ui.pages.base import Page
from ui.pages.due_list import DueList, due_target
from ui.widgets.badges import BADGE_COLOURS
from ui.widgets.charts import Bar, HBarChart, Series, mix, secondary_text

_Index = QModelIndex | QPersistentModelIndex

OK = "ok"  # a transfer without any gap (the register model's word for it)
OTHER = "other"
TOP_COUNTRIES = 12
NEXT_DUE = 10
# How far ahead "next due" looks: far enough that a quiet register still lists something.
DUE_HORIZON_DAYS = 3660

STATUS_SERIES: tuple[Series, ...] = (
    Series(Severity.CRITICAL.value, "Critical", BADGE_COLOURS[Severity.CRITICAL][0]),
    Series(Severity.HIGH.value, "High", BADGE_COLOURS[Severity.HIGH][0]),
    Series(Severity.MEDIUM.value, "Medium", BADGE_COLOURS[Severity.MEDIUM][0]),
    Series(Severity.LOW.value, "Low", BADGE_COLOURS[Severity.LOW][0]),
    Series(OK, "No gap", BADGE_COLOURS[OK][0]),
)
_STATUS_COLUMN = {s.key: i for i, s in enumerate(STATUS_SERIES)}


REMINDER_KINDS = {
    "expiry": "Expiry",
    "notice": "Notice deadline",
    "review": "Review",
    "dpf_recheck": "DPF re-check",
    "tia_review": "TIA review",
}


# -- the figures (computed in the background, Qt-free) ----------------------------------------


@dataclass(frozen=True, slots=True)
class DashboardData:
    on: date
    transfers: int  # live transfers assessed
    compliant: int
    with_gaps: int
    gaps: int
    critical_gaps: int
    critical_entities: int
    overdue: int
    tias_missing: int
    by_destination: tuple[Bar, ...]
    by_mechanism: tuple[Bar, ...]
    next_due: tuple[Reminder, ...]
    other_countries: tuple[str, ...] = field(default=())
    # Approved assessments past their review date, or that no longer match the register.
    tias_overdue: int = 0
    tias_stale: int = 0


def _status_key(severity: Severity | None) -> str:
    return severity.value if severity is not None else OK


def _ranked(counts: dict[str, list[int]], label: Callable[[str], str]) -> list[Bar]:
    """Most transfers first; among equals the one with the worse statuses, then by name."""
    bars = [Bar(key, label(key), tuple(values)) for key, values in counts.items()]
    bars.sort(key=lambda b: (-b.total, [-v for v in b.values], b.label.casefold()))
    return bars


def destination_label(code: str) -> str:
    name = country_name(code)
    return f"{name} ({code})" if name != code else code


def summarize(
    report: StatusReport, reminders: Sequence[Reminder], top: int = TOP_COUNTRIES
) -> DashboardData:
    """Every figure of the dashboard from a status report and the reminders."""
    width = len(STATUS_SERIES)
    by_country: dict[str, list[int]] = {}
    by_mechanism: dict[str, list[int]] = {}
    for status in report.statuses:
        column = _STATUS_COLUMN[_status_key(status.worst)]
        transfer = status.transfer
        by_country.setdefault(transfer.destination, [0] * width)[column] += 1
        primary = transfer.mechanisms[0].mechanism.value if transfer.mechanisms else NO_MECHANISM
        by_mechanism.setdefault(primary, [0] * width)[column] += 1

    countries = _ranked(by_country, destination_label)
    other: tuple[str, ...] = ()
    if len(countries) > top + 1:  # "Other (1 country)" would hide a row for nothing
        kept, rest = countries[:top], countries[top:]
        other = tuple(b.key for b in rest)
        summed = tuple(sum(b.values[i] for b in rest) for i in range(width))
        countries = [*kept, Bar(OTHER, f"Other ({len(rest)} countries)", summed)]

    mechanisms = _ranked(by_mechanism, lambda k: MECHANISM_LABELS.get(k, k))
    # "None recorded" is a finding, not a mechanism: it goes last whatever its size.
    mechanisms.sort(key=lambda b: b.key == NO_MECHANISM)

    critical = [g for g in report.gaps if g.severity is Severity.CRITICAL]
    due = sorted(reminders, key=lambda r: (not r.overdue, r.due_on, r.subject))
    return DashboardData(
        on=report.on,
        transfers=report.transfers_assessed,
        compliant=report.compliant_transfers,
        with_gaps=sum(1 for s in report.statuses if s.gaps),
        gaps=len(report.gaps),
        critical_gaps=len(critical),
        critical_entities=len({g.entity_id for g in critical if g.entity_id is not None}),
        overdue=sum(1 for r in reminders if r.overdue),
        tias_missing=sum(1 for g in report.gaps if g.code is GapCode.TIA_MISSING),
        tias_overdue=sum(1 for g in report.gaps if g.code is GapCode.TIA_OVERDUE),
        tias_stale=sum(1 for g in report.gaps if g.code is GapCode.TIA_STALE),
        by_destination=tuple(countries),
        by_mechanism=tuple(mechanisms),
        next_due=tuple(due[:NEXT_DUE]),
        other_countries=other,
    )


# -- widgets ------------------------------------------------------------------------------------


def _scaled(base: QFont, factor: float, *, bold: bool = False, weight: int = 0) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(max(round(font.pixelSize() * factor), 1))
    if bold:
        font.setBold(True)
    if weight:
        font.setWeight(QFont.Weight(weight))
    return font


class StatTile(QAbstractButton):
    """A headline figure: a title, a big number and a caption. A button, so it is focusable
    and opens with a click, Space or Enter, and assistive technology announces it as one."""

    _PAD = 14
    _ACCENT = 5

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._value = "…"
        self._caption = "checking…"
        self._accent: QColor | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._sync_text()

    def set_figure(self, value: str, caption: str, accent: QColor | None) -> None:
        self._value = value
        self._caption = caption
        self._accent = accent
        self._sync_text()
        self.update()

    def title(self) -> str:
        return self._title

    def value_text(self) -> str:
        return self._value

    def caption(self) -> str:
        return self._caption

    def _sync_text(self) -> None:
        self.setText(f"{self._title}: {self._value}")
        self.setAccessibleName(f"{self._title}: {self._value}")
        self.setAccessibleDescription(f"{self._caption}. Press to open the list.")
        self.setToolTip(f"{self._title}: {self._value} — {self._caption}\nClick to open the list")

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        base = self.font()
        return (
            _scaled(base, 1.0, weight=QFont.Weight.DemiBold.value),
            _scaled(base, 2.3, bold=True),
            _scaled(base, 0.95),
        )

    _CAPTION_LINES = 2

    def caption_lines(self, width: int | None = None) -> list[str]:
        """The caption as painted: wrapped at words onto two lines at most, the last elided
        only if even two lines cannot hold it ("documents, reviews, re-checks" at 1280 px)."""
        metrics = QFontMetrics(self._fonts()[2])
        if width is None:
            width = self.width() - self._ACCENT - 2 * self._PAD - 2
        lines: list[str] = []
        words = self._caption.split(" ")
        while words and len(lines) < self._CAPTION_LINES:
            line = words.pop(0)
            while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
                line = f"{line} {words.pop(0)}"
            lines.append(line)
        if words:
            lines[-1] = f"{lines[-1]} {' '.join(words)}"
        if lines:
            lines[-1] = metrics.elidedText(lines[-1], Qt.TextElideMode.ElideRight, width)
        return lines

    def sizeHint(self) -> QSize:
        title, value, caption = (QFontMetrics(f) for f in self._fonts())
        height = (
            2 * self._PAD
            + title.height()
            + 2
            + value.height()
            + self._CAPTION_LINES * caption.height()
        )
        width = self._ACCENT + 2 * self._PAD + max(title.horizontalAdvance(self._title), 120)
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(min(hint.width(), 150), hint.height())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        base = palette.color(QPalette.ColorRole.Base)
        quiet = secondary_text(palette)
        accent = self._accent or mix(window, text, 0.3)
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            box = QRectF(self.rect()).adjusted(1, 1, -1, -1)
            background = mix(base, text, 0.05) if self.isDown() else base
            if self.underMouse() and not self.isDown():
                background = mix(base, highlight, 0.05)
            if self.hasFocus():
                border = QPen(highlight, 2)
            elif self.underMouse():
                border = QPen(mix(window, highlight, 0.6), 1)
            else:
                border = QPen(mix(window, text, 0.16), 1)
            painter.setPen(border)
            painter.setBrush(background)
            painter.drawRoundedRect(box, 8, 8)
            # The accent strip along the left edge, inside the rounded corners.
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            inset = 2.0 if self.hasFocus() else 1.0
            strip = QRectF(box.left() + inset, box.top() + 10, self._ACCENT, box.height() - 20)
            painter.drawRoundedRect(strip, self._ACCENT / 2, self._ACCENT / 2)

            title_f, value_f, caption_f = self._fonts()
            left = int(box.left()) + self._ACCENT + self._PAD
            width = int(box.width()) - self._ACCENT - 2 * self._PAD
            y = int(box.top()) + self._PAD - 1
            for font, colour, content in (
                (title_f, quiet, self._title),
                (value_f, text, self._value),
                *((caption_f, quiet, line) for line in self.caption_lines(width)),
            ):
                metrics = QFontMetrics(font)
                painter.setFont(font)
                painter.setPen(colour)
                shown = metrics.elidedText(content, Qt.TextElideMode.ElideRight, width)
                painter.drawText(
                    left,
                    y,
                    width,
                    metrics.height(),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    shown,
                )
                y += metrics.height() + (2 if font is title_f else 0)
        finally:
            painter.end()


class _Card(QFrame):
    """A titled panel painted in the style's base colour."""

    def __init__(self, title: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(2)
        heading = QHBoxLayout()
        self.heading = QLabel(title)
        self.heading.setFont(_scaled(self.font(), 1.12, bold=True))
        heading.addWidget(self.heading)
        heading.addStretch(1)
        self.hint = QLabel(hint)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        heading.addWidget(self.hint)
        layout.addLayout(heading)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self.body, 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(
                QPen(
                    mix(
                        palette.color(QPalette.ColorRole.Window),
                        palette.color(QPalette.ColorRole.WindowText),
                        0.16,
                    ),
                    1,
                )
            )
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        finally:
            painter.end()


def _days_text(days_left: int) -> str:
    return when_text(days_left)


# -- the page -----------------------------------------------------------------------------------


class DashboardPage(Page):
    title = "Dashboard"

    # The figures arrived (or the check failed: see ``error``).
    ready = Signal()

    # Tile key -> (title, page, criteria) of the list it opens.
    TILES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
        ("compliant", "Compliant transfers", "transfers", {"status": OK}),
        ("gaps", "Transfers with gaps", "transfers", {"status": "gaps"}),
        ("critical", "Critical gaps", "register", {"status": Severity.CRITICAL}),
        ("overdue", "Overdue items", "renewals", {"horizon": 0}),
        ("tias", "TIAs missing", "assessments", {"state": "missing"}),
    )

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: DashboardData | None = None
        self.error = ""
        self.jobs = Jobs(self, ctx)
        self._build()
        self.refresh()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = self._scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        content = QWidget()
        content.setBackgroundRole(QPalette.ColorRole.Window)
        content.setAutoFillBackground(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(16)

        # Header: what this is, as of when, and how big the register is.
        header = self._header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        heading = QLabel(self.title)
        heading.setFont(_scaled(self.font(), 1.7, bold=True))
        heading.setAccessibleName("Dashboard")
        titles.addWidget(heading)
        self.status_label = QLabel()
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        titles.addWidget(self.status_label)
        header.addLayout(titles, 1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Check the register again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        header.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(header)

        # The headline figures.
        tiles = self._tile_row = QGridLayout()
        tiles.setHorizontalSpacing(12)
        self.tiles: dict[str, StatTile] = {}
        for column, (key, title, page, criteria) in enumerate(self.TILES):
            tile = StatTile(title)
            tile.setObjectName(f"tile_{key}")
            tile.clicked.connect(self._opener(page, criteria))
            tiles.addWidget(tile, 0, column)
            tiles.setColumnStretch(column, 1)
            self.tiles[key] = tile
        layout.addLayout(tiles)

        # The two charts side by side.
        self.destination_chart = HBarChart(
            STATUS_SERIES,
            empty_text="No transfers yet",
            empty_hint=(
                "Add an entity on the Register (Ctrl+2, then Ctrl+N) and its transfers, or "
                "import a supplier list (File › Import suppliers…): they show here by destination."
            ),
            unit=("transfer", "transfers"),
        )
        self.destination_chart.setAccessibleName("Transfers by destination")
        self.destination_chart.activated.connect(self._open_destination)
        self.mechanism_chart = HBarChart(
            STATUS_SERIES,
            empty_text="No transfers yet",
            empty_hint="Each transfer is counted under its primary mechanism.",
            unit=("transfer", "transfers"),
        )
        self.mechanism_chart.setAccessibleName("Transfers by mechanism")
        self.mechanism_chart.activated.connect(self._open_mechanism)
        self._destination_card = _Card("Transfers by destination", "click a bar to list them")
        self._destination_card.body.addWidget(self.destination_chart, 1)
        self._mechanism_card = _Card("Transfers by mechanism", "primary mechanism of each")
        self._mechanism_card.body.addWidget(self.mechanism_chart, 1)

        # What is due next.
        due_card = _Card("Next 10 due", "")
        due_card.hint.setText('click one to open it · <a href="renewals">all renewals</a>')
        due_card.hint.setTextFormat(Qt.TextFormat.RichText)
        due_card.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        due_card.hint.linkActivated.connect(self._open_renewals)
        self.due_list = DueList()
        self.due_list.setAccessibleName("Next 10 due")
        self.due_list.opened.connect(self._open_due)
        self.due_list.refitted.connect(self._arrange)
        self.due_empty = QLabel()
        self.due_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.due_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.due_empty.setWordWrap(True)
        holder = QWidget()
        self._due_stack = QStackedLayout(holder)
        self._due_stack.addWidget(self.due_list)
        self._due_stack.addWidget(self.due_empty)
        due_card.body.addWidget(holder, 1)
        self._due_card = due_card
        self._grid = QGridLayout()
        self._grid.setSpacing(16)
        self._grid.setColumnStretch(0, 1)
        self._grid.setColumnStretch(1, 1)
        self._mode = ""
        self._arrange()
        layout.addLayout(self._grid)
        # Spare height stays below the panels, not as blank space inside them.
        layout.addStretch(1)
        self._fit_due_list(NEXT_DUE)

    # -- responsive arrangement --------------------------------------------------------------

    STACKED = "stacked"  # the two charts side by side, the due list below them
    SIDE = "side"  # destinations on the left, mechanisms and the due list on the right
    SIDE_MIN_WIDTH = 1100

    def _stacked_height(self) -> int:
        """The height the stacked arrangement needs without scrolling."""
        content = self._scroll.widget()
        outer = content.layout() if content is not None else None
        fixed = 0
        if outer is not None:
            margins = outer.contentsMargins()
            fixed = margins.top() + margins.bottom() + 2 * outer.spacing()
        fixed += self._header.sizeHint().height() + self._tile_row.sizeHint().height()
        for card in (self._destination_card, self._mechanism_card):
            # The charts' rows may have just changed: nested layouts keep their own caches.
            card.body.invalidate()
            card_layout = card.layout()
            if card_layout is not None:
                card_layout.invalidate()
        charts = max(
            self._destination_card.minimumSizeHint().height(),
            self._mechanism_card.minimumSizeHint().height(),
        )
        # The due list's rows wrap: across the page they take fewer lines than beside a chart.
        due = self._due_card.sizeHint().height() - self.due_list.height()
        across = self.due_list.width() + max(
            self._grid.geometry().width() - self._due_card.width(), 0
        )
        due += (
            self.due_list.height_at(across) if self._mode == self.SIDE else self.due_list.height()
        )
        return fixed + charts + self._grid.spacing() + due

    def _arrange(self) -> None:
        """Stack the panels when the page is tall enough; otherwise, on a wide page, put the
        due list beside the destinations so a 1280x800 screen shows everything at once."""
        viewport = self._scroll.viewport().height() if self.isVisible() else self.height()
        wide = self.width() >= self.SIDE_MIN_WIDTH
        mode = self.SIDE if wide and viewport < self._stacked_height() else self.STACKED
        if mode == self._mode:
            return
        self._mode = mode
        grid = self._grid
        for card in (self._destination_card, self._mechanism_card, self._due_card):
            grid.removeWidget(card)
        if mode == self.STACKED:
            grid.addWidget(self._destination_card, 0, 0)
            grid.addWidget(self._mechanism_card, 0, 1)
            grid.addWidget(self._due_card, 1, 0, 1, 2)
            grid.setRowStretch(0, 1)
            grid.setRowStretch(1, 0)
        else:
            grid.addWidget(self._destination_card, 0, 0, 2, 1)
            grid.addWidget(self._mechanism_card, 0, 1)
            grid.addWidget(self._due_card, 1, 1)
            grid.setRowStretch(0, 1)
            grid.setRowStretch(1, 0)

    def arrangement(self) -> str:
        return self._mode

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _fit_due_list(self, rows: int) -> None:
        """Tall enough for every row: no inner scroll bar on a list this short."""
        self.due_list.fit(rows)

    # -- navigation --------------------------------------------------------------------------

    def _opener(self, page: str, criteria: dict[str, Any]) -> Callable[[], None]:
        def open_list() -> None:
            self.navigate.emit(page, dict(criteria))

        return open_list

    def _open_destination(self, key: str) -> None:
        if key == OTHER and self.data is not None:
            self.navigate.emit("transfers", {"countries": list(self.data.other_countries)})
        else:
            self.navigate.emit("transfers", {"country": key})

    def _open_mechanism(self, key: str) -> None:
        value: Mechanism | str = NO_MECHANISM if key == NO_MECHANISM else Mechanism(key)
        self.navigate.emit("transfers", {"mechanism": value})

    def _open_renewals(self, *_: object) -> None:
        self.navigate.emit("renewals", {})

    def _open_due(self, item: QTreeWidgetItem) -> None:
        reminder = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(reminder, Reminder):
            page, criteria = due_target(reminder)
            self.navigate.emit(page, criteria)

    # -- background status -------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the figures in the background; the old ones are greyed until then."""
        self._show_checking()
        ctx, on = self.ctx, self.ctx.today

        def compute(services: AppServices, _job: Job) -> DashboardData:
            report = ctx.status(services)  # shared with the other pages through the context
            return summarize(report, services.register.reminders(on, DUE_HORIZON_DAYS))

        self.jobs.start(compute, self._on_done, self._on_failed)

    def is_checking(self) -> bool:
        return self.jobs.busy()

    def _on_done(self, data: DashboardData) -> None:
        self.data = data
        self.error = ""
        self._show(data)
        self.ready.emit()

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.status_label.setText(f"Could not check the register: {message}")
        self.status_label.setForegroundRole(QPalette.ColorRole.WindowText)
        for tile in self.tiles.values():
            tile.set_figure("–", "not available", None)
        self.destination_chart.set_loading("Not available")
        self.mechanism_chart.set_loading("Not available")
        self.ready.emit()

    # -- showing -----------------------------------------------------------------------------

    def _show_checking(self) -> None:
        when = day(self.ctx.today)
        if self.data is None:
            self.status_label.setText(f"Checking the register as of {when}…")
            for tile in self.tiles.values():
                tile.set_figure("…", "checking…", None)
            self.destination_chart.set_loading()
            self.mechanism_chart.set_loading()
            self.due_empty.setText("Checking…")
            self._due_stack.setCurrentWidget(self.due_empty)
        else:
            # Keep the last figures on screen rather than flashing empty panels.
            self.status_label.setText(f"Checking the register again as of {when}…")
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

    def _show(self, d: DashboardData) -> None:
        def colour(key: object) -> QColor:
            return QColor(BADGE_COLOURS[str(key)][0])

        good = colour(OK)
        noun = "transfer" if d.transfers == 1 else "transfers"
        gaps = "gap" if d.gaps == 1 else "gaps"
        self.status_label.setText(
            f"Status on {d.on:%A} {day(d.on)} · {d.transfers} live {noun} · {d.gaps} open {gaps}"
        )
        self.tiles["compliant"].set_figure(
            str(d.compliant),
            f"of {d.transfers} live {noun}" if d.transfers else "no live transfers yet",
            good if d.transfers else None,
        )
        self.tiles["gaps"].set_figure(
            str(d.with_gaps),
            "need attention" if d.with_gaps else "nothing to fix",
            colour(Severity.HIGH) if d.with_gaps else good,
        )
        entities = "entity" if d.critical_entities == 1 else "entities"
        self.tiles["critical"].set_figure(
            str(d.critical_gaps),
            f"on {d.critical_entities} {entities}" if d.critical_gaps else "none open",
            colour(Severity.CRITICAL) if d.critical_gaps else good,
        )
        self.tiles["overdue"].set_figure(
            str(d.overdue),
            "documents, reviews, re-checks" if d.overdue else "nothing overdue",
            colour(Severity.CRITICAL) if d.overdue else good,
        )
        tia_also = ", ".join(
            f"{n} {word}" for n, word in ((d.tias_overdue, "overdue"), (d.tias_stale, "stale")) if n
        )
        tia_caption = "transfers need an assessment" if d.tias_missing else "every TIA in place"
        if tia_also:  # short enough for the tile; the tooltip repeats it
            tia_caption = f"also {tia_also}" if d.tias_missing else tia_also
        self.tiles["tias"].set_figure(
            str(d.tias_missing),
            tia_caption,
            colour(Severity.MEDIUM) if d.tias_missing or tia_also else good,
        )
        self.destination_chart.set_bars(d.by_destination)
        self.mechanism_chart.set_bars(d.by_mechanism)
        self._destination_card.hint.setVisible(bool(d.transfers))
        self._show_due(d.next_due)
        self._arrange()

    def _show_due(self, reminders: Sequence[Reminder]) -> None:
        self.due_list.clear()
        if not reminders:
            self.due_empty.setText("Nothing due: every document, review and re-check is in date.")
            self._due_stack.setCurrentWidget(self.due_empty)
            self._fit_due_list(2)
            return
        self._fit_due_list(NEXT_DUE)
        bold = _scaled(self.due_list.font(), 1.0, bold=True)
        late = QColor(BADGE_COLOURS[Severity.CRITICAL][0])
        base = self.due_list.palette().color(QPalette.ColorRole.Base)
        if base.lightnessF() < 0.5:  # a dark style: the badge red is too dark to read there
            late = mix(late, QColor("#ffffff"), 0.45)
        for r in reminders:
            kind = REMINDER_KINDS.get(r.what, r.what)
            item = QTreeWidgetItem([day(r.due_on), _days_text(r.days_left), r.subject, r.parties])
            item.setData(0, Qt.ItemDataRole.UserRole, r)
            item.setToolTip(2, f"{kind}: {r.subject} ({r.record})\n{r.parties}\nClick to open it")
            item.setToolTip(3, r.parties)
            if r.overdue:
                item.setFont(1, bold)
                item.setForeground(1, late)
            self.due_list.addTopLevelItem(item)
        self._due_stack.setCurrentWidget(self.due_list)

    def due_reminders(self) -> list[Reminder]:
        """The reminders listed, top to bottom."""
        out: list[Reminder] = []
        for i in range(self.due_list.topLevelItemCount()):
            item = self.due_list.topLevelItem(i)
            value = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
            if isinstance(value, Reminder):
                out.append(value)
        return out

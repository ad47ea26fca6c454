"""Documents: the signed contracts and evidence, their files, versions and renewals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QSettings,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import DocumentStatus
from transfers_app.domain.models import Document
from transfers_app.errors import TransfersError
from transfers_app.services.app import AppServices
from ui import messages
from ui.context import UiContext
from ui.dialogs.document_dialog import FILE_FILTER, DocumentDialog
from ui.models.documents import CAPS, ELASTIC, Column, DocumentFilter, DocumentsModel
from ui.models.rows import ObjectRole
from ui.pages.base import TablePage
from ui.widgets.inputs import SearchBox
from ui.widgets.tables import elide_in_the_middle, selected_object, size_columns

# What one background read gives: the entities' names, and the documents.
_Read = tuple[dict[int, str], list[Document], frozenset[int]]


def _local_file(mime: QMimeData) -> Path | None:
    """The one local file dragged, if the drag carries exactly one."""
    if not mime.hasUrls():
        return None
    files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return files[0] if len(files) == 1 else None


def _offer(event: QDragEnterEvent | QDragMoveEvent) -> bool:
    """Accept a drag that carries one local file; ignore any other (False)."""
    if _local_file(event.mimeData()) is None:
        event.ignore()
        return False
    event.acceptProposedAction()
    return True


def _take(event: QDropEvent) -> Path | None:
    """The one local file dropped, the drop accepted; None (the drop ignored) otherwise."""
    path = _local_file(event.mimeData())
    if path is None:
        event.ignore()
    else:
        event.acceptProposedAction()
    return path


class DocumentTable(QTableView):
    """The documents table; a file dropped on a row is offered to that row's document."""

    file_dropped = Signal(str, int)  # path, proxy row (-1: not on a row)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        _offer(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _offer(event):
            row = self.rowAt(event.position().toPoint().y())
            if row >= 0:
                self.selectRow(row)  # show which document will receive the file

    def dropEvent(self, event: QDropEvent) -> None:
        path = _take(event)
        if path is not None:
            self.file_dropped.emit(str(path), self.rowAt(event.position().toPoint().y()))


class HistoryDialog(QDialog):
    """Every version of one document, newest last."""

    def __init__(
        self, versions: list[Document], names: dict[int, str], today: date, parent: QWidget
    ) -> None:
        super().__init__(parent)
        title = versions[-1].title if versions else "document"
        self.setWindowTitle(f"History of '{title}'")
        self.resize(1000, 300)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"{len(versions)} version{'s' if len(versions) != 1 else ''}, oldest first.")
        )
        self.model = DocumentsModel(versions, names, today, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        # The kind and module do not change between versions; the dates and files do.
        self.table.setColumnHidden(Column.KIND, True)
        self.table.setColumnHidden(Column.MODULE, True)
        size_columns(self.table, {Column.TITLE: 260, Column.PARTIES: 240})
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class DocumentsPage(TablePage[_Read]):
    """The documents are read in the background."""

    title = "Documents"
    noun = "documents"
    table: DocumentTable
    model: DocumentsModel
    proxy: DocumentFilter

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._names: dict[int, str] = {}
        self.history_dialog: HistoryDialog | None = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.search = SearchBox("Search title, kind, party, file…", "Search documents")
        self.superseded = QCheckBox("Show superseded versions")
        self.count_label = QLabel()
        top.addWidget(self.search, 1)
        top.addWidget(self.superseded)
        top.addWidget(self.count_label)
        layout.addLayout(top)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("New document…")
        self.renew_button = QPushButton("Renew…")
        self.renew_button.setToolTip("Record a newly signed version, keeping this one in history")
        self.edit_button = QPushButton("Edit details…")
        self.attach_button = QPushButton("Attach signed file…")
        self.attach_button.setToolTip("Store the signed file (or drop the file on the row)")
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the stored file with the system viewer")
        self.history_button = QPushButton("History")
        for b in (
            self.new_button,
            self.renew_button,
            self.edit_button,
            self.attach_button,
            self.open_button,
            self.history_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        hint = QLabel("Tip: drop a signed file on a document to attach it.")
        hint.setStyleSheet("color: palette(mid);")
        buttons.addWidget(hint)
        layout.addLayout(buttons)

        self.table = DocumentTable()
        self.proxy = DocumentFilter(self)
        self.model = DocumentsModel([], {}, ctx.today, self)
        self.proxy.setSourceModel(self.model)
        self._setup_table(Column.TITLE, "documents/header", settings, elastic=ELASTIC, caps=CAPS)
        elide_in_the_middle(self.table, (Column.TITLE, Column.FILE))  # parties: other side first
        layout.addWidget(self.table, 1)
        self._say_when_empty(
            "<b>No documents yet.</b><br>Record a signed DPA, SCCs or IDTA with <b>New "
            "document…</b> (Ctrl+N), then drop its PDF on the row to attach it.",
            "No document matches the search.",
        )
        self.message = QLabel()
        self.message.setAccessibleName("Last action")
        layout.addWidget(self.message)

        self.search.textChanged.connect(self._on_search)
        self.superseded.toggled.connect(self._on_superseded)
        self.new_button.clicked.connect(self.new_record)
        self.renew_button.clicked.connect(self.renew_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.attach_button.clicked.connect(self.attach_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.history_button.clicked.connect(self.show_history)
        self.table.file_dropped.connect(self._on_table_drop)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------------

    def _reader(self) -> Callable[[AppServices], _Read]:
        def read(services: AppServices) -> _Read:
            own = frozenset(e.id for e in services.entities.own() if e.id is not None)
            return services.entities.names(), services.documents.list(), own

        return read

    def _show_status(self, text: str) -> None:
        self.count_label.setText(text)

    def _rows_arrived(self, result: _Read) -> None:
        selected = self.selected_document()
        names, documents, own = result
        self._names = names
        self.model = DocumentsModel(documents, names, self.ctx.today, self, own)
        self._attach(self.model)
        if selected is not None and selected.id is not None:
            self.select_document(selected.id)
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        shown = self.proxy.rowCount()
        total = sum(
            1
            for r in range(self.model.rowCount())
            if self.model.document(r).status is DocumentStatus.CURRENT
        )
        self.count_label.setText(f"{shown} shown, {total} current")

    # -- selection ----------------------------------------------------------------------------

    def selected_document(self) -> Document | None:
        doc = selected_object(self.table)
        return doc if isinstance(doc, Document) else None

    def select_document(self, document_id: int) -> bool:
        row = self.model.row_of(document_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        doc = self.selected_document()
        has = doc is not None
        current = has and doc is not None and doc.status is DocumentStatus.CURRENT
        for b in (self.edit_button, self.attach_button, self.open_button, self.history_button):
            b.setEnabled(has)
        self.renew_button.setEnabled(current)

    def _require_selection(self) -> Document | None:
        doc = self.selected_document()
        if doc is None:
            messages.info(self, "Select a document first.")
        return doc

    # -- filters ------------------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _on_superseded(self, on: bool) -> None:
        self.proxy.set_show_superseded(on)
        self.table.resizeColumnToContents(Column.VERSION)  # room for "(superseded)"
        self._update_count()

    def edit_controls(self) -> list[QWidget]:
        return [self.new_button, self.renew_button, self.edit_button, self.attach_button]

    def focus_search(self) -> bool:
        return self.search.take_focus()

    def apply_filter(self, **criteria: Any) -> None:
        """``search``/``text``: search text; ``document_id``: select that document.

        Before the rows have arrived, the criteria are applied when they do."""
        if self._after_load(lambda: self.apply_filter(**criteria)):
            return
        text = criteria.get("search", criteria.get("text"))
        if text is not None:
            self.search.setText(str(text))
        if "superseded" in criteria:
            self.superseded.setChecked(bool(criteria["superseded"]))
        document_id = criteria.get("document_id")
        if document_id is not None:
            doc = self.ctx.services.documents.get(int(document_id))
            if doc.status is DocumentStatus.SUPERSEDED:
                self.superseded.setChecked(True)
            if not self.select_document(int(document_id)):
                self.search.clear()
                self.select_document(int(document_id))

    # -- actions ------------------------------------------------------------------------------

    def _saved(self, doc: Document, text: str) -> None:
        self.refresh()
        if doc.id is not None:
            document_id = doc.id
            self.jobs.then(lambda: self.select_document(document_id))
        self.message.setText(text)
        self.changed.emit()

    def new_record(self) -> bool:
        saved = DocumentDialog.edit(self, self.ctx)
        if saved is not None:
            self._saved(saved, f"Saved '{saved.title}'.")
        return True

    def renew_selected(self) -> None:
        doc = self._require_selection()
        if doc is None:
            return
        if doc.status is DocumentStatus.SUPERSEDED:
            messages.error(
                self, f"Version {doc.doc_version} was already replaced: renew the current version."
            )
            return
        saved = DocumentDialog.edit(self, self.ctx, doc, "renew")
        if saved is not None:
            self._saved(
                saved,
                f"Saved version {saved.doc_version} of '{saved.title}'; "
                f"version {doc.doc_version} is kept in the history.",
            )

    def edit_selected(self) -> None:
        doc = self._require_selection()
        if doc is None:
            return
        saved = DocumentDialog.edit(self, self.ctx, doc, "edit")
        if saved is not None:
            self._saved(saved, f"Saved '{saved.title}'.")

    def attach_selected(self) -> None:
        doc = self._require_selection()
        if doc is None:
            return
        path = messages.open_file(
            self, f"Attach the signed file of '{doc.title}'", None, FILE_FILTER
        )
        if path is not None:
            self.attach_file(doc, path)

    def attach_file(self, doc: Document, path: Path) -> Document | None:
        """Store ``path`` as the signed file of ``doc``; None if not stored (and why said)."""
        if not path.is_file():
            messages.error(self, f"{path} is not a file that can be attached.")
            return None
        assert doc.id is not None
        try:
            current = self.ctx.services.documents.get(doc.id)
            if current.file_sha256 and not messages.confirm(
                self,
                f"'{current.title}' already has the file {current.file_name}. Replace it with "
                f"{path.name}? (The old file stays in the audit history.)",
            ):
                return None
            saved = self.ctx.services.documents.update(current, path)
        except TransfersError as exc:
            messages.error(self, f"The file was not attached: {exc}")
            return None
        self._saved(saved, f"Attached {path.name} to '{saved.title}'.")
        return saved

    def _on_table_drop(self, path: str, proxy_row: int) -> None:
        if proxy_row >= 0:
            doc = self.proxy.index(proxy_row, 0).data(ObjectRole)
        else:
            doc = self.selected_document()
        if not isinstance(doc, Document):
            messages.info(self, "Drop the file on the row of the document it belongs to.")
            return
        self.attach_file(doc, Path(path))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        _offer(event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = _take(event)
        if path is not None:
            self._on_table_drop(str(path), -1)

    def open_selected(self) -> None:
        doc = self._require_selection()
        if doc is None:
            return
        try:
            path = self.ctx.services.workspace.viewable_copy(doc)
        except TransfersError as exc:  # e.g. content damaged in a team register's database
            messages.error(self, f"'{doc.title}' cannot be opened: {exc}.")
            return
        if path is None:
            if doc.file_sha256:
                messages.error(
                    self,
                    f"The file of '{doc.title}' ({doc.file_name}) is missing from the file "
                    "store. Restore the store from a backup, or attach the file again.",
                )
            else:
                messages.info(
                    self,
                    f"'{doc.title}' has no signed file yet. Use Attach signed file…, or drop "
                    "the file on its row.",
                )
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            messages.error(self, f"No program on this computer would open {doc.file_name}.")

    def show_history(self) -> HistoryDialog | None:
        doc = self._require_selection()
        if doc is None:
            return None
        versions = self.ctx.services.documents.history(doc)
        self.history_dialog = HistoryDialog(versions, self._names, self.ctx.today, self)
        self.history_dialog.open()
        return self.history_dialog

    def archive_selected(self) -> bool:
        doc = self.selected_document()
        if doc is None:
            return False
        if not messages.confirm(
            self, f"Archive '{doc.title}'? It leaves the lists but stays in the audit history."
        ):
            return True
        assert doc.id is not None
        self.ctx.services.workspace.archive_document(doc.id)
        self.refresh()
        self.message.setText(f"Archived '{doc.title}'.")
        self.changed.emit()
        return True

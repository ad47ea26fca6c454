"""Exports from the app: the register (PDF, CSV, XLSX, JSON), the public sub-processor list and
the regulator's evidence pack, one module each, on a shared base.

Built with data, testable without ``exec()``: set the widgets, call ``start()`` (or click the
export button) and wait for ``result``. The work runs on a background thread with services of
its own (``ui.jobs``), behind a modal progress dialog whose Cancel stops it: the services then
leave no file behind, and the dialog says so.
"""

from ui.dialogs.export_dialogs.base import CANCELLED_TEXT, ProgressDialog
from ui.dialogs.export_dialogs.evidence import EvidencePackDialog
from ui.dialogs.export_dialogs.public_list import PublicListDialog
from ui.dialogs.export_dialogs.register import RegisterExportDialog

__all__ = [
    "CANCELLED_TEXT",
    "EvidencePackDialog",
    "ProgressDialog",
    "PublicListDialog",
    "RegisterExportDialog",
]

"""The look every printed document of the register shares, in no library's terms.

The PDF (``pdf_common``, ReportLab) and the Word document (``docx_render``, python-docx) both
read these, so the two renderings of one report cannot drift apart. Colours are RRGGBB hex.
"""

from __future__ import annotations

from typing import Final

INK: Final = "1B1F24"
MUTED: Final = "5B6470"
ACCENT: Final = "1F3A5F"
ACCENT_LIGHT: Final = "E9EEF5"
RULE: Final = "C3C9D1"
HAIRLINE: Final = "DDE1E6"
ZEBRA: Final = "F4F6F8"
FLAG_BG: Final = "FBE9E7"
FLAG_INK: Final = "8C1D18"
FLAG_RULE: Final = "C0392B"
WARN_BG: Final = "FFF5E1"
WARN_RULE: Final = "D48A00"
WARN_INK: Final = "5A3B00"
STATEMENT_BG: Final = "F3F5F8"
BAR: Final = "3B6694"
DRAFT: Final = "C0392B"  # the DRAFT mark of a draft

# Page margins, in millimetres.
MARGIN_X_MM: Final = 20
MARGIN_TOP_MM: Final = 22
MARGIN_BOTTOM_MM: Final = 21

FLAG_MARK: Final = "⚠"  # flagged rows say so in text too, not by colour alone
# A paragraph this short (three lines or so) right after a heading is read with it
# ("Destination: United States.", a note on the table below) and so stays with what follows too.
LEAD_IN: Final = 320

"""The public sub-processor list as a standalone HTML page or as Markdown.

Lays out a ``PublicListReport`` (every decision already made by the service). Every string
from the register is escaped: ``html.escape`` for HTML, ``md_escape`` for Markdown, so a name
such as ``<b>R&D</b> | Ltd`` shows as written and never breaks the page or the table.
"""

from __future__ import annotations

import html
import re

from transfers_app.domain.formatting import day
from transfers_app.reports.public_list import (
    OBJECT_HEADING,
    ChangeKind,
    PublicEntry,
    PublicList,
    PublicListReport,
)

_CHANGE_LABELS = {
    ChangeKind.ADDED: "Added",
    ChangeKind.REMOVED: "Removed",
    ChangeKind.LOCATION: "Changed location",
    ChangeKind.PURPOSE: "Changed purpose",
}
HEADERS = ("Sub-processor", "Service", "Where it processes", "Transfer safeguard")


def _title(report: PublicListReport) -> str:
    org = report.public_list.organisation.strip()
    return f"Sub-processors of {org}" if org else "Our sub-processors"


def _intro(report: PublicListReport) -> str:
    return (
        "These organisations process personal data on our behalf as sub-processors, or on "
        "behalf of one of our sub-processors. For each we give the service, the countries "
        "where it processes personal data and the safeguard relied on when the data leaves "
        "the UK or the European Economic Area."
    )


def _changes_heading(report: PublicListReport) -> str:
    if report.previous_on is None:
        return "Changes: first published version"
    return f"Changes since the version of {day(report.previous_on)}"


def _draft_note(report: PublicListReport) -> str:
    return "Draft: these changes are not published yet." if not report.published else ""


def _effective(report: PublicListReport) -> str:
    """When this version applies."""
    if report.published:
        return f"This version takes effect on {day(report.last_updated)}."
    if report.previous_on is not None:
        return (
            "This draft is not in effect: the version in effect is the one published on "
            f"{day(report.previous_on)}."
        )
    return "This draft is not in effect: no version has been published yet."


def _safeguard_lines(e: PublicEntry) -> tuple[str, ...]:
    """The safeguards per regime ("UK GDPR: ..."), or as recorded for versions without."""
    if e.by_regime:
        return tuple(f"{regime}: {words}" for regime, words in e.by_regime)
    return e.safeguards


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
body { margin: 0; background: #f6f7f9; color: #1d2330;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP",
  "Noto Sans Arabic", sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; background: #fff; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; }
.updated { color: #4a5363; margin: 0 0 1rem; }
.draft { background: #fff4d6; border-left: 4px solid #c98a00; padding: .5rem .75rem; }
table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
th, td { text-align: left; vertical-align: top; padding: .55rem .6rem;
  border-bottom: 1px solid #dde1e7; overflow-wrap: anywhere; }
th { background: #eef1f5; font-weight: 600; }
.legal, .via { color: #4a5363; font-size: .9rem; }
ul.safeguards, ul.changes { margin: 0; padding-left: 1.1rem; }
.kind { font-weight: 600; }
.none { color: #4a5363; font-style: italic; }
@media print { body { background: #fff; } main { padding: 0; } }
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _object_html(pl: PublicList) -> str:
    """How to object, the DPO's email a link to write to."""
    text = _e(pl.object_text)
    email = pl.dpo_email.strip()
    if email:
        link = _e(email)
        text = text.replace(link, f'<a href="mailto:{link}">{link}</a>', 1)
    return text


def _html_row(e: PublicEntry) -> str:
    name = f'<bdi dir="auto">{_e(e.name)}</bdi>'
    if e.legal_name:
        name += f'<div class="legal" dir="auto">{_e(e.legal_name)}</div>'
    if e.engaged_by:
        name += f'<div class="via">Engaged by {_e(", ".join(e.engaged_by))}</div>'
    service = "<br>".join(_e(s) for s in e.services) or '<span class="none">Not stated</span>'
    where = _e(", ".join(e.country_names)) or '<span class="none">Not stated</span>'
    safeguards = "".join(f"<li>{_e(s)}</li>" for s in _safeguard_lines(e))
    return (
        f"<tr><td>{name}</td><td>{service}</td><td>{where}</td>"
        f'<td><ul class="safeguards">{safeguards}</ul></td></tr>'
    )


def render_html(report: PublicListReport) -> str:
    """A standalone page (inline CSS, no scripts, no external resources)."""
    title = _e(_title(report))
    updated = report.last_updated
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{title}</h1>",
        f'<p class="updated">Last updated: <time datetime="{updated.isoformat()}">'
        f"{_e(day(updated))}</time></p>",
    ]
    if note := _draft_note(report):
        parts.append(f'<p class="draft">{_e(note)}</p>')
    parts.append(f'<p class="effective">{_e(_effective(report))}</p>')
    parts.append(f"<p>{_e(_intro(report))}</p>")
    parts.append("<table>")
    parts.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in HEADERS) + "</tr></thead>")
    parts.append("<tbody>")
    entries = report.public_list.entries
    if entries:
        parts.extend(_html_row(e) for e in entries)
    else:
        parts.append(f'<tr><td colspan="{len(HEADERS)}" class="none">No sub-processors.</td></tr>')
    parts.append("</tbody>")
    parts.append("</table>")
    parts.append(f'<h2 id="changes">{_e(_changes_heading(report))}</h2>')
    if report.changes:
        parts.append('<ul class="changes">')
        for c in report.changes:
            parts.append(
                f'<li><span class="kind">{_e(_CHANGE_LABELS[c.kind])}</span>: '
                f'<bdi dir="auto">{_e(c.name)}</bdi>: {_e(c.detail)}</li>'
            )
        parts.append("</ul>")
    else:
        parts.append('<p class="none">No changes.</p>')
    parts.append(f'<h2 id="object">{_e(OBJECT_HEADING)}</h2>')
    parts.append(f"<p>{_object_html(report.public_list)}</p>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


# -- Markdown -------------------------------------------------------------------------------

# Characters that mean something to Markdown (and GitHub's tables) inside a line; a backslash
# before any ASCII punctuation makes it literal (CommonMark 2.4).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!{}()])")
# Any line break (a table row is one line; Unicode has more line breaks than \n).
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written, on one line (safe in a table cell)."""
    return _MD_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def _md_row(e: PublicEntry) -> str:
    name = md_escape(e.name)
    if e.legal_name:
        name += f" ({md_escape(e.legal_name)})"
    if e.engaged_by:
        name += f", engaged by {md_escape(', '.join(e.engaged_by))}"
    cells = [
        name,
        md_escape("; ".join(e.services)) or "Not stated",
        md_escape(", ".join(e.country_names)) or "Not stated",
        md_escape("; ".join(_safeguard_lines(e))),
    ]
    return "| " + " | ".join(cells) + " |"


def render_markdown(report: PublicListReport) -> str:
    lines = [
        f"# {md_escape(_title(report))}",
        "",
        f"Last updated: {day(report.last_updated)}",
        "",
    ]
    if note := _draft_note(report):
        lines += [f"> **{md_escape(note)}**", ""]
    lines += [md_escape(_effective(report)), ""]
    lines += [md_escape(_intro(report)), ""]
    lines.append("| " + " | ".join(HEADERS) + " |")
    lines.append("|" + "|".join("---" for _ in HEADERS) + "|")
    entries = report.public_list.entries
    if entries:
        lines.extend(_md_row(e) for e in entries)
    else:
        lines.append("| No sub-processors. | | | |")
    lines += ["", f"## {md_escape(_changes_heading(report))}", ""]
    if report.changes:
        for c in report.changes:
            lines.append(
                f"- **{_CHANGE_LABELS[c.kind]}**: {md_escape(c.name)}: {md_escape(c.detail)}"
            )
    else:
        lines.append("No changes.")
    lines += [
        "",
        f"## {md_escape(OBJECT_HEADING)}",
        "",
        md_escape(report.public_list.object_text),
        "",
    ]
    return "\n".join(lines)

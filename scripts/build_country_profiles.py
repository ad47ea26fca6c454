"""Build transfers_app/reference/data/country_profiles.json from country-profiles.md.

The research file (/work/shared/reference/country-profiles.md in the project folder) is the
ground truth; this script turns its tables, bullets and markers into JSON without hand-copying,
so the shipped file can be rebuilt and compared whenever the research changes:

    python scripts/build_country_profiles.py [--source PATH] [--output PATH] [--check]

The parser is strict: a heading, table or paragraph it does not recognise, a cited source that
is not in a source table, a rating outside the four allowed words or a measure code outside
the catalogue stops the build with a message, so nothing is silently dropped or invented.

Markers (see "How to use these profiles" in the research file):
  [S XX-n] sourced (cites the profile's source list, or the common list for C-n)
  [M]      unverified memory   -> "verified": false
  [I]      inference / indicative assessment
An item with more than one kind is "mixed"; an item with none takes the default its table
heading states ("[I] unless marked") or else "none".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "transfers_app" / "reference" / "data" / "country_profiles.json"
SOURCE_NAME = "country-profiles.md"
FORMAT = 2  # 2: each source carries its citation (publisher, title, date)

# The research file names countries in English; the app keys them by ISO 3166-1 alpha-2.
COUNTRY_CODES = {
    "United States": "US",
    "India": "IN",
    "China": "CN",
    "Philippines": "PH",
    "Brazil": "BR",
    "Japan": "JP",
    "Singapore": "SG",
    "Australia": "AU",
    "Israel": "IL",
    "Türkiye": "TR",
    "South Africa": "ZA",
    "Mexico": "MX",
    "Canada": "CA",
    "United Arab Emirates": "AE",
}
RATINGS = ("Largely met", "Partly met", "Not met", "Open")
SOURCED, UNVERIFIED, INFERENCE, MIXED, NONE = "sourced", "unverified", "inference", "mixed", "none"

Json = dict[str, Any]


class ParseError(ValueError):
    """The research file has a shape this parser does not know; fix one or the other."""


def default_source() -> Path | None:
    """The research file in the shared project folder beside this checkout, if present."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "reference" / SOURCE_NAME
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- markdown blocks


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Numbered:
    items: list[str]


@dataclass
class Paragraph:
    text: str


Block = Table | Bullets | Numbered | Paragraph


@dataclass
class Section:
    level: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped == "---":
            i += 1
        elif stripped.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            if len(rows) < 2 or not all(set(c) <= set("-: ") for c in rows[1]):
                raise ParseError(f"table without a header separator: {rows[0]}")
            width = len(rows[0])
            for row in rows[2:]:
                if len(row) != width:
                    raise ParseError(f"table row has {len(row)} cells, header {width}: {row}")
            blocks.append(Table(rows[0], rows[2:]))
        elif re.match(r"^(- |\d+\. )", line):
            numbered = bool(re.match(r"^\d+\. ", line))
            items: list[str] = []
            while i < len(lines) and lines[i].strip():
                cur = lines[i]
                if re.match(r"^(- |\d+\. )", cur):
                    items.append(re.sub(r"^(- |\d+\. )", "", cur).strip())
                elif cur.startswith(" "):
                    # An indented "- " is a nested bullet: keep it on its own line.
                    sep = "\n" if cur.strip().startswith("- ") else " "
                    items[-1] += sep + cur.strip()
                else:
                    raise ParseError(f"unindented line inside a list: {cur!r}")
                i += 1
            blocks.append(Numbered(items) if numbered else Bullets(items))
        else:
            para = []
            while i < len(lines) and lines[i].strip() and not lines[i].startswith(("|", "#")):
                para.append(lines[i].strip())
                i += 1
            blocks.append(Paragraph(" ".join(para)))
    return blocks


def parse_sections(text: str) -> Section:
    root = Section(0, "")
    stack = [root]
    body: list[str] = []

    def flush() -> None:
        stack[-1].blocks.extend(parse_blocks(body))
        body.clear()

    for line in text.splitlines():
        heading = re.match(r"^(#{1,3}) (.+)$", line)
        if heading:
            flush()
            level = len(heading.group(1))
            while stack[-1].level >= level:
                stack.pop()
            section = Section(level, heading.group(2).strip())
            stack[-1].children.append(section)
            stack.append(section)
        else:
            body.append(line)
    flush()
    return root


# --------------------------------------------------------------------------- text and markers


def light(text: str) -> str:
    """Markdown made light: no bold, italics or code ticks; the words stay."""
    text = text.replace("**", "")
    text = re.sub(r"\*([^*\n]+)\*", r"\1", text)
    return text.replace("`", "").strip()


REF = re.compile(r"\b([A-Z]{1,2}-\d+)\b(?:\s*\(([^()]*)\))?")
BRACKET = re.compile(r"\[([^\[\]]+)\]")


def split_top_level(text: str, sep: str) -> list[str]:
    """Split on sep outside parentheses and brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def markers(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """Kinds and cited (ref, note) pairs of every [S ...], [M ...] and [I ...] in text."""
    kinds: set[str] = set()
    refs: list[tuple[str, str]] = []
    for match in BRACKET.finditer(text):
        for part in match.group(1).split(";"):
            part = part.strip()
            sourced = re.match(r"^(?:(.*?)\s)?S\s+([A-Z]{1,2}-\d+.*)$", part)
            if sourced:
                kinds.add(SOURCED)
                prefix = (sourced.group(1) or "").strip()
                for ref in REF.finditer(sourced.group(2)):
                    refs.append((ref.group(1), (ref.group(2) or prefix).strip()))
            elif re.match(r"^M\b", part):
                kinds.add(UNVERIFIED)
            elif re.match(r"^I\b", part):
                kinds.add(INFERENCE)
    return kinds, refs


CODE = re.compile(r"\b(UC|[TCO])([1-9])\b(?:\s*[–-]\s*(UC|[TCO])([1-9])\b)?")


def codes_in(text: str) -> list[str]:
    """Use-case and measure codes a text mentions, ranges expanded (C1–C3 -> C1, C2, C3)."""
    found: list[str] = []
    for m in CODE.finditer(text):
        prefix, start, end_prefix, end = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        last = int(end) if end and end_prefix == prefix else start
        for n in range(start, last + 1):
            code = f"{prefix}{n}"
            if code not in found:
                found.append(code)
        if end and end_prefix != prefix:
            raise ParseError(f"range across kinds of code: {m.group(0)!r}")
    return found


class Resolver:
    """Resolves a cited ref to its source: the profile's own list first, then C-n."""

    def __init__(self, *tables: dict[str, Json]) -> None:
        self.tables = tables

    def __call__(self, ref: str, note: str, where: str) -> Json:
        for table in self.tables:
            if ref in table:
                src = table[ref]
                if src["tier"] == "T3":
                    raise ParseError(f"{where}: cites [{ref}], a weak (T3) source")
                return {
                    "ref": ref,
                    "title": src["title"],
                    "tier": src["tier"],
                    "url": src["url"],
                    "note": note,
                    "citation": src["citation"],
                }
        raise ParseError(f"{where}: cites [{ref}], which no source table lists")


def item(
    text: str,
    resolve: Resolver,
    where: str,
    *,
    label: str = "",
    marker: str = "",
    default: str = NONE,
    extra_refs: Iterable[tuple[str, str]] = (),
) -> Json:
    text, marker, label = light(text), light(marker), light(label)
    kinds, cited = markers(text)
    # A label can carry its own marker too ("... (2017, for the 2014 Law) [M date]").
    label_kinds, label_refs = markers(label)
    marker_kinds, marker_refs = markers(marker)
    kinds |= label_kinds | marker_kinds
    cited = label_refs + cited + marker_refs + list(extra_refs)
    if extra_refs:
        kinds.add(SOURCED)
    if not kinds:
        kind = default
    elif len(kinds) == 1:
        kind = next(iter(kinds))
    else:
        kind = MIXED
    refs: list[Json] = []
    for ref, note in cited:
        for seen in refs:
            if seen["ref"] == ref:
                seen["note"] = seen["note"] or note
                break
        else:
            refs.append(resolve(ref, note, where))
    return {
        "label": label,
        "text": text,
        "marker": marker,
        "kind": kind,
        "verified": UNVERIFIED not in kinds,
        "refs": refs,
        "codes": codes_in(text),
    }


# --------------------------------------------------------------------------- sources


URL = re.compile(r"https?://[^\s;]+")


def _trim_url(url: str) -> str:
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url.rstrip(".,")


def _trim_label(label: str) -> str:
    label = label.strip(" ;:—")
    if label.startswith("(") and label.count("(") > label.count(")"):
        label = label[1:]
    if label.endswith(")") and label.count(")") > label.count("("):
        label = label[:-1]
    return label.strip(" ;:—")


TIER = re.compile(r"\s*\[(T[123])\]\s*$")
TIERS = ("T1", "T2", "T3")  # official, reputable secondary, weak (never cited in outputs)


# Who publishes an official text, by the site it is on: the name a bibliography gives for a
# link whose line names no publisher (a line that does, "Brookings, \"Title\" (date)", wins).
PUBLISHERS = {
    "eur-lex.europa.eu": "EUR-Lex (Publications Office of the European Union)",
    "edpb.europa.eu": "European Data Protection Board",
    "www.edpb.europa.eu": "European Data Protection Board",
    "commission.europa.eu": "European Commission",
    "curia.europa.eu": "Court of Justice of the European Union",
    "legislation.gov.uk": "legislation.gov.uk (The National Archives)",
    "www.legislation.gov.uk": "legislation.gov.uk (The National Archives)",
    "ico.org.uk": "Information Commissioner's Office",
    "cy.ico.org.uk": "Information Commissioner's Office",
    "gov.uk": "UK Government",
    "uscode.house.gov": "Office of the Law Revision Counsel, US House of Representatives",
    "www.govinfo.gov": "U.S. Government Publishing Office (govinfo)",
    "www.justice.gov": "U.S. Department of Justice",
    "usdoj.gov": "U.S. Department of Justice",
    "www.intel.gov": "Office of the Director of National Intelligence",
    "trade.gov": "U.S. International Trade Administration",
    "sso.agc.gov.sg": "Singapore Statutes Online (Attorney-General's Chambers)",
    "egazette.gov.in": "Gazette of India",
    "www.oaic.gov.au": "Office of the Australian Information Commissioner",
    "inslm.gov.au": "Independent National Security Legislation Monitor",
    "aph.gov.au": "Parliament of Australia",
    "www.ato.gov.au": "Australian Taxation Office (legal database)",
    "corrigan.austlii.edu.au": "AustLII",
    "www.in.gov.br": "Diário Oficial da União (Brazil)",
    "lawphil.net": "Lawphil Project (Arellano Law Foundation)",
    "kararlarbilgibankasi.anayasa.gov.tr": "Constitutional Court of Türkiye",
    "www.concourt.org.za": "Constitutional Court of South Africa",
    "www.nsicop-cpsnr.ca": "National Security and Intelligence Committee of Parliamentarians",
    "decisions.scc-csc.ca": "Supreme Court of Canada",
    "scc-csc.lexum.com": "Supreme Court of Canada",
    "decisions.fca-caf.gc.ca": "Federal Court of Canada",
    "www.parl.ca": "Parliament of Canada (LEGISinfo)",
    "www.ourcommons.ca": "House of Commons of Canada",
    "en.npc.gov.cn.cdurl.cn": "National People's Congress of China",
}
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_FULL = rf"\d{{1,2}} {_MONTHS} \d{{4}}"
_MONTH_YEAR = rf"{_MONTHS} \d{{4}}"
_YEAR = r"(?:19|20)\d{2}"
_ANY_DATE = rf"{_FULL}|{_MONTH_YEAR}|{_YEAR}"
# A parenthetical that dates the source: "(10 Feb 2026)", "(updated Dec 2022)",
# "(11 Jun 2026: House voted ...)", "(2023)".
_DATING = re.compile(rf"^(?:updated |reviewed |published |approved )?({_ANY_DATE})(?:$|[:;,])")
_TRAILING_DATE = re.compile(rf",\s*({_FULL})\s*$")
_FIRST_FULL = re.compile(rf"\b({_FULL})\b")
_LONE_YEAR = re.compile(rf"(?<![\w.-])({_YEAR})(?![\w-])")
# Notes about how the research read a source: not part of a citation.
_RESEARCH_NOTE = re.compile(
    r"not opened|read via|copy|checked against|cited before|legal-facts|wording checked",
    re.IGNORECASE,
)
# "Publisher, \"Title\"" (a comma then a quote) or "Publisher, Title" with a short name; a
# head that names an instrument ("Draft DPDP Rules, G.S.R. ...") is a title, not a publisher.
_QUOTED_AFTER = re.compile(r"^(.{2,80}?),\s+(?=[\"“])")
_SHORT_HEAD = re.compile(r"^([^,\"“(]{2,60}?(?:\([^()]*\))?),\s+(?=[A-Za-z])")
_INSTRUMENT = re.compile(
    r"\b(?:Rules|Act|Decision|Regulations?|Code|Bill|Memorandum|Statement|Directive|Order|"
    r"text|Public Law|v)\b|^S\. \d|§"
)
_INSTRUMENT_OR_NUMBER = re.compile(rf"{_INSTRUMENT.pattern}|\bLaw\b|\d{{3,}}")


def _parentheticals(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each top-level parenthetical of ``text`` (nested ones inside)."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _without_research_notes(text: str) -> str:
    """``text`` without parenthetical notes about how the research read the source."""
    out, last = "", 0
    for a, b in _parentheticals(text):
        if _RESEARCH_NOTE.search(text[a:b]):
            out += text[last:a].rstrip()
            last = b
    return re.sub(r"\s{2,}", " ", out + text[last:]).strip(" ;,")


def _date_of(text: str, official: bool) -> str:
    """The date a source line gives the source; "" when it gives none (never guessed).

    A dating parenthetical or a trailing ", 20 Apr 2024" dates any source. An official text
    (T1) is also dated by the first full date it names, else by the year in its name ("Act
    2023", "2014 SCC 43"); a commentary's other dates are those of what it discusses."""
    for a, b in _parentheticals(text):
        dating = _DATING.match(text[a + 1 : b - 1].strip())
        if dating:
            return dating.group(1)
    found = _TRAILING_DATE.search(text)
    if found:
        return found.group(1)
    if official:
        for pattern in (_FIRST_FULL, _LONE_YEAR):
            found = pattern.search(text)
            if found:
                return found.group(1)
    return ""


def citation_parts(title: str, url: str | None, tier: str, label: str = "") -> Json:
    """The publisher, title and date of a source line, for a bibliography.

    The publisher is the name before the first comma of a line written "Publisher, Title"
    (or "Publisher, \"Title\""), else the publisher of the site the link is on, else the
    site's name. A link the research read as a summary of the named document says so."""
    text = _without_research_notes(title)
    publisher, rest = "", text
    head = _QUOTED_AFTER.match(text)
    if head is not None and (_INSTRUMENT.search(head.group(1)) or len(head.group(1).split()) > 5):
        head = None
    if head is None:
        head = _SHORT_HEAD.match(text)
        if head is not None and _INSTRUMENT_OR_NUMBER.search(head.group(1)):
            head = None
    if head is not None:
        publisher, rest = head.group(1).strip(), text[head.end() :]
    quoted = re.match(r"^[\"“]([^\"”]+)[\"”]\s*(.*)$", rest)
    if quoted:
        after = quoted.group(2)
        spans = _parentheticals(after)
        if spans and spans[0][0] == 0:  # the note right after the title: its date, or context
            after = after[spans[0][1] :]
        after = after.strip(" ,;")
        cite_title = quoted.group(1).strip() + (f", {after}" if after else "")
    else:
        cite_title = rest
    cite_title = re.sub(r"\s*\((?:" + _ANY_DATE + r")\)\s*$", "", cite_title).strip(" ,;")
    if "summary" in label.lower() and "summary" not in cite_title.lower():
        cite_title += " (summary)"
    if not publisher:
        host = re.sub(r"^https?://", "", url or "").split("/")[0]
        publisher = (
            PUBLISHERS.get(host)
            or PUBLISHERS.get(host.removeprefix("www."))
            or (host.removeprefix("www."))
        )
    return {"title": cite_title, "publisher": publisher, "date": _date_of(title, tier == "T1")}


def source_row(ref: str, cell: str) -> Json:
    """ "Title — URL ; label: URL ... [Tn]" -> title, tier, the first URL and every URL with its
    label. A T3 ("source weak") line has no link: it only records the rejected source."""
    tier_match = TIER.search(light(cell))
    if not tier_match:
        raise ParseError(f"source {ref}: no tier [T1], [T2] or [T3] at the end of the line")
    tier = tier_match.group(1)
    text = light(cell)[: tier_match.start()].rstrip()
    first_url = URL.search(text)
    # The title ends at the last " — " before the first URL (a title may hold a dash itself).
    head = text[: first_url.start()] if first_url else text
    cut = head.rfind(" — ") if first_url else head.find(" — ")
    if cut < 0:
        raise ParseError(f"source {ref}: no ' — ' between title and link")
    title, rest = text[:cut], text[cut + 3 :]
    links = []
    pos = 0
    for m in URL.finditer(rest):
        url = _trim_url(m.group(0))
        links.append({"label": _trim_label(rest[pos : m.start()]), "url": url})
        pos = m.start() + len(url)
    if tier == "T3" and links:
        raise ParseError(f"source {ref}: a T3 source must not carry a link")
    url = links[0]["url"] if links else None
    label = links[0]["label"] if links else ""
    return {
        "ref": ref,
        "title": title.strip(),
        "tier": tier,
        "url": url,
        "links": links,
        "text": text,
        "citation": citation_parts(title.strip(), url, tier, label),
    }


def source_table(table: Table, where: str) -> dict[str, Json]:
    if [h.lower() for h in table.header] != ["ref", "source"]:
        raise ParseError(f"{where}: expected a Ref | Source table, got {table.header}")
    out: dict[str, Json] = {}
    for ref, cell in table.rows:
        if ref in out:
            raise ParseError(f"{where}: source {ref} listed twice")
        out[ref] = source_row(ref, cell)
    return out


# --------------------------------------------------------------------------- document parts


def only(blocks: list[Block], kind: type, where: str) -> Any:
    found = [b for b in blocks if isinstance(b, kind)]
    if len(found) != 1:
        raise ParseError(f"{where}: expected one {kind.__name__}, found {len(found)}")
    return found[0]


def expect_only(blocks: list[Block], kinds: tuple[type, ...], where: str) -> None:
    for block in blocks:
        if not isinstance(block, kinds):
            raise ParseError(f"{where}: unexpected {type(block).__name__}: {block}")


def child(section: Section, prefix: str) -> Section:
    for c in section.children:
        if re.sub(r"^[\d.]+\s+", "", c.title).startswith(prefix):
            return c
    raise ParseError(f"no section {prefix!r} under {section.title!r}")


def parse_rating(cell: str, where: str) -> Json:
    bold = re.match(r"^\*\*(.+?)\*\*", cell.strip())
    if not bold:
        raise ParseError(f"{where}: rating cell does not start with a bold rating: {cell!r}")
    first = bold.group(1).split(" / ")[0].strip()
    if first not in RATINGS:
        raise ParseError(f"{where}: rating {first!r} is not one of {RATINGS}")
    for other in re.findall(r"\*\*(.+?)\*\*", cell):
        for word in other.split(" / "):
            if word.strip() not in RATINGS:
                raise ParseError(f"{where}: rating {word!r} is not one of {RATINGS}")
    text = light(cell)
    qualifier = text[len(first) :].strip().lstrip(";,").strip()
    return {"rating": first, "rating_qualifier": qualifier, "rating_text": text}


def parse_common(
    section: Section,
) -> tuple[list[Json], list[Json], list[Json], list[Json], dict[str, Json]]:
    sources = source_table(only(child(section, "Common sources").blocks, Table, "0.4"), "0.4")
    resolve = Resolver(sources)

    eeg_sec = child(section, "European Essential Guarantees")
    table = only(eeg_sec.blocks, Table, "0.1")
    _, heading_refs = markers(table.header[1])
    test_default = INFERENCE if "explanations [I]" in table.header[1] else NONE
    evidence_default = INFERENCE if "[I]" in table.header[2] else NONE
    eeg = []
    for letter_title, test, evidence in table.rows:
        m = re.match(r"^\*\*([A-D])\*\*\s+(.+)$", letter_title)
        if not m:
            raise ParseError(f"0.1: EEG row {letter_title!r}")
        where = f"0.1 {m.group(1)}"
        eeg.append(
            {
                "letter": m.group(1),
                "title": light(m.group(2)),
                "heading_refs": [resolve(r, n, where) for r, n in heading_refs],
                "test": item(test, resolve, where, default=test_default),
                "evidence": item(evidence, resolve, where, default=evidence_default),
            }
        )

    uc_sec = child(section, "EDPB Recommendations 01/2020")
    expect_only(uc_sec.blocks, (Table, Paragraph), "0.2")
    table = only(uc_sec.blocks, Table, "0.2")
    use_cases = []
    for code, title, view, marker in table.rows:
        row = item(view, resolve, f"0.2 {code}", marker=marker)
        row.pop("label")
        row["edpb_view"] = row.pop("text")
        row["code"] = code
        row["use_case"] = light(title)
        use_cases.append(row)
    notes = [item(p.text, resolve, "0.2 note") for p in uc_sec.blocks if isinstance(p, Paragraph)]

    cat_sec = child(section, "Supplementary-measure catalogue")
    default = INFERENCE if "[I unless marked]" in cat_sec.title else NONE
    table = only(cat_sec.blocks, Table, "0.3")
    measures = []
    for code, measure, helps in table.rows:
        row = item(f"{measure} {helps}", resolve, f"0.3 {code}", default=default)
        measures.append(
            {
                "code": code,
                "measure": light(measure),
                "helps": light(helps),
                "kind": row["kind"],
                "verified": row["verified"],
                "refs": row["refs"],
            }
        )
    return eeg, use_cases, notes, measures, sources


def parse_overview(section: Section, resolvers: dict[int, Resolver]) -> dict[int, Json]:
    # Heading: 'indicative, [I] unless marked; "None" in the status columns = no EU adequacy
    # decision / no UK adequacy regulations found [S C-5]'. Both rules are applied to the cells.
    if "[I] unless marked" not in section.title or '"None" in the status columns' not in (
        section.title
    ):
        raise ParseError(f"overview heading changed: {section.title!r}")
    _, none_refs = markers(section.title.split('"None"', 1)[1])
    table = only(section.blocks, Table, "Overview")
    headers = [light(h) for h in table.header]
    rows: dict[int, Json] = {}
    for number, destination, *cells in table.rows:
        where = f"Overview {destination}"
        if int(number) not in resolvers:
            raise ParseError(f"{where}: no profile section {number}")
        resolve = resolvers[int(number)]
        out: Json = {"destination": light(destination)}
        for key, label, cell in zip(
            ("eu_status", "uk_status", "main_access_laws", "starting_position"),
            headers[2:],
            cells,
            strict=True,
        ):
            kinds, _ = markers(light(cell))
            none = key.endswith("_status") and not kinds and light(cell).startswith("None")
            out[key] = item(
                cell,
                resolve,
                where,
                label=label,
                default=INFERENCE,
                extra_refs=none_refs if none else (),
            )
        rows[int(number)] = out
    return rows


def country_name(number: int, heading: str) -> tuple[str, str, str]:
    """(ISO code, name, note) of a "N. Name (note)" heading."""
    m = re.match(r"^(.+?)(?:\s+\((.+)\))?$", heading)
    assert m is not None
    name, name_note = m.group(1), m.group(2) or ""
    if name not in COUNTRY_CODES:
        raise ParseError(f"section {number}: no ISO code known for {name!r}")
    return COUNTRY_CODES[name], name, name_note


def profile_sources(code: str, section: Section) -> dict[str, Json]:
    src_sec = child(section, "Sources")
    expect_only(src_sec.blocks, (Table, Paragraph), f"{code} sources")
    sources = source_table(only(src_sec.blocks, Table, f"{code} sources"), f"{code} sources")
    for ref in sources:
        if not ref.startswith(f"{code}-"):
            raise ParseError(f"{code} sources: ref {ref} does not start with {code}-")
    return sources


def parse_profile(
    number: int, heading: str, section: Section, overview: Json, common: dict[str, Json]
) -> Json:
    code, name, name_note = country_name(number, heading)
    src_sec = child(section, "Sources")
    sources = profile_sources(code, section)
    resolve = Resolver(sources, common)

    expect_only(section.blocks, (Paragraph,), f"{code} intro")
    as_of = re.match(r"^\*\*As of (\d{4}-\d{2}-\d{2})\.\*\*\s*(.*)$", section.blocks[0].text)
    if len(section.blocks) != 1 or not as_of:
        raise ParseError(f"{code}: expected one '**As of YYYY-MM-DD.**' paragraph")

    triggers: list[Json] = []
    for para in src_sec.blocks:
        if isinstance(para, Paragraph):
            t = re.match(r"^\*\*Review triggers \([^)]*\):\*\*\s*(.+)$", para.text)
            if not t or triggers:
                raise ParseError(f"{code} sources: unexpected paragraph {para.text[:60]!r}")
            triggers = [
                item(part, resolve, f"{code} review trigger")
                for part in split_top_level(t.group(1).rstrip("."), ";")
            ]

    def rows(prefix: str, header: list[str]) -> list[Json]:
        sec = child(section, prefix)
        expect_only(sec.blocks, (Table,), f"{code} {prefix}")
        table = only(sec.blocks, Table, f"{code} {prefix}")
        if table.header != header:
            raise ParseError(f"{code} {prefix}: header {table.header}, expected {header}")
        out, label = [], ""
        for first, text, marker in table.rows:
            # An empty first cell continues the row above (same law or topic).
            label = first or label
            out.append(item(text, resolve, f"{code} {label}", label=label, marker=marker))
        return out

    eeg_sec = child(section, "Assessment against the European Essential Guarantees")
    expect_only(eeg_sec.blocks, (Table, Paragraph), f"{code} EEG")
    table = only(eeg_sec.blocks, Table, f"{code} EEG")
    if table.header != ["EEG", "Key facts", "Indicative rating [I]"]:
        raise ParseError(f"{code} EEG: header {table.header}")
    eeg = []
    for letter_title, facts, rating in table.rows:
        lm = re.match(r"^([A-D]) (.+)$", letter_title)
        if not lm:
            raise ParseError(f"{code} EEG: row {letter_title!r}")
        eeg.append(
            {
                "letter": lm.group(1),
                "title": light(lm.group(2)),
                "facts": item(facts, resolve, f"{code} EEG {lm.group(1)}"),
                **parse_rating(rating, f"{code} EEG {lm.group(1)}"),
            }
        )
    if [e["letter"] for e in eeg] != ["A", "B", "C", "D"]:
        raise ParseError(f"{code} EEG: rows {[e['letter'] for e in eeg]}, expected A-D")

    def bullets(prefix: str) -> list[Json]:
        sec = child(section, prefix)
        expect_only(sec.blocks, (Bullets,), f"{code} {prefix}")
        return [
            item(b, resolve, f"{code} {prefix}") for b in only(sec.blocks, Bullets, prefix).items
        ]

    return {
        "code": code,
        "section": number,
        "name": name,
        "name_note": name_note,
        "as_of": as_of.group(1),
        "as_of_note": item(as_of.group(2), resolve, f"{code} as of"),
        "overview": overview,
        "general_law": rows("General data protection law", ["Item", "Fact", "Marker"]),
        "access_laws": rows("Public-authority access laws", ["Law", "What it allows", "Marker"]),
        "eeg": eeg,
        "eeg_notes": [
            item(p.text, resolve, f"{code} EEG note")
            for p in eeg_sec.blocks
            if isinstance(p, Paragraph)
        ],
        "redress": bullets("Redress"),
        "measures": bullets("Supplementary measures"),
        "sources": list(sources.values()),
        "review_triggers": triggers,
    }


def _all_items(data: Json) -> Iterator[Json]:
    def walk(node: Any) -> Iterator[Json]:
        if isinstance(node, dict):
            if "codes" in node and "kind" in node:
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(data)


def build(markdown: str, source_name: str = SOURCE_NAME) -> Json:
    """The JSON document for the research file's text (a pure function of the text)."""
    root = parse_sections(markdown)
    if len(root.children) != 1 or root.children[0].level != 1:
        raise ParseError("expected one '# ' title")
    doc = root.children[0]
    as_of = re.search(r"\*\*As of: (\d{4}-\d{2}-\d{2})\*\*", markdown)
    if not as_of:
        raise ParseError("no '**As of: YYYY-MM-DD**' line")

    sections = {re.sub(r"\s*\(.*$", "", s.title): s for s in doc.children}
    eeg, use_cases, uc_notes, measures, common = parse_common(sections["0. Common reference"])

    how_to = only(sections["How to use these profiles"].blocks, Numbered, "How to use")
    # Guidance, not facts: item 3 even quotes the markers as a legend, so no marker parsing.
    how_to_use = [light(text) for text in how_to.items]
    first = light(how_to.items[0])
    if not first.startswith("Starting point, not advice."):
        raise ParseError("How to use: item 1 is no longer the 'starting point' caveat")
    # The caveat is item 1 up to where it turns to what the assessor edits.
    caveat = first.split(" The assessor edits", 1)[0]

    countries: list[tuple[int, str, Section]] = []
    for sec in doc.children:
        m = re.match(r"^(\d+)\. (.+)$", sec.title)
        if not m or int(m.group(1)) == 0:
            continue
        if not (sec.blocks and isinstance(sec.blocks[0], Paragraph)):
            continue
        if not sec.blocks[0].text.startswith("**As of "):
            continue  # e.g. "15. Verification backlog": not a destination profile
        countries.append((int(m.group(1)), m.group(2), sec))
    # Overview cells cite the profile's own sources (e.g. [S US-23]) as well as C-n.
    resolvers = {
        number: Resolver(profile_sources(country_name(number, heading)[0], sec), common)
        for number, heading, sec in countries
    }
    overview = parse_overview(sections["Overview"], resolvers)
    profiles = []
    for number, heading, sec in countries:
        if number not in overview:
            raise ParseError(f"section {number} has no row in the Overview table")
        profiles.append(parse_profile(number, heading, sec, overview.pop(number), common))
    if overview:
        raise ParseError(f"Overview rows without a profile: {sorted(overview)}")

    data: Json = {
        "format": FORMAT,
        "title": light(doc.title),
        "source_file": source_name,
        "as_of": as_of.group(1),
        "caveat": caveat,
        "how_to_use": how_to_use,
        "eeg": eeg,
        "use_cases": use_cases,
        "use_case_notes": uc_notes,
        "measures": measures,
        "common_sources": list(common.values()),
        "profiles": profiles,
    }
    known = {m["code"] for m in measures} | {u["code"] for u in use_cases}
    for node in _all_items(data):
        unknown = [c for c in node["codes"] if c not in known]
        if unknown:
            raise ParseError(f"codes {unknown} are not in the catalogue: {node['text'][:60]!r}")
    return data


def render(data: Json) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=None, help="country-profiles.md")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the output differs, write nothing"
    )
    args = parser.parse_args(argv)
    source = args.source or default_source()
    if source is None or not source.is_file():
        print(f"error: cannot find {SOURCE_NAME}; pass --source PATH", file=sys.stderr)
        return 2
    try:
        text = render(build(source.read_text(encoding="utf-8"), source.name))
    except ParseError as exc:
        print(f"error: {source}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; rebuild without --check", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

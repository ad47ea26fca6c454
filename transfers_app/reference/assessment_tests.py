"""The legal test a transfer impact / risk assessment applies, per regime and date, as data.

Which test applies is a legal fact with a date: a UK transfer assessed on or after 5 Feb 2026
meets the Data (Use and Access) Act's data protection test (UK GDPR Art 46(1A)(a)(ii), 46(6)-(8):
protection "not materially lower"); before that day the ICO's transfer risk assessment
approach; an EU transfer the "essentially equivalent" standard of SCC Clause 14 and Schrems II
(legal-facts 3.2, 3.3, 5.4a, 5.5). Each test is a row of ``data/assessment_tests.json`` with its
standard, legal basis, dates, the wording of its conclusion, the clause of each transfer tool
that carries the assessment, and its sources as citations (title, publisher, date, URL, tier);
``AssessmentTests.for_regime`` picks the row in force on a date. No rule here is an ``if``.

The same file holds what an assessment prints about the ICO TRA tool's questions (verbatim),
the EDPB's Annex 2 use cases (when each one fits, ``UseCaseRow.fits``) and the Rosenthal
probability method, each with a ``verified`` flag: what the research could not verify is an
unverified fact the approver must accept before an assessment relying on it is approved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from transfers_app.domain.enums import Mechanism, Regime
from transfers_app.errors import ReferenceDataError
from transfers_app.reference.json_reader import JsonReader, shipped_json

# One citation type for every source the app prints (re-exported for the TIA services).
from transfers_app.reference.sources import Citation as Citation

DATA_FILE = "assessment_tests.json"
SUPPORTED_FORMAT = 1
TIERS = ("T1", "T2")  # a T3 source is never cited, so the file may not hold one


@dataclass(frozen=True, slots=True)
class Method:
    """One way of carrying out the assessment that the regulator accepts."""

    id: str  # "ico_tra_tool", "edpb", "uk_government_analysis"
    name: str
    only_for: tuple[str, ...]  # destinations it is limited to ("" = any)

    def available_for(self, destination: str) -> bool:
        return not self.only_for or destination in self.only_for


@dataclass(frozen=True, slots=True)
class ToolClause:
    """The clause of a transfer tool that carries the assessment under one test."""

    mechanism: Mechanism
    clause: str
    verified: bool
    note: str


@dataclass(frozen=True, slots=True)
class AssessmentTest:
    id: str
    regime: Regime
    name: str  # the assessment's title
    document_name: str  # what the regulator calls the document ("transfer risk assessment")
    # What the status report calls the assessment under this test ("Transfer impact
    # assessment (TIA)"); the title when the row gives none.
    short_name: str
    standard: str  # the words of the standard ("not materially lower")
    standard_text: str
    legal_basis: str
    valid_from: date | None
    valid_until: date | None
    risks: tuple[str, ...]  # the risks the regulator says the assessment covers
    methods: tuple[Method, ...]
    caveat: str  # a statement of the regulator's own that the document repeats
    conclusion_positive: str  # with {exporter} {importer} {country} {safeguard} {measures}
    conclusion_negative: str
    tool_clauses: tuple[ToolClause, ...]
    citations: tuple[Citation, ...]
    verified: bool
    note: str

    def in_force_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )

    def clause_for(self, mechanism: Mechanism) -> ToolClause | None:
        return next((c for c in self.tool_clauses if c.mechanism is mechanism), None)

    def method(self, method_id: str) -> Method | None:
        return next((m for m in self.methods if m.id == method_id), None)

    def conclusion(self, positive: bool, **words: str) -> str:
        """The conclusion's wording with the transfer's words put in."""
        template = self.conclusion_positive if positive else self.conclusion_negative
        return template.format_map(_Words(words))


class _Words(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""  # a placeholder the caller has nothing for reads as nothing


@dataclass(frozen=True, slots=True)
class Question:
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class IcoTraQuestions:
    questions: tuple[Question, ...]
    citation: Citation
    scale_verified: bool
    scale_note: str

    def text(self, number: int) -> str:
        return next(q.text for q in self.questions if q.number == number)


@dataclass(frozen=True, slots=True)
class UseCaseRow:
    """An EDPB Annex 2 use case and the recorded facts under which it fits (legal-facts 5.3a:
    who holds the keys, the state of the data at the importer, transit only, protected
    recipient; ``None`` = any)."""

    code: str
    title: str
    effective: bool
    key_holders: tuple[str, ...]
    data_at_importer: tuple[str, ...]
    transit_only: bool | None
    protected_recipient: bool | None
    verified: bool
    note: str

    def fits(
        self, key_holder: str, data_at_importer: str, transit_only: bool, protected: bool
    ) -> bool:
        return (
            key_holder in self.key_holders
            and data_at_importer in self.data_at_importer
            and (self.transit_only is None or self.transit_only is transit_only)
            and (self.protected_recipient is None or self.protected_recipient is protected)
        )


@dataclass(frozen=True, slots=True)
class UseCases:
    rows: tuple[UseCaseRow, ...]
    citations: tuple[Citation, ...]
    clear_data_statement: str  # with {importer} {use_case}
    clear_data_with_problematic_law: str  # with {importer} {use_case} {country}

    def get(self, code: str) -> UseCaseRow | None:
        return next((r for r in self.rows if r.code == code), None)


@dataclass(frozen=True, slots=True)
class MethodNote:
    citations: tuple[Citation, ...]
    verified: bool
    note: str


@dataclass(frozen=True, slots=True)
class AssessmentTests:
    as_of: date  # the date the research behind the file was verified
    title: str
    tests: tuple[AssessmentTest, ...]
    ico_tra: IcoTraQuestions
    use_cases: UseCases
    rosenthal: MethodNote
    # The country profiles' common sources that are documents this file cites too ("C-4":
    # Schrems II): a bibliography cites this file's fuller citation for them.
    profile_refs: Mapping[str, Citation]

    def for_regime(self, regime: Regime, on: date) -> AssessmentTest | None:
        """The test in force for ``regime`` on ``on`` (None: the data has none)."""
        return next((t for t in self.tests if t.regime is regime and t.in_force_on(on)), None)

    def get(self, test_id: str) -> AssessmentTest | None:
        return next((t for t in self.tests if t.id == test_id), None)


# -- parsing -----------------------------------------------------------------------------------


def _citation(r: JsonReader) -> Citation:
    tier = r.text("tier")
    if tier not in TIERS:
        raise r.fail("tier", f"T1 or T2 (a T3 source is never cited), not {tier!r}")
    url = r.text("url")
    if not url.startswith("https://"):
        raise r.fail("url", "an https:// address")
    return Citation(r.text("title"), r.text("publisher"), r.text("date"), url, tier)


def _cited(r: JsonReader, key: str, known: Mapping[str, Citation]) -> tuple[Citation, ...]:
    out = []
    for name in r.texts(key):
        if name not in known:
            raise r.fail(key, f"names of the file's citations ({name!r} is not one)")
        out.append(known[name])
    return tuple(out)


def _test(r: JsonReader, known: Mapping[str, Citation]) -> AssessmentTest:
    test = AssessmentTest(
        id=r.text("id"),
        regime=r.choice("regime", Regime, "UK, EU or CH"),
        name=r.text("name"),
        document_name=r.text("document_name"),
        short_name=r.text("short_name") if "short_name" in r.data else r.text("name"),
        standard=r.text("standard"),
        standard_text=r.text("standard_text"),
        legal_basis=r.text("legal_basis"),
        valid_from=r.opt_day("valid_from"),
        valid_until=r.opt_day("valid_until"),
        risks=r.texts("risks"),
        methods=tuple(
            Method(m.text("id"), m.text("name"), m.texts("only_for")) for m in r.rows("methods")
        ),
        caveat=r.text("caveat"),
        conclusion_positive=r.text("conclusion_positive"),
        conclusion_negative=r.text("conclusion_negative"),
        tool_clauses=tuple(
            ToolClause(
                c.choice("mechanism", Mechanism, "a mechanism code"),
                c.text("clause"),
                c.flag("verified"),
                c.text("note"),
            )
            for c in r.rows("tool_clauses")
        ),
        citations=_cited(r, "citations", known),
        verified=r.flag("verified"),
        note=r.text("note"),
    )
    if not test.methods:
        raise r.fail("methods", "at least one method")
    for template in (test.conclusion_positive, test.conclusion_negative):
        try:
            template.format_map(_Words())
        except (ValueError, IndexError):
            raise r.fail("conclusion_positive", "text with {named} placeholders") from None
    return test


def _overlapping(tests: Sequence[AssessmentTest]) -> str | None:
    """Two tests of one regime in force on the same day make the choice ambiguous."""
    for i, a in enumerate(tests):
        for b in tests[i + 1 :]:
            if a.regime is not b.regime:
                continue
            a_end, b_end = a.valid_until or date.max, b.valid_until or date.max
            if (a.valid_from or date.min) <= b_end and (b.valid_from or date.min) <= a_end:
                return f"{a.id} and {b.id} are both in force on some days"
    return None


def parse_assessment_tests(data: Mapping[str, Any]) -> AssessmentTests:
    """The tests from the decoded JSON; ReferenceDataError naming the field if malformed."""
    r = JsonReader.of_format(DATA_FILE, data, "file", SUPPORTED_FORMAT)
    cites = r.child("citations")
    known = {name: _citation(cites.child(name)) for name in cites.data}
    tests = tuple(_test(x, known) for x in r.rows("tests"))
    clash = _overlapping(tests)
    if clash:
        raise ReferenceDataError(f"{DATA_FILE}: tests: {clash}")
    ico = r.child("ico_tra_questions")
    ico_cite = ico.text("citation")
    if ico_cite not in known:
        raise ico.fail("citation", "the name of one of the file's citations")
    uc = r.child("use_cases")
    ros = r.child("rosenthal")
    as_of = r.opt_day("as_of")
    if as_of is None:
        raise r.fail("as_of", "a date YYYY-MM-DD")
    return AssessmentTests(
        as_of=as_of,
        title=r.text("title"),
        tests=tests,
        ico_tra=IcoTraQuestions(
            questions=tuple(
                Question(q.number("number"), q.text("text")) for q in ico.rows("questions")
            ),
            citation=known[ico_cite],
            scale_verified=ico.flag("scale_verified"),
            scale_note=ico.text("scale_note"),
        ),
        use_cases=UseCases(
            rows=tuple(
                UseCaseRow(
                    code=u.text("code"),
                    title=u.text("title"),
                    effective=u.flag("effective"),
                    key_holders=u.texts("key_holders"),
                    data_at_importer=u.texts("data_at_importer"),
                    transit_only=u.opt_flag("transit_only"),
                    protected_recipient=u.opt_flag("protected_recipient"),
                    verified=u.flag("verified"),
                    note=u.text("note"),
                )
                for u in uc.rows("rows")
            ),
            citations=_cited(uc, "citations", known),
            clear_data_statement=uc.text("clear_data_statement"),
            clear_data_with_problematic_law=uc.text("clear_data_with_problematic_law"),
        ),
        rosenthal=MethodNote(
            citations=_cited(ros, "citations", known),
            verified=ros.flag("verified"),
            note=ros.text("note"),
        ),
        profile_refs=_profile_refs(r.child("profile_refs"), known),
    )


def _profile_refs(r: JsonReader, known: Mapping[str, Citation]) -> dict[str, Citation]:
    out = {}
    for ref in r.data:
        name = r.text(ref)
        if name not in known:
            raise r.fail(ref, f"the name of one of the file's citations, not {name!r}")
        out[ref] = known[name]
    return out


@cache
def load_assessment_tests() -> AssessmentTests:
    """The tests shipped with the app (read once per run)."""
    return parse_assessment_tests(shipped_json(DATA_FILE))

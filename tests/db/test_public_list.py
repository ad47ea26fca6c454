"""The public sub-processor list: who is on it, what a publication records, what changed since,
and HTML / Markdown that show every name exactly as written.

The service on the in-memory store (``tests/fakes``), the demo register loaded into it; the
commands at the end run end to end on SQLite."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fakes.memory_store import MemoryStore
from support.stores import demo_memory, entity_named

from db import SqliteStore, open_db
from exports.public_list import md_escape, render_html, render_markdown
from transfers_app.cli import main
from transfers_app.domain.enums import Access, Activity, EntityKind, Lifecycle, Mechanism, Role
from transfers_app.domain.models import Entity, Location, MechanismUse, Transfer
from transfers_app.ports.storage import Store
from transfers_app.reference import builtin_reference
from transfers_app.reports.public_list import ChangeKind, objection_text
from transfers_app.services.public_list import (
    NO_SAFEGUARD,
    NOT_RESTRICTED,
    NOT_SAFEGUARDED,
    PUBLIC_LIST,
    PublicListService,
    from_publication,
    unsafeguarded,
)
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService

TODAY = date(2026, 11, 25)
LATER = TODAY + timedelta(days=20)

HOSTILE_NAME = "<b>R&D</b> Ltd | *star* _under_ `tick` [link](x) #1\nsecond line"
HOSTILE_LEGAL = "<script>alert(1)</script>"
HOSTILE_SERVICE = "株式会社テスト | شركة \\ backslash"

ON_THE_DEMO_LIST = {
    "Brightwave Marketing Cloud LLC",
    "Helpdesk Partners Philippines, Inc.",
    "Indus Support Services Pvt. Ltd.",
    "İstanbul Çağrı Merkezi A.Ş.",
    "Lumen Analytics GmbH",
    "Maple Mail Services Inc.",
    "Meridian Recovery Services Pvt. Ltd.",
    "Northwind Payments, Inc.",
    "Pampas Data Labs Ltda.",
    "Stratus Cloud Hosting, Inc.",
    "Łódź Software House sp. z o.o.",
    "株式会社サクラ翻訳",
}


@pytest.fixture
def repo() -> MemoryStore:
    return demo_memory()


@pytest.fixture
def svc(repo: Store) -> PublicListService:
    return PublicListService(repo)


def add_hostile_vendor(repo: Store) -> Entity:
    uk = entity_named(repo, "Keystone Access Europe Ltd")
    assert uk.id
    with repo.transaction():
        e = repo.entities.add(
            Entity(name=HOSTILE_NAME, kind=EntityKind.VENDOR, legal_name=HOSTILE_LEGAL)
        )
        assert e.id
        repo.entities.add_location(Location(e.id, "TR", Activity.HOSTING, city="İstanbul"))
        repo.entities.add_location(Location(e.id, "PL", Activity.SUPPORT, city="Łódź"))
        repo.transfers.add(
            Transfer(
                exporter_id=uk.id,
                importer_id=e.id,
                destination="TR",
                access=Access.STORAGE,
                importer_role=Role.PROCESSOR,
                service=HOSTILE_SERVICE,
                mechanisms=(MechanismUse(Mechanism.EU_SCC),),
                started_on=TODAY,
            )
        )
    return e


# -- who is on the list ------------------------------------------------------------------------


def test_the_demo_list_names_our_processors_and_their_subprocessors(
    svc: PublicListService,
) -> None:
    pl = svc.build(TODAY)
    assert {e.name for e in pl.entries} == ON_THE_DEMO_LIST
    assert pl.organisation == "Keystone Access Europe Limited"
    by_name = {e.name: e for e in pl.entries}
    stratus = by_name["Stratus Cloud Hosting, Inc."]
    # Where it processes: every location on the register, not only the transfer's destination.
    assert stratus.country_names == ("India", "Ireland", "United States")
    assert stratus.purpose == "Cloud hosting of the customer platform"
    assert stratus.safeguards == (
        "UK Addendum to the EU standard contractual clauses",
        "EU standard contractual clauses",
    )
    # Onward: the processor's own sub-processor, shown with who engaged it.
    assert by_name["Indus Support Services Pvt. Ltd."].engaged_by == (stratus.name,)
    assert stratus.engaged_by == ()
    assert by_name["株式会社サクラ翻訳"].display_name == (
        "株式会社サクラ翻訳 (Sakura Honyaku Kabushiki Kaisha)"
    )
    assert by_name["Lumen Analytics GmbH"].safeguards == ("Adequacy decision",)
    assert by_name["İstanbul Çağrı Merkezi A.Ş."].safeguards == (NO_SAFEGUARD,)
    assert by_name["Northwind Payments, Inc."].safeguards[0] == (
        "EU-U.S. Data Privacy Framework certification"
    )


def test_left_out_proposed_controllers_customers_and_ended_transfers(
    repo: Store, svc: PublicListService
) -> None:
    names = {e.name for e in svc.build(TODAY).entries}
    assert "Quanta Insight AI, Inc." not in names  # proposed
    assert "Hartley & Crane LLP" not in names  # a controller (legal claim)
    assert "Keystone Access Group, Inc." not in names  # group company as controller
    assert "Storage Depot Europe B.V." not in names  # a customer
    assert "Coastline Print & Mail Ltd" not in names  # no transfer
    maple = entity_named(repo, "Maple Mail Services Inc.")
    t = repo.transfers.of_entity(maple.id or 0)[0]
    repo.transfers.update(replace(t, ended_on=TODAY))
    assert "Maple Mail Services Inc." in {e.name for e in svc.build(TODAY).entries}
    assert "Maple Mail Services Inc." not in {e.name for e in svc.build(LATER).entries}
    pampas = entity_named(repo, "Pampas Data Labs Ltda.")
    repo.entities.update(replace(pampas, lifecycle=Lifecycle.OFFBOARDED, offboarded_on=TODAY))
    assert "Pampas Data Labs Ltda." not in {e.name for e in svc.build(TODAY).entries}


def test_a_group_company_processing_for_us_is_listed(repo: Store, svc: PublicListService) -> None:
    uk = entity_named(repo, "Keystone Access Europe Ltd")
    asia = entity_named(repo, "Keystone Access Asia Pte. Ltd.")
    t = next(t for t in repo.transfers.of_entity(asia.id or 0) if t.exporter_id == uk.id)
    repo.transfers.update(replace(t, importer_role=Role.PROCESSOR, service="Payroll support"))
    entry = next(e for e in svc.build(TODAY).entries if e.name == asia.name)
    assert entry.purpose == "Payroll support" and entry.country_names == ("Singapore",)


# -- publishing and the change log -----------------------------------------------------------


def test_publish_records_the_version_and_an_audit_entry(
    repo: Store, svc: PublicListService
) -> None:
    report = svc.publish(TODAY, "Maria Santos")
    assert report.published and report.previous_on is None
    assert {c.kind for c in report.changes} == {ChangeKind.ADDED}
    assert len(report.changes) == len(ON_THE_DEMO_LIST)
    pub = repo.publications.last(PUBLIC_LIST)
    # Who published is the person named, kept in the version; the audit entry keeps the login.
    assert pub is not None and pub.published_on == TODAY and pub.actor == "Maria Santos"
    assert pub.published_by == "Maria Santos" and report.published_by == "Maria Santos"
    content = json.loads(pub.content)
    assert {e["name"] for e in content["entries"]} == ON_THE_DEMO_LIST
    (entry,) = repo.audit.entries(table="publications")
    assert entry.action == "publish" and entry.actor == "privacy-lead"
    # Nothing changed since: no change to notify, and "last updated" stays the publication's.
    assert svc.changes_since_last(LATER) == ()
    again = svc.draft(LATER)
    assert again.last_updated == TODAY and again.published


def test_a_changed_location_is_in_the_change_log(repo: Store, svc: PublicListService) -> None:
    svc.publish(TODAY)
    lumen = entity_named(repo, "Lumen Analytics GmbH")
    loc = repo.entities.locations(lumen.id or 0)[0]
    repo.entities.update_location(replace(loc, country="FR", city="Paris"))
    changes = svc.changes_since_last(LATER)
    assert len(changes) == 1
    change = changes[0]
    assert change.kind is ChangeKind.LOCATION and change.kind.value == "changed location"
    assert change.countries_added == ("FR",) and change.countries_removed == ("DE",)
    assert change.text == ("Changed location: Lumen Analytics GmbH: now in France (was in Germany)")
    draft = svc.draft(LATER)
    assert not draft.published and draft.last_updated == LATER and draft.previous_on == TODAY
    page = render_html(draft)
    assert "Changed location" in page and "now in France (was in Germany)" in page
    assert "Changes since the version of 25 Nov 2026" in page
    assert "Draft: these changes are not published yet." in page
    md = render_markdown(draft)
    assert "- **Changed location**: Lumen Analytics GmbH: now in France" in md
    assert "Last updated: 15 Dec 2026" in md
    # Once published, the change log is measured from the new version.
    published = svc.publish(LATER)
    assert published.changes == changes and published.previous_on == TODAY
    assert svc.changes_since_last(LATER) == ()
    assert len(repo.publications.list(PUBLIC_LIST)) == 2
    # The earlier version is kept as it was published.
    assert [p.published_on for p in repo.publications.list(PUBLIC_LIST, TODAY)] == [TODAY]


def test_added_removed_and_changed_purpose(repo: Store, svc: PublicListService) -> None:
    svc.publish(TODAY)
    maple = entity_named(repo, "Maple Mail Services Inc.")
    repo.entities.update(replace(maple, lifecycle=Lifecycle.OFFBOARDED, offboarded_on=TODAY))
    lumen = repo.transfers.of_entity(entity_named(repo, "Lumen Analytics GmbH").id or 0)[0]
    repo.transfers.update(replace(lumen, service="Product analytics"))
    hostile = add_hostile_vendor(repo)
    changes = {c.kind: c for c in svc.changes_since_last(LATER)}
    assert set(changes) == {ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.PURPOSE}
    assert changes[ChangeKind.ADDED].entity_id == hostile.id
    assert changes[ChangeKind.ADDED].detail == f"{HOSTILE_SERVICE}; in Poland, Türkiye"
    assert changes[ChangeKind.REMOVED].name == "Maple Mail Services Inc."
    assert changes[ChangeKind.PURPOSE].detail == (
        "now: Product analytics (was: Website and app analytics)"
    )


def test_safeguards_per_regime_are_the_status_engines(repo: Store) -> None:
    register = RegisterService(repo, ReferenceSource(builtin_reference()))
    by_name = {e.name: e for e in PublicListService(repo, register.status).build(TODAY).entries}
    assert dict(by_name["Brightwave Marketing Cloud LLC"].by_regime) == {
        # The DPF does not cover it under UK rules (no UK Extension): the fallback does.
        "UK GDPR": "UK Addendum to the EU standard contractual clauses",
        "EU GDPR": "EU-U.S. Data Privacy Framework certification",
    }
    assert dict(by_name["Northwind Payments, Inc."].by_regime)["UK GDPR"] == (
        "UK Extension to the EU-U.S. Data Privacy Framework"
    )
    assert dict(by_name["Lumen Analytics GmbH"].by_regime) == {
        "UK GDPR": "Adequacy decision",
        "EU GDPR": NOT_RESTRICTED,
    }
    assert dict(by_name["Pampas Data Labs Ltda."].by_regime)["UK GDPR"] == NOT_SAFEGUARDED
    assert unsafeguarded(PublicListService(repo, register.status).build(TODAY)) == (
        "Indus Support Services Pvt. Ltd. (UK GDPR)",
        "İstanbul Çağrı Merkezi A.Ş. (UK GDPR, EU GDPR)",
        "Meridian Recovery Services Pvt. Ltd. (UK GDPR, EU GDPR)",
        "Pampas Data Labs Ltda. (UK GDPR)",
    )
    # Rendered per regime, with when it takes effect and how to object.
    published = PublicListService(repo, register.status).publish(TODAY)
    for text in (render_html(published), render_markdown(published)):
        assert "UK GDPR: Adequacy decision" in text
        assert "This version takes effect on 25 Nov 2026." in text
        assert "How to object" in text and "you may object to a new or replaced" in text
    # Stored with the publication, and read back as published.
    last = PublicListService(repo).last_published(TODAY)
    assert last is not None and last.public_list == published.public_list


def test_how_to_object_names_the_dpo_of_the_organisations_profile(
    repo: Store, svc: PublicListService
) -> None:
    published = svc.publish(TODAY)
    html, md = render_html(published), render_markdown(published)
    to_dpo = (
        "to our data protection officer, Daniel Okafor, at dpo@keystone-europe.example, or at "
        "the address your contract sets out."
    )
    assert to_dpo in md.replace("\\", "")
    assert 'Daniel Okafor, at <a href="mailto:dpo@keystone-europe.example">' in html
    # The version keeps the DPO it was published with, whoever the profile names later.
    profile = repo.organisation.get()
    repo.organisation.save(replace(profile, dpo_name="Ana Ruiz", dpo_email="ana@example.org"))
    last = svc.last_published(TODAY)
    assert last is not None and "Daniel Okafor" in last.public_list.object_text
    assert "Ana Ruiz, at ana@example.org" in svc.draft(TODAY).public_list.object_text


def test_how_to_object_without_a_dpo_points_to_the_contract() -> None:
    """A register whose organisation has no profile yet: the contract's address."""
    text = PublicListService(MemoryStore(actor="t")).draft(TODAY).public_list.object_text
    assert text.startswith("Where your contract with us gives a general written authorisation")
    assert text.endswith(
        "within the period your contract sets out, at the address your contract sets out."
    )
    assert "data protection officer" not in text
    # What a profile gives of its DPO is used (an older profile may have a name only).
    assert objection_text("", "privacy@example.org").endswith(
        "to our data protection officer at privacy@example.org, or at the address your "
        "contract sets out."
    )
    assert objection_text(" Ana Ruiz ", " ").endswith(
        "to our data protection officer, Ana Ruiz, at the address your contract sets out."
    )


def test_a_version_published_before_safeguards_per_regime_still_reads(repo: Store) -> None:
    svc = PublicListService(repo)  # no status engine: the safeguards as recorded
    published = svc.publish(TODAY)
    assert all(e.by_regime == () for e in published.public_list.entries)
    stored = repo.publications.last(PUBLIC_LIST, TODAY)
    assert stored is not None
    content = json.loads(stored.content)
    for entry in content["entries"]:
        entry.pop("by_regime")
    old = replace(stored, content=json.dumps(content))
    report = from_publication(old)
    assert report.public_list == published.public_list
    assert "Adequacy decision" in render_markdown(report)


def test_publish_is_all_or_nothing(
    repo: MemoryStore, svc: PublicListService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object) -> None:
        raise RuntimeError("disk full")

    # The publication's audit entry fails once its row is written.
    monkeypatch.setattr(repo._core, "audit", broken)
    with pytest.raises(RuntimeError):
        svc.publish(TODAY)
    assert repo.publications.list(PUBLIC_LIST) == []


# -- rendering ---------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """The text of each table row's cells, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_html_escapes_every_string_and_stands_alone(repo: Store, svc: PublicListService) -> None:
    add_hostile_vendor(repo)
    page = render_html(svc.publish(TODAY))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<style>" in page and "http" not in page.split("</style>")[0].split("<style>")[1]
    assert "<script>" not in page and "<b>R&D" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;R&amp;D&lt;/b&gt; Ltd" in page
    assert 'Last updated: <time datetime="2026-11-25">25 Nov 2026</time>' in page
    parsed = _Cells()
    parsed.feed(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    hostile = next(r for r in parsed.rows if r[0].startswith("<b>R&D</b>"))
    assert hostile[0] == HOSTILE_NAME + HOSTILE_LEGAL  # name, then the legal name beneath
    assert hostile[1] == HOSTILE_SERVICE
    assert hostile[2] == "Poland, Türkiye"
    assert len(parsed.rows) == 1 + len(ON_THE_DEMO_LIST) + 1
    for name in (
        "İstanbul Çağrı Merkezi A.Ş.",
        "Łódź Software House sp. z o.o.",
        "株式会社サクラ翻訳",
    ):
        assert name in page


def test_markdown_escapes_so_the_table_never_breaks(repo: Store, svc: PublicListService) -> None:
    add_hostile_vendor(repo)
    md = render_markdown(svc.publish(TODAY))
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + len(ON_THE_DEMO_LIST) + 1
    for line in rows:  # exactly the five pipes of four cells: every other one is escaped
        assert len(re.findall(r"(?<!\\)\|", line)) == 5, line
    hostile = next(line for line in rows if "star" in line)
    assert "\\<b\\>R\\&D\\</b\\> Ltd \\| \\*star\\* \\_under\\_ \\`tick\\`" in hostile
    assert "\\[link\\]\\(x\\) \\#1 second line" in hostile
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in hostile
    assert "株式会社テスト \\| شركة \\\\ backslash" in hostile
    # A CommonMark renderer shows the strings exactly as written, in one row of four cells.
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    parsed = _Cells()
    parsed.feed(rendered)
    assert "script" not in parsed.tags and "em" not in parsed.tags and "a" not in parsed.tags
    row = next(r for r in parsed.rows if r and r[0].startswith("<b>"))
    assert row == [
        f"{HOSTILE_NAME.replace(chr(10), ' ')} ({HOSTILE_LEGAL})",
        HOSTILE_SERVICE,
        "Poland, Türkiye",
        "EU standard contractual clauses",
    ]


def test_md_escape_keeps_text_on_one_line() -> None:
    assert md_escape("a\r\nb\nc\u2028d") == "a b c d"
    assert md_escape("plain text") == "plain text"
    assert md_escape("x|y") == "x\\|y"


def test_an_empty_register_gives_an_empty_list() -> None:
    report = PublicListService(MemoryStore(actor="t")).draft(TODAY)
    assert report.public_list.entries == () and report.changes == ()
    assert "No sub-processors." in render_html(report)
    assert "| No sub-processors. | | | |" in render_markdown(report)
    assert "# Our sub-processors" in render_markdown(report)


# -- the command line ------------------------------------------------------------------------


def test_export_public_list_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--data-dir", str(tmp_path / "home")]
    assert main([*home, "demo"], today=TODAY) == 0
    page = tmp_path / "subprocessors.html"
    publish = [*home, "export", "public-list", "-o", str(page), "--publish"]
    # Four entries have no valid safeguard under some regime: named, and nothing published.
    assert main(publish, today=TODAY) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--force" in err
    assert "4 entries have no valid safeguard on 2026-11-25" in err
    for entry in (
        "Indus Support Services Pvt. Ltd. (UK GDPR)",
        "İstanbul Çağrı Merkezi A.Ş. (UK GDPR, EU GDPR)",
        "Meridian Recovery Services Pvt. Ltd. (UK GDPR, EU GDPR)",
        "Pampas Data Labs Ltda. (UK GDPR)",
    ):
        assert entry in err
    assert not page.exists()
    assert main([*publish, "--force"], today=TODAY) == 0
    out = capsys.readouterr().out
    assert f"12 entries, 12 changes (first version)) to {page}" in out
    assert (
        "Added: Northwind Payments, Inc.: Card payment processing; in Ireland, United States" in out
    )
    assert "Published as of 2026-11-25" in out
    text = page.read_text("utf-8")
    assert "Sub-processors of Keystone Access Europe Limited" in text
    assert 'Last updated: <time datetime="2026-11-25">' in text
    # A draft the next month: nothing changed, so it is the published version again.
    md = tmp_path / "subprocessors.md"
    later = ["export", "public-list", "--format", "md", "-o", str(md)]
    assert main([*home, *later], today=LATER) == 0
    assert "unchanged since the version published on 2026-11-25" in capsys.readouterr().out
    assert "Last updated: 25 Nov 2026" in md.read_text("utf-8")
    # A location changes: the draft says so, and says it is not published yet.
    database = open_db(tmp_path / "home" / "register.db")
    repo = SqliteStore(database, actor="t")
    lumen = entity_named(repo, "Lumen Analytics GmbH")
    repo.entities.update_location(replace(repo.entities.locations(lumen.id or 0)[0], country="FR"))
    database.conn.close()
    assert main([*home, *later], today=LATER) == 0
    out = capsys.readouterr().out
    assert "1 changes since the version of 2026-11-25" in out
    assert "Changed location: Lumen Analytics GmbH: now in France (was in Germany)" in out
    assert "Not recorded as published" in out
    assert "- **Changed location**: Lumen Analytics GmbH" in md.read_text("utf-8")
    # The output format must be known.
    assert main([*home, "export", "public-list", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "the public list is written as html or md" in capsys.readouterr().err


def test_a_file_that_cannot_be_written_publishes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--data-dir", str(tmp_path / "home")]
    assert main([*home, "demo"], today=TODAY) == 0
    target = tmp_path / "missing-folder" / "list.html"
    assert main([*home, "export", "public-list", "-o", str(target), "--publish", "--force"]) == 2
    assert "cannot write" in capsys.readouterr().err
    database = open_db(tmp_path / "home" / "register.db")
    assert SqliteStore(database, actor="t").publications.list(PUBLIC_LIST) == []
    database.conn.close()

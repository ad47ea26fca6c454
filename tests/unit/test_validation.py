"""Bad input is refused with a message naming the field, before anything is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db import SqliteStore, open_db
from transfers_app.domain.enums import Access, DocumentKind, EntityKind, Lifecycle, Role
from transfers_app.domain.models import Document, Entity, Location, Transfer
from transfers_app.domain.validation import problems
from transfers_app.errors import ValidationError


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (Entity("   ", EntityKind.VENDOR), "name"),
        (Entity("A", EntityKind.VENDOR, contact_email="not-an-email"), "contact_email"),
        (Entity("A", EntityKind.VENDOR, website="vendor.example"), "website"),
        (Entity("A", EntityKind.VENDOR, id=3, parent_id=3), "parent_id"),
        (Entity("A", EntityKind.VENDOR, offboarded_on=date(2026, 1, 1)), "offboarded_on"),
        (
            Entity(
                "A",
                EntityKind.VENDOR,
                lifecycle=Lifecycle.OFFBOARDED,
                active_on=date(2026, 2, 1),
                offboarded_on=date(2026, 1, 1),
            ),
            "offboarded_on",
        ),
        (Location(1, "XX", "hosting"), "country"),  # type: ignore[arg-type]
        (Transfer(1, 1, "US", Access.STORAGE, Role.PROCESSOR), "importer_id"),
        (Transfer(1, 2, "ZZ", Access.STORAGE, Role.PROCESSOR), "destination"),
        (
            Transfer(
                1,
                2,
                "US",
                Access.STORAGE,
                Role.PROCESSOR,
                started_on=date(2026, 5, 1),
                ended_on=date(2026, 4, 1),
            ),
            "ended_on",
        ),
        (Document(DocumentKind.UK_IDTA, "IDTA", scc_module=2), "scc_module"),
        (Document(DocumentKind.EU_SCC_2021, "SCC", scc_module=5), "scc_module"),
        (Document(DocumentKind.EU_SCC_2021, " "), "title"),
        (
            Document(
                DocumentKind.DPA, "DPA", signed_on=date(2026, 5, 1), expires_on=date(2026, 1, 1)
            ),
            "expires_on",
        ),
        (Document(DocumentKind.DPA, "DPA", review_cycle_months=0), "review_cycle_months"),
    ],
)
def test_problem_names_the_field(record: object, field: str) -> None:
    found = problems(record)  # type: ignore[arg-type]
    assert [e.field for e in found][:1] == [field]
    assert field in str(found[0])


def test_valid_records_have_no_problems() -> None:
    assert (
        problems(
            Entity(
                "Łódź Software House sp. z o.o.",
                EntityKind.VENDOR,
                contact_email="dpo@lodz.example",
                website="https://lodz.example",
            )
        )
        == []
    )


def test_invalid_record_is_not_written(tmp_path: Path) -> None:
    database = open_db(tmp_path / "r.db")
    repo = SqliteStore(database, actor="t")
    with pytest.raises(ValidationError, match="contact_email"):
        repo.entities.add(Entity("Vendor", EntityKind.VENDOR, contact_email="nope"))
    assert repo.queries.counts().entities == 0
    assert repo.audit.entries() == []
    database.conn.close()

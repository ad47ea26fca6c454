"""Any name a user can type survives the register byte for byte (hypothesis)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import SqliteStore, open_db
from transfers_app.domain.enums import EntityKind
from transfers_app.domain.models import Entity

names = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=80,
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names, notes=st.text(max_size=200))
def test_any_name_round_trips(tmp_path: Path, name: str, notes: str) -> None:
    database = open_db(tmp_path / "fuzz.db")
    try:
        repo = SqliteStore(database, actor="fuzzer")
        saved = repo.entities.add(Entity(name=name, kind=EntityKind.VENDOR, notes=notes))
        assert saved.id is not None
        loaded = repo.entities.get(saved.id)
        assert (loaded.name, loaded.notes) == (name, notes)
        assert repo.audit.entries(table="entities", record_id=saved.id)[0].after is not None
    finally:
        database.conn.close()

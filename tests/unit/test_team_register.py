"""A team register's address as the app reads, writes, shows and remembers it: never with a
password."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transfers_app.cli_registers import RECENT, RecentRegisters
from transfers_app.domain.team_register import AddressError, TeamRegister, password_in
from transfers_app.paths import AppPaths, resolve_paths


@pytest.mark.parametrize(
    ("url", "parts", "label"),
    [
        (
            "postgresql://alice:s3cret@db.example.com:5433/treg?sslmode=require",
            TeamRegister("treg", "db.example.com", 5433, "alice", (("sslmode", "require"),)),
            "treg on db.example.com:5433 (as alice)",
        ),
        (
            "postgresql:///register?host=/var/run/postgresql&port=5432",
            TeamRegister("register", "/var/run/postgresql", 5432),
            "register on this computer",
        ),
        (
            "postgres://db/x?user=bob&password=s3cret",
            TeamRegister("x", "db", None, "bob"),
            "x on db (as bob)",
        ),
        ("postgresql://[::1]:6000/x", TeamRegister("x", "::1", 6000), "x on [::1]:6000"),
    ],
)
def test_an_address_is_read_shown_and_written_back_without_its_password(
    url: str, parts: TeamRegister, label: str
) -> None:
    address = TeamRegister.parse(url)
    assert address == parts
    assert address.label() == label
    assert "s3cret" not in address.url and "password" not in address.url
    assert TeamRegister.parse(address.url) == address
    assert address.label("carol").endswith("(as carol)")  # who the server says is connected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://db.example.com/treg", "is not a PostgreSQL URL"),
        ("postgresql://db.example.com/", "database: give the name"),
        ("postgresql://db.example.com:99999/treg", "99999"),
        ("postgresql://db/treg?port=five", "port: 'five' is not a port number"),
    ],
)
def test_a_bad_address_names_the_part_at_fault(url: str, message: str) -> None:
    with pytest.raises(AddressError, match=message):
        TeamRegister.parse(url)


def test_the_password_written_in_an_address_is_found_for_one_connection() -> None:
    assert password_in("postgresql://ann:p%40ss@db/treg") == "p@ss"
    assert password_in("postgresql://db/treg?password=x%26y") == "x&y"
    assert password_in("postgresql://ann@db/treg") is None
    assert password_in("postgresql://db:notaport/treg") is None


def test_the_remembered_registers_are_the_last_first_without_passwords(tmp_path: Path) -> None:
    path = tmp_path / "config" / "registers.json"
    recent = RecentRegisters.load(path)
    assert recent.last is None and recent.recent == []
    addresses = [TeamRegister.parse(f"postgresql://ann:pw@db{i}/treg") for i in range(7)]
    for address in addresses:
        recent.remember(address)
    recent.remember(addresses[3])  # again: moves to the front, once
    saved = json.loads(path.read_text("utf-8"))
    assert saved["last"] == "postgresql://ann@db3/treg"
    assert saved["recent"][:2] == ["postgresql://ann@db3/treg", "postgresql://ann@db6/treg"]
    assert len(saved["recent"]) == RECENT
    assert "pw" not in path.read_text("utf-8")
    recent.remember(None)  # back to the register file: the list stays for File > Connect
    again = RecentRegisters.load(path)
    assert again.last is None and again.recent[0] == addresses[3]


def test_an_unreadable_remembered_file_remembers_nothing(tmp_path: Path) -> None:
    path = tmp_path / "registers.json"
    for text in ("{not json", '["a list"]', '{"last": "https://x/y"}'):
        path.write_text(text, "utf-8")
        loaded = RecentRegisters.load(path)
        assert loaded.last is None and loaded.recent == []


def test_the_remembered_file_is_in_the_users_settings_or_the_given_data_folder(
    tmp_path: Path,
) -> None:
    assert AppPaths(tmp_path).registers == tmp_path / "registers.json"
    given = resolve_paths(str(tmp_path / "data"))
    assert given.registers == tmp_path / "data" / "registers.json"
    user = resolve_paths(env={})
    assert user.config is not None and user.registers.parent == user.config
    assert user.registers.parent != user.home


@pytest.mark.parametrize(
    "url", ["postgresql://ann:s3cret@db.example:99999/register", "mysql://ann:s3cret@db/register"]
)
def test_an_address_refused_is_named_without_its_password(url: str) -> None:
    with pytest.raises(AddressError, match="is not a PostgreSQL URL") as refused:
        TeamRegister.parse(url)
    assert "s3cret" not in str(refused.value) and "ann@" in str(refused.value)

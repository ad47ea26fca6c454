"""The reference data files shipped with the app (JSON), read with one clear message naming the
file and the field that is wrong: ``country_profiles.json: profiles[3].as_of must be text``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from enum import StrEnum
from importlib import resources
from typing import Any, TypeVar

from transfers_app.errors import ReferenceDataError

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


def shipped_json(file: str) -> Any:
    """The parsed content of ``file`` in ``transfers_app/reference/data``."""
    text = (
        resources.files("transfers_app.reference")
        .joinpath("data", file)
        .read_text(encoding="utf-8")
    )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(f"{file}: not valid JSON ({exc})") from None


class JsonReader:
    """One object of ``file`` found at ``where`` (``profiles[3].overview``)."""

    def __init__(self, file: str, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ReferenceDataError(f"{file}: {where} is not an object")
        self.file = file
        self.data: Mapping[str, Any] = data
        self.where = where

    @classmethod
    def of_format(cls, file: str, data: Any, where: str, supported: int) -> JsonReader:
        """The file's top object, refused unless its ``format`` is the ``supported`` one."""
        r = cls(file, data, where)
        if r.number("format") != supported:
            raise ReferenceDataError(
                f"{file}: format {r.data.get('format')} is not supported (expected {supported})"
            )
        return r

    def fail(self, key: str, what: str) -> ReferenceDataError:
        return ReferenceDataError(f"{self.file}: {self.where}.{key} must be {what}")

    def _typed(self, key: str, kind: type[T], what: str) -> T:
        value = self.data.get(key)
        if not isinstance(value, kind):
            raise self.fail(key, what)
        return value

    def text(self, key: str) -> str:
        return self._typed(key, str, "text")

    def opt_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of text")
        return tuple(value)

    def flag(self, key: str) -> bool:
        return self._typed(key, bool, "true or false")

    def opt_flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, "true, false or null")
        return value

    def number(self, key: str) -> int:
        value = self._typed(key, int, "a whole number")
        if isinstance(value, bool):
            raise self.fail(key, "a whole number")
        return value

    def day(self, key: str) -> date:
        return self._date(key, self.text(key))

    def opt_day(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, "a date YYYY-MM-DD or null")
        return self._date(key, value)

    def _date(self, key: str, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(key, f"a date YYYY-MM-DD, not {value!r}") from None

    def choice(self, key: str, enum: type[E], what: str = "") -> E:
        """The member of ``enum`` named at ``key``; a message names ``what`` is allowed (by
        default every value of ``enum``)."""
        value = self.text(key)
        try:
            return enum(value)
        except ValueError:
            if what:
                raise self.fail(key, f"{what}, not {value!r}") from None
            allowed = ", ".join(e.value for e in enum)
            raise self.fail(key, f"one of: {allowed} (not {value!r})") from None

    def child(self, key: str) -> JsonReader:
        return JsonReader(self.file, self.data.get(key), f"{self.where}.{key}")

    def rows(self, key: str) -> Iterator[JsonReader]:
        """The objects of the list at ``key``, each read as it is reached."""
        values = self.data.get(key)
        if not isinstance(values, list):
            raise self.fail(key, "a list")
        for n, value in enumerate(values):
            yield JsonReader(self.file, value, f"{self.where}.{key}[{n}]")

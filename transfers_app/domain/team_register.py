"""Where a team register is: a PostgreSQL server, a database on it, and the user to connect as.

``TeamRegister.parse(url)`` reads a ``postgresql://`` URL (libpq's form: ``user@host:port/db``,
or the parts as query parameters, ``?host=/var/run/postgresql``); ``url`` writes one back
without a password, ever: what the app remembers and shows. Pure Python: the parts a dialog
shows and edits, and the words every window uses to say where the register is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432


class AddressError(ValueError):
    """A URL or a part that does not name a team register; the message names the part."""


@dataclass(frozen=True, slots=True)
class TeamRegister:
    """A team register's address. ``host``: a name, an IP address or a socket folder (``""``:
    libpq's default, this computer's socket); ``user`` ``""``: the login name. ``options``:
    the URL's other parameters (``sslmode``...), kept as given."""

    dbname: str
    host: str = ""
    port: int | None = None
    user: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.dbname.strip():
            raise AddressError("database: give the name of the register's database")
        if self.port is not None and not 0 < self.port < 65536:
            raise AddressError(f"port: {self.port} is not a port number (1 to 65535)")

    @classmethod
    def parse(cls, url: str) -> TeamRegister:
        """The address in ``url``; a password in it is dropped (it is never kept)."""
        text = url.strip()
        try:
            parts = urlsplit(text)
            netloc_port = parts.port
        except ValueError as exc:
            raise AddressError(
                f"{without_password(text)!r} is not a PostgreSQL URL ({exc})"
            ) from None
        if parts.scheme not in SCHEMES:
            raise AddressError(
                f"{without_password(text)!r} is not a PostgreSQL URL: write postgresql://host/dbname"
            )
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query.pop("password", None)
        host = query.pop("host", None) or unquote(parts.hostname or "")
        port_text = query.pop("port", None)
        user = query.pop("user", None) or unquote(parts.username or "")
        dbname = query.pop("dbname", None) or unquote(parts.path.lstrip("/"))
        try:
            port = int(port_text) if port_text else netloc_port
        except ValueError:
            raise AddressError(f"port: {port_text!r} is not a port number") from None
        return cls(dbname, host, port, user, tuple(sorted(query.items())))

    @property
    def url(self) -> str:
        """The address as a ``postgresql://`` URL, without a password."""
        query: dict[str, str] = {}
        netloc = ""
        if self.user:
            netloc = quote(self.user, safe="") + "@"
        if self.host.startswith("/"):  # a socket folder cannot sit in the URL's host part
            query["host"] = self.host
        else:
            netloc += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            if "host" in query or not self.host:
                query["port"] = str(self.port)
            else:
                netloc += f":{self.port}"
        query.update(self.options)
        tail = f"?{urlencode(query, safe='/')}" if query else ""
        return f"postgresql://{netloc}/{quote(self.dbname, safe='')}{tail}"

    @property
    def server(self) -> str:
        """The server as a person names it: ``host`` (``:port`` when not the usual one)."""
        other_port = self.port is not None and self.port != DEFAULT_PORT
        if not self.host or self.host.startswith("/"):
            return f"this computer, port {self.port}" if other_port else "this computer"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if other_port else host

    def label(self, user: str = "") -> str:
        """``dbname on host (as USER)``: the register as the title bar names it; ``user`` is
        the one the server authenticated (the address's own, if not given)."""
        who = user or self.user
        return f"{self.dbname} on {self.server}" + (f" (as {who})" if who else "")


def without_password(url: str) -> str:
    """``url`` (or a libpq key=value string) as a message may show it: as given, without its
    password."""
    url = re.sub(r"^(\w+://[^:/@?]*):[^@/?]*@", r"\1@", url)
    url = re.sub(r"(^|[?&\s])password=[^&\s]*[&\s]?", r"\1", url)
    return url.rstrip("?& ")


def password_in(url: str) -> str | None:
    """The password written in ``url`` (``user:password@``, ``?password=``), if any: for the
    one connection it is typed for, never to keep."""
    try:
        parts = urlsplit(url.strip())
        written = parts.password
    except ValueError:
        return None
    if written:
        return unquote(written)
    return dict(parse_qsl(parts.query)).get("password") or None

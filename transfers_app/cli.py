"""``transfers-app``: the composition root (paths -> database -> services -> command or GUI).

Exit codes: 0 success; 1 ``status`` found gaps, ``import`` left rows or places to a human, or
``audit verify`` found a broken link; 2 bad usage or bad input (one-line message).

Over 800 lines because it is the one place that knows every command: its arguments, how its
services are opened, and how its result is printed; each command is a short function (the
organisation's profile in ``cli_org``).
"""

from __future__ import annotations

import argparse
import gc
import getpass
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from transfers_app import __version__, cli_db, cli_org
from transfers_app.domain.countries import country_name, normalise_code
from transfers_app.domain.enums import Finding, Regime, Role
from transfers_app.domain.team_register import without_password
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.paths import AppPaths, resolve_paths
from transfers_app.ports.storage import JournalMode
from transfers_app.services.reporting import check_to_json, status_to_json

if TYPE_CHECKING:
    from transfers_app.cli_registers import AppRegisters
    from transfers_app.ports.files import FileAdapters
    from transfers_app.ports.storage import Store
    from transfers_app.services.app import AppServices
    from transfers_app.services.reference import ReferenceSource
    from transfers_app.services.register import CheckReport
    from transfers_app.services.tia import TiaFormat
    from ui.context import UiContext

PROG = "transfers-app"
# The team register on PostgreSQL, when --database does not name it.
ENV_DATABASE = "TRANSFERS_APP_DATABASE"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class UsageError(TransfersError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, naming what was wrong, exit 2 (argparse's usage block goes to --help).
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a valid date: use YYYY-MM-DD, e.g. 2026-03-31"
        ) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Transfer Register: the register of international "
        "transfers of personal data. With no command, starts the desktop app.",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder holding the register (default: $TRANSFERS_APP_HOME or the user data folder)",
    )
    p.add_argument(
        "--database",
        metavar="URL",
        help="a team register on PostgreSQL, postgresql://host/dbname (default: "
        f"${ENV_DATABASE}; without either, the register file in the data folder)",
    )
    p.add_argument(
        "--journal",
        choices=["rollback", "wal"],
        help="keep the register in this journal mode from now on (remembered in it): rollback "
        "for a register on a shared network drive, where WAL is unsafe; wal on a local disk",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help="load the demo register (or generate a synthetic one)")
    demo.add_argument(
        "--entities",
        type=_positive,
        metavar="N",
        help="generate a synthetic register of N entities instead",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="random seed of the synthetic register (default 1)",
    )

    check = sub.add_parser("check", help="procurement check of a (new) supplier")
    check.add_argument("--name", required=True, help="supplier name")
    check.add_argument(
        "--country",
        action="append",
        required=True,
        metavar="CC",
        help="country where it processes the data (repeatable)",
    )
    check.add_argument(
        "--role", required=True, choices=[r.value for r in Role], help="the importer's role"
    )
    check.add_argument("--exporter-role", default="controller", choices=["controller", "processor"])
    check.add_argument(
        "--exporter-regime",
        action="append",
        choices=[r.value for r in Regime],
        metavar="UK|EU|CH",
        help="regime(s) to assess (default: those of our own "
        "entities on the register; UK and EU on an empty register)",
    )
    check.add_argument(
        "--dpf",
        action="store_true",
        help="importer is certified under the EU-US Data Privacy Framework",
    )
    check.add_argument(
        "--dpf-uk-extension",
        action="store_true",
        help="importer participates in the UK Extension to the DPF",
    )
    check.add_argument(
        "--dpf-swiss", action="store_true", help="importer is certified under the Swiss-US DPF"
    )
    check.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD")
    check.add_argument("--json", action="store_true")

    status = sub.add_parser("status", help="every gap on the register, worst first")
    status.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD")
    status.add_argument("--json", action="store_true")

    rem = sub.add_parser("reminders", help="documents, reviews and TIAs due or overdue")
    rem.add_argument(
        "--within",
        type=_positive,
        default=90,
        metavar="DAYS",
        help="look ahead this many days (default 90)",
    )
    rem.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD")
    rem.add_argument("--json", action="store_true")

    imp = sub.add_parser("import", help="import a vendor or subprocessor list (CSV or XLSX)")
    imp.add_argument("file", type=Path, help="the list: CSV (any encoding or delimiter) or XLSX")
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help="column mapping (JSON) to use instead of the remembered or guessed one",
    )
    imp.add_argument(
        "--sheet", metavar="NAME", help="XLSX: the sheet to read (default: the first with a table)"
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    imp.add_argument(
        "--json", action="store_true", help="the preview as JSON (its mapping works with --mapping)"
    )

    exp = sub.add_parser("export", help="write the register (or a report) to a file")
    exp_sub = exp.add_subparsers(
        dest="export_command", metavar="WHAT", parser_class=_Parser, required=True
    )
    exp_reg = exp_sub.add_parser(
        "register", help="the register as PDF, CSV, XLSX or JSON (JSON: all of it, lossless)"
    )
    exp_reg.add_argument(
        "--format",
        choices=["pdf", "csv", "xlsx", "json"],
        help="file format (default: from the output file's extension)",
    )
    exp_reg.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    exp_reg.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD")
    exp_reg.add_argument(
        "--prepared-by",
        metavar="NAME",
        default="",
        help="who the PDF names as its author (default: the profile's first signer)",
    )
    exp_tia = exp_sub.add_parser(
        "tia", help="a transfer impact assessment as PDF, or as Word (DOCX) to edit before signing"
    )
    exp_tia.add_argument("tia_id", metavar="ID", help="the assessment: 7 or TIA-0007-v2")
    exp_tia.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.docx")
    exp_tia.add_argument(
        "--format",
        choices=["pdf", "docx"],
        help="file format (default: from the output file's extension)",
    )
    exp_pack = exp_sub.add_parser(
        "pack", help="the regulator's evidence pack: one ZIP with a manifest of SHA-256 hashes"
    )
    exp_pack.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.zip")
    exp_pack.add_argument("--from", dest="date_from", type=_date_arg, metavar="YYYY-MM-DD")
    exp_pack.add_argument("--to", dest="date_to", type=_date_arg, metavar="YYYY-MM-DD")
    exp_pack.add_argument(
        "--entity",
        action="append",
        default=[],
        metavar="NAME",
        help="only transfers to or from this entity (repeatable)",
    )
    exp_pack.add_argument(
        "--yes",
        action="store_true",
        help="export even though the readiness check found open items (they are recorded)",
    )
    exp_pack.add_argument(
        "--prepared-by",
        metavar="NAME",
        default="",
        help="who prepares the pack and writes the letter (default: the organisation "
        "profile's first signer)",
    )
    exp_pack.add_argument(
        "--reference",
        metavar="TEXT",
        default="",
        help="the case reference the cover letter quotes (e.g. the regulator's)",
    )
    exp_pub = exp_sub.add_parser(
        "public-list",
        help="the public sub-processor list and its change log, as HTML or Markdown",
    )
    exp_pub.add_argument(
        "--format",
        choices=["html", "md"],
        help="file format (default: from the output file's extension)",
    )
    exp_pub.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    exp_pub.add_argument(
        "--publish",
        action="store_true",
        help="record this version as published: the next change log is measured from it",
    )
    exp_pub.add_argument(
        "--force",
        action="store_true",
        help="publish even though an entry has no valid safeguard (named without it)",
    )
    exp_pub.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD")
    exp_pub.add_argument(
        "--prepared-by",
        metavar="NAME",
        default="",
        help="who publishes it, as the version records (default: the organisation profile's "
        "first signer)",
    )

    imp_json = sub.add_parser(
        "import-json",
        help="load a register file (export register --format json) into an empty register",
    )
    imp_json.add_argument("file", type=Path)

    audit = sub.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(
        dest="audit_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    audit_sub.add_parser(
        "verify",
        help="check every link of the tamper-evident audit chain (exit 1 at a broken link)",
    )

    ref = sub.add_parser("reference", help="the legal reference data in use")
    ref_sub = ref.add_subparsers(dest="ref_command", metavar="ACTION", parser_class=_Parser)
    ref_sub.add_parser("show", help="version, age and contents of the reference data")
    load = ref_sub.add_parser("load", help="load a newer reference bundle (JSON)")
    load.add_argument("file", type=Path)
    export = ref_sub.add_parser("export", help="write the reference data in use as a bundle")
    export.add_argument("-o", "--output", type=Path, required=True)

    db = sub.add_parser("db", help="the team register on PostgreSQL")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    init = db_sub.add_parser(
        "init", help="create (or upgrade) the register's schema in a PostgreSQL database"
    )
    init.add_argument("url", metavar="URL", help="postgresql://host/dbname")
    copy = db_sub.add_parser(
        "copy", help="copy the register (every record, the signed files) into an empty one"
    )
    copy.add_argument(
        "--to", required=True, metavar="URL|FILE.db", help="postgresql://host/dbname or FILE.db"
    )
    cli_db.add_parsers(db_sub)
    cli_org.add_parser(sub)
    return p


def _postgres_url(url: str) -> str:
    if not url.startswith(POSTGRES_SCHEMES):
        raise UsageError(
            f"{without_password(url)!r} is not a PostgreSQL URL: write postgresql://host/dbname "
            "(the register file on this computer is chosen with --data-dir)"
        )
    return url


def open_services(
    paths: AppPaths,
    reference: ReferenceSource,
    files: FileAdapters,
    today: date,
    database: str | None = None,
    *,
    verify: bool = True,
    journal: JournalMode | None = None,
    password: str | None = None,
) -> AppServices:
    """Every service on a new connection to the register in ``paths``, or in the PostgreSQL
    ``database`` (a connection belongs to the thread that opened it: one bundle per thread
    that needs one), sharing the reference data in use and the file adapters.

    ``verify``: check the file's integrity first (the first connection of a run does; the
    ones opened for background work after it need not). ``journal``: the user's choice of
    journal mode, applied (and remembered) before anything else. ``password``: the one the
    user gave for the team register's server (held for its connections, stored nowhere)."""
    from transfers_app.services.app import AppServices

    store = open_store(paths, database, verify=verify, journal=journal, password=password)
    services = AppServices.build(store, reference, files, today, paths.import_mappings)
    if journal is not None:
        try:
            services.settings.set_journal_mode(journal)
        except BaseException:
            services.close()
            raise
    return services


def open_store(
    paths: AppPaths,
    database: str | None = None,
    *,
    migrate: bool = False,
    verify: bool = True,
    journal: JournalMode | None = None,
    password: str | None = None,
) -> Store:
    """The register in ``paths`` (the file, created if need be; ``verify`` and ``journal`` as
    ``db.open_db`` takes them), its signed files in ``paths``; or in the PostgreSQL
    ``database`` (its schema created or upgraded only if ``migrate``), its signed files in
    the database, copied out to read into the user's cache folder."""
    from db import FileStore

    paths.ensure()
    if database:
        from db.postgres import PgStore, open_postgres

        # The audit names the database user the server authenticated.
        conn = open_postgres(_postgres_url(database), migrate=migrate, password=password)
        return PgStore(conn, cache=paths.file_cache)
    from db import SqliteStore, open_db

    database_file = open_db(paths.database, verify=verify, journal=journal)
    return SqliteStore(database_file, actor=current_user(), files=FileStore(paths.files))


@dataclass
class Context:
    paths: AppPaths
    today: date
    database: str | None = None  # a PostgreSQL URL: the team register
    journal: JournalMode | None = None  # the user's choice (--journal), applied on first open
    _close: list[Callable[[], None]] = field(default_factory=list)
    _reference: ReferenceSource | None = None
    _files: FileAdapters | None = None
    _services: AppServices | None = None

    @property
    def register(self) -> str:
        """Where the register is, as a message names it (never a password)."""
        if self.database:
            return without_password(self.database)
        return str(self.paths.database)

    def close(self) -> None:
        """Close the database so its write-ahead log is merged before the process ends."""
        while self._close:
            self._close.pop()()

    def reference(self) -> ReferenceSource:
        """The reference data in use, read once per run (every service shares it)."""
        from transfers_app.services.reference import ReferenceSource

        if self._reference is None:
            self._reference = ReferenceSource.newest(self.paths.reference)
        return self._reference

    def files(self) -> FileAdapters:
        """The file writers and readers every service is handed."""
        from exports import file_adapters

        if self._files is None:
            self._files = file_adapters()
        return self._files

    def open_services(self) -> AppServices:
        """A new bundle of services on its own connection (closed with the context)."""
        services = open_services(
            self.paths,
            self.reference(),
            self.files(),
            self.today,
            self.database,
            journal=self.journal,
        )
        self._close.append(services.close)
        return services

    def services(self) -> AppServices:
        """The command's services (opened on first use); what the user should know about the
        register's storage (a risky journal mode) is said once, on stderr."""
        if self._services is None:
            self._services = self.open_services()
            for warning in self._services.settings.storage().warnings:
                print(f"{PROG}: warning: {warning}", file=sys.stderr)
        return self._services

    def ui_context(self, services: AppServices | None = None) -> UiContext:
        """A window's context on this register, built as ``transfers-app gui`` builds it (a
        pool of connections for the jobs on a team register): for the scripts and benchmarks
        that open a window."""
        return self.registers().context(services or self.services(), self.database)

    def registers(self) -> AppRegisters:
        """The registers the desktop app can be on, from this command's folders and options."""
        from transfers_app.cli_registers import AppRegisters

        return AppRegisters(self.paths, self.reference(), self.files(), self.today, self.journal)

    def writable_services(self, what: str) -> AppServices:
        """The services of a command that changes the register: refused at once, with the
        reason, when the register is open read-only."""
        services = self.services()
        reason = services.read_only
        if reason is not None:
            remedy = (
                "Ask the legal team for another role."
                if self.database
                else "Ask for write access, or copy the data folder somewhere you can write to."
            )
            raise UsageError(
                f"cannot {what}: {self.register} is open read-only ({reason}); nothing "
                f"was changed. {remedy}"
            )
        return services


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


# -- check ------------------------------------------------------------------------------------


FINDING_TEXT = {
    Finding.NOT_RESTRICTED: "not a restricted transfer",
    Finding.ADEQUATE: "ADEQUATE",
    Finding.ADEQUATE_IF: "ADEQUATE ONLY IF the scope conditions are met",
    Finding.NOT_ADEQUATE: "NOT ADEQUATE - safeguard needed",
    Finding.UNKNOWN: "NOT ASSESSED - outside the reference data",
}


def print_check(report: CheckReport) -> None:
    print(f"Supplier check: {report.name} (as of {report.on.isoformat()})")
    for a in report.assessments:
        print()
        print(
            f"== {a.regime.value} exporter -> {country_name(a.destination)} ({a.destination}):"
            f" {FINDING_TEXT[a.finding]}"
        )
        print(f"   {a.reason}")
        if a.decision is not None:
            print(
                f"   Legal reference: {a.decision.reference}"
                f"{'' if a.decision.verified else ' [UNVERIFIED]'}"
            )
            # The first citation is the one to cite (official first); T1/T2 only.
            for cited in a.decision.citations[:1]:
                print(f"   Source: {cited.text()}" + (f" <{cited.url}>" if cited.url else ""))
        if a.safeguards:
            title = (
                "Fallback safeguards" if a.finding is Finding.ADEQUATE_IF else "Safeguards that fit"
            )
            print(f"   {title}:")
            for s in a.safeguards:
                extra = f" - {s.note}" if s.note else ""
                print(f"     - {s.label} [{s.reference}]{extra}")
        if a.restricted and a.finding is not Finding.UNKNOWN:
            tia = f"yes ({a.assessment_name})" if a.tia_required else "no (while adequacy applies)"
            print(f"   Transfer assessment required: {tia}")
        for c in a.conditions:
            print(f"   Verify: {c}")
        for adv in a.advisories:
            print(f"   Note: {adv}")
        for u in a.unverified:
            print(f"   UNVERIFIED fact relied on: {u}")
    print()
    if report.similar:
        print("Already on the register (similar names):")
        for hit in report.similar:
            print(f"  - {hit.name} (entity {hit.entity_id}, match {hit.score:.0f}%: {hit.why})")
    else:
        print("No similar name on the register.")


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    from transfers_app.rules.destination import Certifications

    if args.dpf_uk_extension and not args.dpf:
        raise ValidationError(
            "--dpf-uk-extension",
            "the UK Extension is part of the EU-US Data Privacy Framework: an importer in it "
            "is certified under the DPF too, so give --dpf as well",
        )
    countries = [normalise_code(c, "--country") for c in args.country]
    if not args.name.strip():
        raise ValidationError("--name", "is empty")
    report = ctx.services().register.check(
        args.name,
        countries,
        Role(args.role),
        args.as_of or ctx.today,
        exporter_role=Role(args.exporter_role),
        regimes=[Regime(r) for r in args.exporter_regime or []],
        certs=Certifications(args.dpf, args.dpf_uk_extension, args.dpf_swiss),
    )
    if args.json:
        _print_json(check_to_json(report))
    else:
        print_check(report)
    return 0


# -- status & reminders ---------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.services().register.status(args.as_of or ctx.today)
    if args.json:
        _print_json(status_to_json(report))
    else:
        print(
            f"Register status as of {report.on.isoformat()}: {report.transfers_assessed} "
            f"transfers assessed, {report.compliant_transfers} without gaps, "
            f"{len(report.gaps)} gaps"
        )
        for g in report.gaps:
            who = report.entity_names.get(g.entity_id or -1, "")
            regime = f"[{g.regime.value}] " if g.regime else ""
            ref = f" (transfer {g.transfer_id})" if g.transfer_id else ""
            print(f"  {g.severity.value.upper():8} {regime}{who}{ref}: {g.message}")
    return 1 if report.gaps else 0


def cmd_reminders(args: argparse.Namespace, ctx: Context) -> int:
    on = args.as_of or ctx.today
    services = ctx.services()
    # With the last days to object to sub-processor notices not decided yet (Art 28(2)).
    items = services.register.reminders(on, args.within) + services.notices.reminders(
        on, args.within
    )
    items.sort(key=lambda r: (r.due_on, r.subject))
    if args.json:
        _print_json(
            {
                "as_of": on.isoformat(),
                "within_days": args.within,
                "reminders": [
                    {
                        "due_on": r.due_on.isoformat(),
                        "days_left": r.days_left,
                        "overdue": r.overdue,
                        "what": r.what,
                        "subject": r.subject,
                        "parties": r.parties,
                        "record": r.record,
                    }
                    for r in items
                ],
            }
        )
    else:
        print(f"Due within {args.within} days of {on.isoformat()}: {len(items)}")
        for r in items:
            when = f"OVERDUE {-r.days_left}d" if r.overdue else f"in {r.days_left}d"
            print(f"  {r.due_on.isoformat()} ({when:>13})  {r.subject} - {r.parties}")
    return 0


# -- demo & reference -----------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    setup = ctx.writable_services("load the demo register").setup
    if args.entities is not None:
        reg = setup.generate(args.entities, args.seed, ctx.today)
        print(
            f"Generated a synthetic register of {len(reg.entities)} entities "
            f"(seed {args.seed}) in {ctx.register}"
        )
        return 0
    count = setup.load_demo(ctx.today)
    print(f"Loaded the demo register ({count} entities) into {ctx.register}")
    on = f" --database {ctx.register}" if ctx.database else ""
    print(f"Try: {PROG}{on} status   or   {PROG}{on}   (desktop app)")
    return 0


def _write_text(path: Path, text: str) -> None:
    """Write a file whole (temporary file, then rename) or say in one line why not."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def cmd_reference(args: argparse.Namespace, ctx: Context) -> int:
    from transfers_app.reference.loader import read_bundle_file

    ref = ctx.reference().current
    action = args.ref_command or "show"
    if action == "show":
        print(ref.age_text(ctx.today, date.isoformat))
        print(f"Source: {ref.origin} - {ref.source}")
        print(
            f"{len(ref.decisions)} adequacy decisions / data bridges, "
            f"{len(ref.instruments)} transfer instruments"
        )
        for regime in Regime:
            info = ref.regimes[regime]
            rows = [d for d in ref.decisions if d.regime is regime]
            unverified = sum(1 for d in rows if not d.verified)
            print(
                f"  {regime.value}: {info.name}: {len(rows)} rows ({unverified} unverified), "
                f"covers dates from {info.coverage_from.isoformat()}"
            )
        return 0
    if action == "load":
        new = read_bundle_file(args.file)
        # The load is recorded in the register's audit trail: a register that cannot record
        # it is refused before the file is written.
        services = ctx.writable_services("load reference data")
        if new.freshness < ref.freshness:
            raise UsageError(
                f"{args.file.name} (version {new.version}, as of {new.as_of.isoformat()}) is "
                f"older than the data in use (version {ref.version}, as of "
                f"{ref.as_of.isoformat()}); not loaded"
            )
        ctx.paths.ensure()
        target = ctx.paths.reference / f"reference-{new.as_of.isoformat()}-{new.version}.json"
        _write_text(target, json.dumps(dict(new.raw), ensure_ascii=False, indent=2))
        services.audit.reference_loaded(new, args.file.name)
        print(f"Loaded reference data {new.version} (as of {new.as_of.isoformat()}) into {target}")
        return 0
    _write_text(args.output, json.dumps(dict(ref.raw), ensure_ascii=False, indent=2))
    print(f"Wrote reference data {ref.version} to {args.output}")
    return 0


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    """Exit 0: imported (or would import) cleanly; 1: rows not imported or locations to review."""
    from transfers_app.services import importing as imp

    table = ctx.files().lists.read(args.file, args.sheet)  # a bad file: exit 2, nothing opened
    mapping, source = None, "file"
    if args.mapping is not None:
        try:
            text = args.mapping.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the mapping {args.mapping}: {exc}") from None
        mapping = imp.Mapping.from_json(text, args.mapping.name)
    importer = (
        ctx.services() if args.dry_run else ctx.writable_services("import the list")
    ).imports
    if mapping is None:
        mapping, source = importer.mapping_for(table)
    preview = importer.preview(table, mapping, source)
    result = None
    if not args.dry_run and preview.importable:
        result = importer.apply(preview)
        importer.remember(table, mapping)
    if args.json:
        _print_json(imp.preview_to_json(preview, result))
    else:
        print("\n".join(imp.preview_lines(preview, result, args.dry_run)))
    return 1 if preview.count(imp.Outcome.SKIPPED) or preview.review_count else 0


# The formats the file names of the exports say (a name ending in another of them, or asking
# for one format while --format asks for another, is refused: "-o x.pdf --format csv").
_NAMED_FORMATS = {
    ".pdf": "pdf",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".zip": "zip",
}


def _file_format(output: Path, asked: str | None, formats: Sequence[str], what: str) -> str:
    """The format ``--format`` asks for or the file name says; refused (exit 2) when the name
    says a format ``what`` is not written in, or another one than --format."""
    named = _NAMED_FORMATS.get(output.suffix.lower())
    choices = ", ".join(formats[:-1]) + f" or {formats[-1]}"
    if named is not None and named not in formats:
        raise UsageError(
            f"output: {output.name!r} is a .{named} file name; {what} is written as {choices}"
        )
    if named is not None and asked is not None and named != asked:
        raise UsageError(
            f"output: {output.name!r} is a .{named} file name but --format is {asked}; "
            "make them agree"
        )
    fmt = asked or named
    if fmt is None:
        raise UsageError(
            f"cannot tell the format from {output.name!r}: give --format {choices} (or an "
            "output file ending in one of them)"
        )
    return fmt


def cmd_export_register(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import UTC, datetime

    from transfers_app.services.register_export import ExportFormat

    fmt = ExportFormat(
        _file_format(args.output, args.format, [f.value for f in ExportFormat], "the register")
    )
    services = ctx.services()
    # The author a PDF names is a person from the profile (or --prepared-by), never a login.
    author = services.exports.default_author(args.prepared_by)
    result = services.exports.register(
        fmt,
        args.output,
        args.as_of or ctx.today,
        exported_at=datetime.now(UTC).replace(microsecond=0),
        author=author,
    )
    what = "records" if fmt is ExportFormat.JSON else "lines"
    print(
        f"Wrote the register as {fmt.value.upper()} ({result.entities:,} entities, "
        f"{result.lines:,} {what}) to {result.path}"
    )
    return 0


def cmd_export_public_list(args: argparse.Namespace, ctx: Context) -> int:
    """The public sub-processor list; with --publish the file is written and the version
    recorded together (a file that cannot be written publishes nothing)."""
    fmt = _file_format(args.output, args.format, ("html", "md"), "the public list")
    from transfers_app.services.public_list import PublishNeedsConfirmation

    on = args.as_of or ctx.today
    services = ctx.writable_services("publish the list") if args.publish else ctx.services()
    try:
        report = services.exports.public_list(
            fmt, args.output, on, args.publish, args.force, args.prepared_by
        )
    except PublishNeedsConfirmation as exc:
        raise UsageError(f"{exc}; publish anyway with --force") from None
    entries = f"{len(report.public_list.entries)} entries"
    if not args.publish and report.published:
        print(
            f"Wrote the public sub-processor list ({entries}) to {args.output}: unchanged "
            f"since the version published on {report.last_updated.isoformat()}"
        )
        return 0
    since = (
        f"since the version of {report.previous_on.isoformat()}"
        if report.previous_on
        else "(first version)"
    )
    print(
        f"Wrote the public sub-processor list ({entries}, {len(report.changes)} changes "
        f"{since}) to {args.output}"
    )
    for change in report.changes:
        print(f"  {change.text}")
    if args.publish:
        print(f"Published as of {on.isoformat()}: tell customers of the changes above.")
    else:
        print("Not recorded as published: run again with --publish when it goes to customers.")
    return 0


def _tia_id(text: str, ctx: Context) -> int:
    """7, TIA-0007 or TIA-0007-v2 (the newest revision of series 7 unless -vN is given)."""
    m = re.fullmatch(r"(?:TIA-)?0*(\d+)(?:-v(\d+))?", text.strip(), re.IGNORECASE)
    if m is None:
        raise UsageError(f"assessment: {text!r} is not an assessment id (e.g. 7 or TIA-0007-v2)")
    number, revision = int(m.group(1)), m.group(2)
    tias = ctx.services().tias
    if revision is None and not text.upper().startswith("TIA-"):
        return number
    history = tias.series(number)
    if not history:
        raise UsageError(f"assessment: no assessment {text}")
    if revision is None:
        return history[-1].id or 0
    for h in history:
        if h.revision == int(revision):
            return h.id or 0
    raise UsageError(f"assessment: {text} has no revision {revision}")


def _tia_format(output: Path, asked: str | None) -> TiaFormat:
    """The format from the extension, or --format for a name without one; a name whose
    extension says another format, or none of ours, is refused."""
    from transfers_app.services.tia import TiaFormat

    named = TiaFormat.for_path(output)
    if output.suffix and named is None:
        raise UsageError(
            f"output: {output.name!r} ends in {output.suffix!r}; an assessment is written as "
            ".pdf or .docx"
        )
    if named is not None and asked is not None and named.value != asked:
        raise UsageError(
            f"output: {output.name!r} is a .{named.value} file name but --format is {asked}; "
            "make them agree"
        )
    if named is not None:
        return named
    if asked is None:
        raise UsageError(f"output: {output.name!r} has no extension: end it in .pdf or .docx")
    return TiaFormat(asked)


def cmd_export_tia(args: argparse.Namespace, ctx: Context) -> int:
    fmt = _tia_format(args.output, args.format)  # a bad name: exit 2 before anything opens
    services = ctx.services()
    tia_id = _tia_id(args.tia_id, ctx)
    tia = services.tias.get(tia_id)
    services.exports.tia(tia_id, ctx.today, args.output, fmt)
    if tia.approved_document is not None:
        kept = f" as approved on {tia.approved_on.isoformat() if tia.approved_on else '?'}"
    elif tia.status.value == "approved":
        kept = " (approved before documents were kept: rebuilt from today's register)"
    else:
        kept = f" (marked DRAFT: it is {tia.status.value})"
    print(f"Wrote {tia.reference} to {args.output}{kept}")
    # What changed since approval is said beside the document as approved, never inside it:
    # on the command line and in a dated status sheet written next to it.
    for note in services.tias.status_notes(tia, ctx.today):
        print(f"  {note}")
    sheet = services.tias.export_status(tia_id, ctx.today, args.output, fmt)
    if sheet is not None:
        print(f"Wrote the status as at {ctx.today.isoformat()} to {sheet}")
    return 0


def cmd_export_pack(args: argparse.Namespace, ctx: Context) -> int:
    from transfers_app.services.evidence import PackScope, pack_readiness

    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(
            f"--from {args.date_from.isoformat()} is after --to {args.date_to.isoformat()}: "
            "the date range must start before it ends"
        )
    services = ctx.services()
    ids = set()
    if args.entity:
        by_name = {name.casefold(): i for i, name in services.entities.names().items()}
        for name in args.entity:
            if name.casefold() not in by_name:
                raise UsageError(f"--entity: no entity called {name!r} on the register")
            ids.add(by_name[name.casefold()])
    scope = PackScope(args.date_from, args.date_to, frozenset(ids))
    services.organisation.complete()  # no letter without the organisation's profile: exit 2
    status = services.register.status(ctx.today)
    transfers, ready = pack_readiness(scope, status, services.open_items.facts())
    empty = scope.empty_text(len(transfers))
    if empty:
        print(empty)
    print("Readiness check: what an inquiry would find open")
    for _, title, n in ready.headline:
        print(f"  {n:5d}  {title}")
    if not ready.ready and not args.yes:
        print(
            "Open items above: re-run with --yes to export anyway (the pack records them).",
            file=sys.stderr,
        )
        return 1

    def progress(done: int, total: int, what: str) -> bool:
        print(f"  [{done + 1 if done < total else total}/{total}] {what}", file=sys.stderr)
        return True

    manifest, _ = services.exports.evidence_pack(
        args.output,
        ctx.today,
        scope=scope,
        prepared_by=args.prepared_by,
        reference=args.reference,
        progress=progress,
        status=status,
    )
    print(f"Wrote the evidence pack ({len(manifest['files']) + 1} files) to {args.output}")
    return 0


def cmd_org(args: argparse.Namespace, ctx: Context) -> int:
    return cli_org.run(args, ctx.services().organisation)


# ``export WHAT``: one handler per kind of export.
EXPORTS: dict[str, Callable[[argparse.Namespace, Context], int]] = {
    "register": cmd_export_register,
    "public-list": cmd_export_public_list,
    "tia": cmd_export_tia,
    "pack": cmd_export_pack,
}


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    return EXPORTS[args.export_command](args, ctx)


def cmd_import_json(args: argparse.Namespace, ctx: Context) -> int:
    from transfers_app.services.audit import verification_lines

    services = ctx.writable_services(f"load {args.file.name}")
    result = services.exports.import_json(args.file)
    names = {"audit": "audit entries"}
    counts = ", ".join(
        f"{n:,} {names.get(k, k.replace('_', ' '))}" for k, n in result.counts.items() if n
    )
    print(f"Loaded {args.file.name} into {ctx.register}: {counts or 'no records'}")
    if result.counts.get("audit"):
        # The history came along: say whether it still verifies, as ``audit verify`` would.
        for line in verification_lines(services.audit.verify()):
            print(f"  {line}")
    if result.missing_files and ctx.database:
        # A JSON export carries no file content; a team register keeps it in its database.
        print(
            f"{len(result.missing_files)} signed document file(s) are not in {ctx.register}: "
            f"attach them again, or copy the register they were exported from with its files "
            f"({PROG} db copy --to URL)"
        )
    elif result.missing_files:
        print(
            f"{len(result.missing_files)} signed document file(s) are not in this register's "
            f"file store ({ctx.paths.files}): copy the files folder of the register they were "
            "exported from into it"
        )
    return 0


def cmd_db(args: argparse.Namespace, ctx: Context) -> int:
    if args.db_command == "copy":
        return _db_copy(args.to, ctx)
    if args.db_command in ("grant", "revoke"):
        if not ctx.database:
            raise UsageError(
                f"say which register: {PROG} --database postgresql://host/dbname db "
                f"{args.db_command} USER ROLE (or set {ENV_DATABASE})"
            )
        return cli_db.run(args, _postgres_url(ctx.database))
    if args.db_command != "init":
        raise UsageError(
            "say what to do: db init URL, db grant USER ROLE, db revoke USER ROLE, or db copy "
            "--to URL|FILE.db"
        )
    from db.postgres.connection import init_postgres

    applied = init_postgres(_postgres_url(args.url))
    where = without_password(args.url)
    if applied:
        print(f"The register in {where} is at the current schema (applied: {', '.join(applied)})")
    else:
        print(
            f"The register in {where} was already at the current schema; no record was changed "
            "(its roles' privileges were applied again)"
        )
    print(cli_db.roles_text(args.url))
    print(f"Use it with: {PROG} --database {where} (or set {ENV_DATABASE})")
    return 0


def _db_copy(to: str, ctx: Context) -> int:
    """Copies the register in use, with its signed files, into the empty one ``to``: a
    PostgreSQL URL (its schema created if need be; the files into the database), or a
    register file (the files into a files folder beside it)."""
    from db import FileStore, SqliteStore, open_db
    from transfers_app.services.copying import copy_register

    target: Store
    if to.startswith(POSTGRES_SCHEMES):
        if to == ctx.database:
            raise UsageError(
                f"{without_password(to)} is the register in use: copy it somewhere else"
            )
        target_name = target_files = without_password(to)
        target = open_store(ctx.paths, to, migrate=True)
    else:
        path = Path(to).expanduser().resolve()
        if path.suffix != ".db":
            raise UsageError(f"--to takes postgresql://host/dbname or FILE.db, not {to!r}")
        if not ctx.database and path == ctx.paths.database.resolve():
            raise UsageError(f"{path} is the register in use: copy it somewhere else")
        target_name, target_files = str(path), str(path.parent / "files")
        target = SqliteStore(
            open_db(path), actor=current_user(), files=FileStore(Path(target_files))
        )
    ctx._close.append(target.close)
    source = open_store(ctx.paths, ctx.database)
    ctx._close.append(source.close)
    result = copy_register(source, target, ctx.register, target_name)
    counts = ", ".join(f"{n:,} {k}" for k, n in result.counts.items() if n)
    print(f"Copied {ctx.register} into {target_name}: {counts or 'no records'}")
    if result.files_copied:
        print(f"{result.files_copied} signed document file(s) copied into {target_files}")
    if result.files_missing:
        names = ", ".join(sorted(f.original_name for f in result.files_missing))
        held = ctx.register if ctx.database else str(ctx.paths.files)
        print(
            f"{len(result.files_missing)} signed document file(s) were not in {held}, so "
            f"could not be copied (attach them again in the copy): {names}"
        )
    return 0


def cmd_audit(args: argparse.Namespace, ctx: Context) -> int:
    """``audit verify``: 0 when every link of the chain holds, 1 at the first broken one."""
    from transfers_app.services.audit import verification_lines

    result = ctx.services().audit.verify()
    for line in verification_lines(result):
        print(line)
    return 0 if result.intact else 1


def cmd_gui(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from ui.app import run, startup_error
    except ImportError as exc:  # PySide6 missing or Qt cannot load its platform libraries
        raise UsageError(f"the desktop app cannot start: {exc}") from None
    registers = ctx.registers()
    remembered = registers.remembered.last
    if ctx.database is None and remembered is not None:
        # The team register the user was on: reopened, or if its server cannot be used,
        # the choice of another or the register file (``ui.dialogs.connect_dialog``).
        from ui.dialogs.connect_dialog import reopen

        return run(lambda: reopen(registers, remembered), ctx.paths.logs)
    try:
        services = ctx.services()
    except TransfersError as exc:
        # A damaged, locked or unusable register: said in a window too (the app's users do
        # not see the terminal), and on stderr by ``main``.
        startup_error(str(exc))
        raise
    return run(lambda: registers.context(services, ctx.database), ctx.paths.logs)


COMMANDS = {
    "check": cmd_check,
    "status": cmd_status,
    "reminders": cmd_reminders,
    "demo": cmd_demo,
    "import": cmd_import,
    "export": cmd_export,
    "import-json": cmd_import_json,
    "reference": cmd_reference,
    "db": cmd_db,
    "audit": cmd_audit,
    "org": cmd_org,
}


def main(argv: Sequence[str] | None = None, today: date | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    database = args.database or os.environ.get(ENV_DATABASE) or None
    journal = JournalMode(args.journal) if args.journal else None
    ctx = Context(
        resolve_paths(args.data_dir), today or date.today(), database=database, journal=journal
    )
    handler = COMMANDS.get(args.command or "", cmd_gui)
    try:
        return handler(args, ctx)
    except TransfersError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    finally:
        ctx.close()


# Whole-register reads (a status, an export) build millions of small objects that live until
# the command is done; with CPython's default thresholds (700, 10, 10) a status of 100,000
# entities runs a dozen full collections over all of them: a quarter of its time (4.5 s against
# 3.5 s). The process collects less often instead; the services never touch the collector. (The
# desktop app collects on its GUI thread only, ``ui.collector``, against these thresholds.)
GC_THRESHOLDS = (50_000, 20, 10)


def configure_process() -> None:
    """Process-wide settings of the app's own process (the entry points call it, not
    ``main``, so a test that calls ``main`` leaves its process as it was)."""
    gc.set_threshold(*GC_THRESHOLDS)
    # An export killed by SIGTERM or SIGHUP removes its half-written temporary first.
    from exports.files import remove_temporaries_on_signals

    remove_temporaries_on_signals()
    # Dates in the system locale's order (``formatting.day``): LC_ALL, then LC_TIME, then
    # LANG, as POSIX reads them; read, not set (strftime stays in the C locale).
    from transfers_app.domain.formatting import date_order_of, use_date_order

    env = os.environ
    use_date_order(date_order_of(env.get("LC_ALL") or env.get("LC_TIME") or env.get("LANG")))


def run() -> NoReturn:
    """The ``transfers-app`` command and ``python -m transfers_app``."""
    configure_process()
    sys.exit(main())


if __name__ == "__main__":
    run()

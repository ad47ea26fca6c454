"""``transfers-app org``: the organisation's profile on the command line (its parser and its
handler; ``transfers_app.cli`` wires them in and hands over the services).

``org show [--json]`` prints the profile; ``org set`` changes the fields given and keeps the
others (``--address ""`` clears one; ``--signer`` replaces the signers, ``--no-signers``
removes them); the result is validated whole, and a problem is one line naming the field.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from transfers_app.domain.organisation import (
    FIELD_LABELS,
    OrganisationProfile,
    parse_person,
    profile_problems,
)
from transfers_app.errors import ValidationError

if TYPE_CHECKING:
    from transfers_app.services.organisation import OrganisationService

# Option -> profile field, in the order ``org show`` prints them.
TEXT_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--name", "name", "the name the organisation goes by"),
    ("--legal-name", "legal_name", "its registered legal name"),
    ("--address", "address", "its postal address (one line; commas between the parts)"),
    (
        "--registration-number",
        "registration_number",
        "its registration number with the Information Commission (formerly the ICO)",
    ),
    ("--dpo-name", "dpo_name", "the data protection officer's name"),
    ("--dpo-email", "dpo_email", "the data protection officer's email"),
    ("--eu-representative", "eu_representative", "its EU representative (Art 27 GDPR), if any"),
    ("--addressee", "addressee", "who regulator letters go to by default"),
)


def add_parser(sub: Any) -> None:
    """The ``org`` command and its ``show`` and ``set`` actions."""
    org = sub.add_parser("org", help="the organisation that keeps the register (its profile)")
    actions = org.add_subparsers(
        dest="org_command", metavar="ACTION", parser_class=type(org), required=True
    )
    show = actions.add_parser("show", help="print the profile")
    show.add_argument("--json", action="store_true")
    change = actions.add_parser(
        "set", help="set the profile: the fields given change, the others stay"
    )
    for option, _field, text in TEXT_OPTIONS:
        change.add_argument(option, metavar="TEXT", help=text)
    change.add_argument(
        "--signer",
        action="append",
        metavar="NAME|ROLE|EMAIL",
        help="who prepares and signs regulator letters (repeatable; the first prepares by "
        "default); replaces the signers",
    )
    change.add_argument("--no-signers", action="store_true", help="remove every signer")


def profile_json(p: OrganisationProfile) -> dict[str, Any]:
    return {
        **{field: getattr(p, field) for _, field, _ in TEXT_OPTIONS},
        "signers": [{"name": s.name, "role": s.role, "email": s.email} for s in p.signers],
    }


def _show(p: OrganisationProfile, as_json: bool) -> None:
    if as_json:
        print(json.dumps(profile_json(p), ensure_ascii=False, indent=2))
        return
    if p.is_empty:
        print("No organisation profile yet: set one with transfers-app org set (see --help).")
        return
    width = max(len(label) for label in FIELD_LABELS.values())
    for _, field, _ in TEXT_OPTIONS:
        value = getattr(p, field).replace("\n", ", ") or "—"
        print(f"{FIELD_LABELS[field]:<{width}}  {value}")
    signers = [s.line() for s in p.signers] or ["—"]
    for i, line in enumerate(signers):
        print(f"{FIELD_LABELS['signers'] if i == 0 else '':<{width}}  {line}")
    for problem in profile_problems(p):
        print(f"Incomplete: {problem}")


def _option_of(field: str) -> str:
    """The option that sets ``field`` ("signers[2].email" -> "--signer 2")."""
    for option, name, _ in TEXT_OPTIONS:
        if name == field:
            return option
    if field.startswith("signers["):
        return f"--signer {field[8:].split(']')[0]}"
    return field


def run(args: argparse.Namespace, service: OrganisationService) -> int:
    current = service.get()
    if args.org_command == "show":
        _show(current, args.json)
        return 0
    changes: dict[str, Any] = {}
    for _, field, _ in TEXT_OPTIONS:
        value = getattr(args, field)
        if value is not None:
            changes[field] = value.strip()
    if args.signer and args.no_signers:
        raise ValidationError("--signer", "give signers or --no-signers, not both")
    if args.signer:
        changes["signers"] = tuple(
            parse_person(text, f"--signer {i}") for i, text in enumerate(args.signer, start=1)
        )
    elif args.no_signers:
        changes["signers"] = ()
    if not changes:
        raise ValidationError("org set", "give at least one field to set (see --help)")
    wanted = replace(current, **changes)
    problems = profile_problems(wanted)
    if problems:
        first = problems[0]
        raise ValidationError(_option_of(first.field), first.message)
    saved = service.save(wanted)
    print("Saved the organisation profile:")
    _show(saved, False)
    return 0

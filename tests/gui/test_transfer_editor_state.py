"""The transfer editor's view state, without a widget: what the form holds, what stops a save,
where each message goes, and what the rules suggest."""

from __future__ import annotations

from datetime import date

from transfers_app.domain.enums import Access, Activity, EntityKind, Mechanism, Regime, Role
from transfers_app.domain.models import Entity, Location, MechanismUse, Transfer
from transfers_app.errors import StorageError, ValidationError
from transfers_app.reference import builtin_reference
from transfers_app.rules.destination import NO_CERTS
from ui.dialogs.transfer_editor.requirements import Panel, assessments, requirements_html
from ui.dialogs.transfer_editor.state import (
    REQUIRED,
    TransferFormState,
    best_location,
    default_regimes,
    default_roles,
    human_message,
    place_messages,
    problems,
    suggested_mechanism,
)

TODAY = date(2026, 11, 25)


def transfer(**kw: object) -> Transfer:
    fields: dict[str, object] = {
        "exporter_id": 1,
        "importer_id": 2,
        "destination": "IN",
        "access": Access.STORAGE,
        "importer_role": Role.PROCESSOR,
    }
    fields.update(kw)
    return Transfer(**fields)  # type: ignore[arg-type]


def test_a_new_form_follows_its_defaults_until_touched() -> None:
    state = TransferFormState.of(None)
    assert state.destination_auto and state.roles_auto and not state.regimes_custom
    state.touch("importer_id")
    assert state.touched == set()  # nothing counts while the form is being filled
    state.loading = False
    state.touch("importer_id")
    assert state.touched == {"importer_id"}
    # While the ticks follow the default nothing is stored, so the transfer keeps following.
    assert state.stored_regimes((Regime.UK,), (Regime.UK,)) == ()
    state.regimes_custom = True
    assert state.stored_regimes((Regime.UK,), (Regime.UK,)) == (Regime.UK,)
    edited = TransferFormState.of(transfer(regimes=(Regime.EU,)))
    assert edited.regimes_custom and not edited.destination_auto


def test_the_mechanism_lines() -> None:
    state = TransferFormState.of(None)
    state.loading = False
    assert state.add_use(Mechanism.EU_SCC) == 0
    assert state.add_use(Mechanism.UK_IDTA) == 1
    state.set_document(0, 12)
    assert state.move_use(1, -1) == 0
    assert state.move_use(0, -1) is None  # the first cannot go up
    assert [u.mechanism for u in state.uses] == [Mechanism.UK_IDTA, Mechanism.EU_SCC]
    state.keep_documents({13})  # document 12 is another importer's
    assert state.uses[1] == MechanismUse(Mechanism.EU_SCC, None)
    state.set_document(1, 13)
    state.set_mechanism(1, Mechanism.DPF)  # a new mechanism drops the document
    assert state.uses[1] == MechanismUse(Mechanism.DPF, None)
    assert state.remove_use(1) == 0
    assert state.touched == {"mechanisms"}
    fields = {
        "exporter_id": 1,
        "importer_id": 2,
        "destination": "IN",
        "access": Access.STORAGE,
        "importer_role": Role.PROCESSOR,
        "mechanisms": (),
    }
    saved = state.candidate(fields)
    assert saved.mechanisms == (MechanismUse(Mechanism.UK_IDTA),)


def test_what_stops_a_save_is_said_in_words() -> None:
    found = problems(
        transfer(exporter_id=0, importer_id=0, destination=""),
        onward=False,
        has_own_exporters=True,
        importer_text="zz",
        destination_text="Atlantis",
        regimes=(),
    )
    by_field = {p.field: human_message(p) for p in found}
    assert by_field["importer_id"] == "Importer: 'zz' is not on the register; choose a name"
    assert by_field["destination"] == "Destination: 'Atlantis' is not a country or organisation"
    assert by_field["exporter_id"] == "Exporter is required"
    assert by_field["regimes"].startswith("Regimes: tick at least one")
    none_of_ours = problems(
        transfer(exporter_id=0),
        onward=False,
        has_own_exporters=False,
        importer_text="",
        destination_text="",
        regimes=(Regime.UK,),
    )
    assert "none of our entities is marked as an exporter" in none_of_ours[0].message
    twice = MechanismUse(Mechanism.EU_SCC, 4)
    repeated = problems(
        transfer(mechanisms=(twice, twice)),
        onward=False,
        has_own_exporters=True,
        importer_text="",
        destination_text="",
        regimes=(Regime.UK,),
    )
    assert [p.message for p in repeated] == ["line 2 repeats EU SCCs with the same document"]


def test_a_required_field_waits_until_it_is_touched() -> None:
    found = [
        ValidationError("importer_id", REQUIRED),
        ValidationError("destination", REQUIRED),
        ValidationError("ended_on", "2026-01-01 is before start (2026-06-01)"),
        ValidationError("nowhere", "something else"),
    ]
    placed = place_messages(found, {"destination"}, ["importer_id", "destination", "ended_on"])
    assert placed.by_field == {
        "destination": ["Destination is required"],
        "ended_on": ["End 2026-01-01 is before start (2026-06-01)"],
    }
    assert placed.summary == "Before saving: Importer is required; Nowhere: something else"


def test_defaults_for_roles_destination_and_regimes() -> None:
    assert default_roles(Access.ONWARD) == (Role.PROCESSOR, Role.SUBPROCESSOR)
    assert default_roles(Access.REMOTE_ACCESS) == (Role.CONTROLLER, Role.PROCESSOR)
    places = [
        Location(2, "US", Activity.HEADQUARTERS),
        Location(2, "IN", Activity.SUPPORT),
        Location(2, "IE", Activity.HOSTING),
    ]
    assert best_location(places, Access.STORAGE) == places[2]
    assert best_location(places, Access.REMOTE_ACCESS) == places[1]
    assert best_location([], Access.STORAGE) is None

    ours = Entity("Us Ltd", EntityKind.GROUP, id=1, exporter_regimes=(Regime.UK, Regime.EU))
    chain = {10: transfer(id=10, exporter_id=1), 11: transfer(id=11, parent_transfer_id=10)}

    def get(transfer_id: int) -> Transfer:
        if transfer_id not in chain:
            raise StorageError(f"transfer {transfer_id} does not exist")
        return chain[transfer_id]

    entities = {1: ours}
    assert default_regimes(Access.ONWARD, 11, None, get, entities.get) == (
        (Regime.UK, Regime.EU),
        "of Us Ltd, upstream",
    )
    assert default_regimes(Access.STORAGE, None, ours, get, entities.get) == (
        (Regime.UK, Regime.EU),
        "of the exporter, Us Ltd",
    )
    assert default_regimes(Access.ONWARD, 99, None, get, entities.get) == ((), "")


def test_the_rules_suggest_and_the_panel_says_what_the_law_requires() -> None:
    ref = builtin_reference()
    found = assessments(ref, "IN", (Regime.UK,), Role.CONTROLLER, Role.PROCESSOR, NO_CERTS, TODAY)
    assert suggested_mechanism([], found) is Mechanism.UK_IDTA
    adequate = assessments(
        ref, "CH", (Regime.EU,), Role.CONTROLLER, Role.PROCESSOR, NO_CERTS, TODAY
    )
    assert suggested_mechanism([], adequate) is Mechanism.ADEQUACY
    assert (
        assessments(ref, "XX", (Regime.EU,), Role.CONTROLLER, Role.PROCESSOR, NO_CERTS, TODAY) == {}
    )
    html = requirements_html(
        Panel(
            today=TODAY,
            code="IN",
            exporter_role=Role.CONTROLLER,
            importer_role=Role.PROCESSOR,
            assessments=found,
            status=None,
            missing=["the importer"],
            importer=None,
            tias_read=True,
            tia_error=None,
            dpf=None,
        )
    )
    assert "Transfer to India (IN)" in html
    assert "Choose the importer to see the problems" in html
    assert "NOT ADEQUATE" in html and "TIA / TRA" in html
    assert "Choose the destination" in requirements_html(
        Panel(TODAY, None, Role.CONTROLLER, Role.PROCESSOR, {}, None, [], None, True, None, None)
    )

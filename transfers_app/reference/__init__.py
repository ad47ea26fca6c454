"""The legal reference data: dated, sourced facts the rules read (see docs/reference-data.md)."""

from transfers_app.reference.loader import (
    BUNDLE_KEYS,
    Decision,
    EvidenceRecheck,
    Instrument,
    InstrumentRegime,
    MechanismRegime,
    MechanismRule,
    Memo,
    MemoSlot,
    ReferenceSet,
    RegimeInfo,
    builtin_reference,
    load_reference,
    parse_bundle,
)

__all__ = [
    "BUNDLE_KEYS",
    "Decision",
    "EvidenceRecheck",
    "Instrument",
    "InstrumentRegime",
    "MechanismRegime",
    "MechanismRule",
    "Memo",
    "MemoSlot",
    "ReferenceSet",
    "RegimeInfo",
    "builtin_reference",
    "load_reference",
    "parse_bundle",
]

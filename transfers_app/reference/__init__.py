"""The legal reference data: dated, sourced facts the rules read (see docs/reference-data.md)."""

from transfers_app.reference.loader import (
    BUNDLE_KEYS,
    Decision,
    Instrument,
    InstrumentRegime,
    ReferenceSet,
    RegimeInfo,
    builtin_reference,
    load_reference,
    parse_bundle,
)

__all__ = [
    "BUNDLE_KEYS",
    "Decision",
    "Instrument",
    "InstrumentRegime",
    "ReferenceSet",
    "RegimeInfo",
    "builtin_reference",
    "load_reference",
    "parse_bundle",
]

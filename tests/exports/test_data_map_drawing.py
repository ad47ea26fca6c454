"""The data map as the evidence pack encloses it (PDF and SVG, drawn without Qt): every
entity's name printed whole where it fits in a smaller size, shortened only beyond that."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from support.stores import DEMO_DAY, demo_memory

from exports.data_map import map_pdf, map_svg
from transfers_app.reports.data_map.graph import build_map
from transfers_app.reports.data_map.picture import MapPicture

# Too long for a box in the usual size (it was printed "Keystone Access Australia P…").
LONG = "Meridian Recovery Services Pvt. Ltd."
ENDLESS = "Keystone Access Australia " + "Regional Customer Support " * 6 + "Pty Ltd"


def picture(renamed: dict[str, str]) -> MapPicture:
    store = demo_memory()
    rows = [r._replace(name=renamed.get(r.name, r.name)) for r in store.queries.register_rows()]
    data = build_map(store.transfers.list(), rows, DEMO_DAY)
    return MapPicture("Data map", "The demo's transfers", data, {})


def pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def test_a_long_name_is_printed_whole_in_a_smaller_size() -> None:
    drawn = picture({})
    assert LONG in pdf_text(map_pdf(drawn, invariant=True))
    svg = map_svg(drawn).decode()
    (element,) = [line for line in svg.splitlines() if f">{LONG}<" in line]
    size = float(re.findall(r'font-size="([\d.]+)"', element)[0])
    assert 9.5 <= size < 13
    # Names that fit keep the usual size.
    (usual,) = [line for line in svg.splitlines() if ">Lumen Analytics GmbH<" in line]
    assert 'font-size="13"' in usual


def test_a_name_too_long_even_then_is_shortened_not_overprinted() -> None:
    drawn = picture({"Keystone Access Australia Pty Ltd": ENDLESS})
    text = pdf_text(map_pdf(drawn, invariant=True))
    assert ENDLESS not in text and "Keystone Access Australia Regional" in text
    svg = map_svg(drawn).decode()
    (element,) = [line for line in svg.splitlines() if ">Keystone Access Australia Reg" in line]
    assert element.endswith("…</text>") and 'font-size="9.5"' in element

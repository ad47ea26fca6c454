"""The data map as the evidence pack encloses it (PDF and SVG, drawn without Qt): every
entity's name printed whole where it fits in a smaller size, shortened only beyond that; the
services an importer provides printed whole, over as many lines as they take."""

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


SERVICES = (
    "Customer support ticketing, remote troubleshooting of the booking platform, 24/7 "
    "incident response and monthly service reviews with named engineers"
)


def picture(renamed: dict[str, str], services: dict[str, str] | None = None) -> MapPicture:
    store = demo_memory()
    given = services or {}
    rows = [
        r._replace(
            name=renamed.get(r.name, r.name),
            services=(given[r.name],) if r.name in given else r.services,
        )
        for r in store.queries.register_rows()
    ]
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


def test_an_importers_services_are_printed_whole_on_as_many_lines_as_they_take() -> None:
    drawn = picture({}, {LONG: SERVICES})
    text = pdf_text(map_pdf(drawn, invariant=True))
    # The demo's own descriptions that are wider than a line (they were cut with "…").
    for whole in (
        "Group CRM, website and app back end",
        "Cloud hosting of the customer platform",
        "Regional customer support (APAC)",
        "App development and maintenance",
        SERVICES,
    ):
        assert whole in text
    assert "…" not in text
    # The SVG sets the long description on lines of its own, one under the other, inside
    # its node.
    svg = map_svg(drawn).decode()
    lines = [x for x in svg.splitlines() if "<text" in x and 'font-size="11"' in x]
    first = next(i for i, x in enumerate(lines) if ">Customer support ticketing," in x)
    ys = [float(re.findall(r' y="([\d.]+)"', x)[0]) for x in lines[first : first + 5]]
    assert ys == sorted(ys) and len(set(ys)) == 5
    assert ">reviews with named engineers<" in lines[first + 4]

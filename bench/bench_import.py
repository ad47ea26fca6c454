"""Benchmark of the supplier import (figures, not pass/fail): a 10,000-row messy CSV read,
previewed and written into a fresh register, then the same file previewed again.

Usage: python bench/bench_import.py [--rows 10000] [--repeat 3] [--keep DIR]

The CSV is what teams keep: Windows-1252, semicolons, German headers under a title row, merged
location cells ("Germany, Finland, United States"), regions, typos, addresses, repeated
vendors, dates in dd.mm.yyyy. Two variants: a plain vendor list (entities and locations), and
the same with a column naming our entity that sends the data (transfers too).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from pathlib import Path

from harness import TODAY, work_folder

from db import SqliteStore, open_db
from exports import file_adapters
from transfers_app.domain.enums import EntityKind, Regime
from transfers_app.domain.models import Entity
from transfers_app.services.importing import ImportService, Outcome

OWN = "Keystone Access Europe Ltd"

LOCATIONS = [
    "Deutschland",
    "Germany, Finland, United States",
    "USA (US Cloud) or Germany (EU Cloud)",
    "EU (Amsterdam)",
    "Worldwide",
    "Region chosen by customer",
    "Germnay",
    "Untied States",
    "Irland",
    "Vereinigte Staaten und Irland",
    "Allemagne / Royaume-Uni",
    "Alemania, Estados Unidos",
    "1 Main St, Dublin 2, Ireland",
    "San Francisco, CA 94105",
    "India",
    "Philippines; Singapore",
    "UK",
    "Japan",
    "EEA",
    "Frankfurt",
]
SERVICES = ["Hosting", "Webanalyse", "Support", "Lohnabrechnung", "CRM", "E-Mail-Versand"]
MECHANISMS = ["SCCs", "EU SCCs + UK Addendum", "DPF", "Angemessenheitsbeschluss", "", "BCR"]
FORMS = ["GmbH", "AG", "Ltd", "Inc.", "SAS", "S.L.", "B.V.", "sp. z o.o.", "S.A.", "Oy"]
WORDS = ["Nord", "Süd", "Blau", "Wolke", "Daten", "Atlas", "Kraft", "Licht", "Berg", "Fluss"]


def messy_csv(path: Path, rows: int, seed: int = 1, exporter: bool = True) -> None:
    """``exporter``: with a column naming our entity that sends the data (transfers too)."""
    rnd = random.Random(seed)
    lines = [
        "Liste der Unterauftragsverarbeiter – Stand 01.03.2025;;;;;;;",
        ";;;;;;;",
        "Unterauftragsverarbeiter;Standort;Zweck;Adresse;Übermittlungsgrundlage;"
        + ("Datenexporteur;" if exporter else "")
        + "Status;Vertragsbeginn",
    ]
    for i in range(rows):
        # About 5 % of rows repeat an earlier vendor (another service line of the same one).
        n = rnd.randrange(max(1, i)) if i and rnd.random() < 0.05 else i
        name = f"{WORDS[n % len(WORDS)]}{n:05d} {FORMS[n % len(FORMS)]}"
        where = rnd.choice(LOCATIONS)
        address = f"Hauptstraße {n % 90 + 1}, 10115 Berlin" if rnd.random() < 0.3 else ""
        start = f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.{rnd.randint(2015, 2025)}"
        lines.append(
            ";".join(
                [
                    name,
                    f'"{where}"',
                    rnd.choice(SERVICES),
                    f'"{address}"' if address else "",
                    rnd.choice(MECHANISMS),
                    *([OWN] if exporter else []),
                    rnd.choice(["aktiv", "Active", "geplant", ""]),
                    start,
                ]
            )
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def fresh_register(folder: Path) -> SqliteStore:
    repo = SqliteStore(open_db(folder / "register.db"), actor="bench")
    repo.entities.add(
        Entity(
            name=OWN,
            kind=EntityKind.GROUP,
            exporter_regimes=(Regime.UK, Regime.EU),
        )
    )
    return repo


def run_once(csv_path: Path, folder: Path) -> dict[str, float | int]:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    repo = fresh_register(folder)
    importer = ImportService(repo, file_adapters().lists, TODAY)
    marks: list[tuple[float, float]] = []

    def mark() -> None:
        marks.append((time.perf_counter(), time.process_time()))

    mark()
    table = importer.read(csv_path)
    mark()
    mapping, source = importer.mapping_for(table)
    preview = importer.preview(table, mapping, source)
    mark()
    result = importer.apply(preview)
    mark()
    again = importer.preview(importer.read(csv_path), mapping, source)
    mark()
    assert again.count(Outcome.NEW) == 0 and again.count(Outcome.CHANGED) == 0
    figures: dict[str, float | int] = {
        "entities": result.created,
        "locations": result.locations_added,
        "transfers": result.transfers_added,
        "review": preview.review_count,
        "skipped": preview.count(Outcome.SKIPPED),
    }
    for name, a, b in (
        ("read", 0, 1),
        ("preview", 1, 2),
        ("apply", 2, 3),
        ("total", 0, 3),
        ("reimport_preview", 3, 4),
    ):
        figures[name] = marks[b][0] - marks[a][0]
        figures[f"{name}_cpu"] = marks[b][1] - marks[a][1]
    repo.close()
    return figures


def report(base: Path, rows: int, repeat: int) -> None:
    for exporter, label in ((False, "vendor list"), (True, "with a data-exporter column")):
        csv_path = base / f"suppliers-{rows}{'-exporter' if exporter else ''}.csv"
        messy_csv(csv_path, rows, exporter=exporter)
        runs = [run_once(csv_path, base / f"run{i}") for i in range(repeat)]
        size = csv_path.stat().st_size / 1e6
        print(f"{rows:,}-row CSV, {label} ({size:.1f} MB), {repeat} runs")
        first = runs[0]
        print(
            f"  written: {first['entities']:,} entities, {first['locations']:,} locations, "
            f"{first['transfers']:,} transfers; {first['review']:,} locations to review"
        )
        print("  wall clock, and [CPU time of this process] (steadier on a shared machine):")
        for key in ("read", "preview", "apply", "total", "reimport_preview"):
            wall = [float(r[key]) for r in runs]
            cpu = [float(r[f"{key}_cpu"]) for r in runs]
            print(
                f"  {key:<17} median {statistics.median(wall):6.2f} s "
                f"[{statistics.median(cpu):5.2f} s]  (min {min(wall):.2f}, max {max(wall):.2f})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the CSVs and registers in this folder")
    args = parser.parse_args()
    with work_folder(args.keep, "bench-import-") as base:
        base.mkdir(parents=True, exist_ok=True)
        report(base, args.rows, args.repeat)


if __name__ == "__main__":
    main()

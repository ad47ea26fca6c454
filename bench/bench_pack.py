"""Time the regulator's evidence pack on a generated register with signed files attached.

    python bench/bench_pack.py [--entities 1000]

Generates a synthetic register (seed 1), attaches a distinct signed file (about 60 KB) to
every document, then times the evidence pack (`ExportService.evidence_pack`) for the whole
register: cover letter, register PDF and CSV, Art 30 records, every approved assessment's PDF,
every current document file, manifest. Figures, not pass/fail. Target (issue 5): 1,000 entities
under 20 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import TODAY, open_store

from exports import file_adapters
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.demo import DEMO_ORGANISATION
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.synthetic import generate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = open_store(root)
        reg = generate(args.entities, 1, TODAY)
        repo.records.add_generated(
            reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias
        )
        signed = root / "signed"
        signed.mkdir()
        filler = os.urandom(60_000)
        with repo.transaction() as tx:
            for d in tx.documents.list():
                f = signed / f"{d.id} signed.pdf"
                f.write_bytes(b"%PDF-1.4\n% signed copy " + str(d.id).encode() + filler)
                tx.documents.update(replace(d), f)
        services = AppServices.build(
            repo, ReferenceSource(builtin_reference()), file_adapters(), TODAY
        )
        # The pack is a letter in the organisation's name: the demo's fictional profile.
        services.organisation.save(DEMO_ORGANISATION)
        t0 = time.perf_counter()
        status = services.register.status(TODAY)
        t1 = time.perf_counter()
        target = root / "pack.zip"
        services.exports.evidence_pack(target, TODAY, status=status)
        t2 = time.perf_counter()
        with zipfile.ZipFile(target) as z:
            names = z.namelist()
        tias = sum(1 for n in names if n.startswith("assessments/"))
        docs = sum(1 for n in names if n.startswith("documents/"))
        print(
            f"{args.entities:,} entities: status {t1 - t0:.1f} s; pack {t2 - t1:.1f} s "
            f"({len(names)} files: {tias} assessments, {docs} documents; "
            f"{target.stat().st_size // 1024 // 1024} MB)"
        )
        repo.close()


if __name__ == "__main__":
    main()

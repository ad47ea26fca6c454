"""Time TIA summary PDFs end to end: report built by the service from the register, then
rendered (the path `transfers-app export tia` and the evidence pack take); and the same report
as a Word document.

    python bench/bench_tia_pdf.py [--count 500]

Loads the demo register into a temporary database, adds ``--count`` approved assessments of
its restricted transfers (prefilled from the register and the country profiles, answered as
the demo assessor answers), then times one PDF (median of 15, warm), one DOCX (likewise) and
all the PDFs. Figures, not pass/fail. Targets (issues 4, 10): one TIA PDF under 300 ms; 500 in
under a minute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import TODAY, open_store

from exports import file_adapters
from exports.docx_render import render_docx
from exports.pdf_batch import render_pdfs
from exports.pdf_render import render_pdf
from transfers_app.domain.enums import TiaStatus
from transfers_app.reference import builtin_reference
from transfers_app.services.demo import demo_answers, load_demo
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia import TiaService


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = open_store(Path(tmp))
        load_demo(repo, TODAY, file_adapters().pdf)
        svc = TiaService(repo, ReferenceSource(builtin_reference()))
        restricted = [
            t for t in repo.transfers.list() if t.destination in {"US", "IN", "PH", "SG", "AU"}
        ]
        ids = []
        with repo.transaction() as tx:
            for i in range(args.count):
                t = restricted[i % len(restricted)]
                draft = svc.draft_for(t.id or 0, TODAY, assessor="Bench Assessor")
                assert draft.content is not None
                saved = tx.assessments.add(
                    replace(
                        draft,
                        status=TiaStatus.APPROVED,
                        approver="Bench Approver",
                        approved_on=TODAY,
                        content=demo_answers(draft.content, True),
                    )
                )
                ids.append(saved.id or 0)
        org = svc.organisation()

        first = time.perf_counter()
        pdf = render_pdf(svc.report(ids[0], TODAY, org))
        print(
            f"first PDF in the process (fonts load): {(time.perf_counter() - first) * 1000:.0f} ms"
        )

        times = []
        for _ in range(15):
            t0 = time.perf_counter()
            doc = svc.report(ids[0], TODAY, org)
            t1 = time.perf_counter()
            pdf = render_pdf(doc)
            times.append((t1 - t0, time.perf_counter() - t1))
        build = statistics.median(b for b, _ in times) * 1000
        render = statistics.median(r for _, r in times) * 1000
        print(
            f"one TIA PDF (US, {len(pdf) // 1024} KB): build {build:.0f} ms + render "
            f"{render:.0f} ms = {build + render:.0f} ms (median of 15)"
        )

        first = time.perf_counter()
        docx = render_docx(svc.report(ids[0], TODAY, org))
        print(f"first DOCX in the process: {(time.perf_counter() - first) * 1000:.0f} ms")
        docx_times = []
        for _ in range(15):
            doc = svc.report(ids[0], TODAY, org)
            t0 = time.perf_counter()
            docx = render_docx(doc)
            docx_times.append(time.perf_counter() - t0)
        print(
            f"one TIA DOCX (US, {len(docx) // 1024} KB): render "
            f"{statistics.median(docx_times) * 1000:.0f} ms (median of 15)"
        )

        t0 = time.perf_counter()
        total = 0
        for tia_id in ids:
            total += len(render_pdf(svc.report(tia_id, TODAY, org)))
        elapsed = time.perf_counter() - t0
        print(f"{len(ids)} TIA PDFs, one process: {elapsed:.1f} s ({total // 1024 // 1024} MB)")

        t0 = time.perf_counter()
        docs = [svc.report(tia_id, TODAY, org) for tia_id in ids]
        built = time.perf_counter() - t0
        total = sum(len(b) for b in render_pdfs(docs))
        elapsed = time.perf_counter() - t0
        print(
            f"{len(ids)} TIA PDFs, one worker per core ({os.cpu_count()}): {elapsed:.1f} s "
            f"(reports built in {built:.1f} s; {total // 1024 // 1024} MB)"
        )
        repo.close()


if __name__ == "__main__":
    main()

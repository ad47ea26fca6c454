"""Time TIA summary PDFs end to end: the path `transfers-app export tia` and the evidence pack
take.

    python bench/bench_tia_pdf.py [--count 500]

Loads the demo register into a temporary database and times, each the median of 15 warm runs:

- an approved assessment's PDF: its document as approved read back (``reports.codec``) and
  rendered (what every export of an approved assessment does);
- a draft's PDF: its document built from the register and the reference data (the tools and
  tests per regime, the laws' reasoning, the bibliography), then rendered;
- an approval: the document built and frozen with the record.

Then ``--count`` drafts of the demo's restricted transfers (prefilled, answered as the demo's
US assessment is) rendered one after another, and on one worker per core. Figures, not
pass/fail. Also one DOCX of the same document. Targets (issues 4 and 10): one TIA PDF under
300 ms; 500 in under a minute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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
from transfers_app.services.demo import load_demo
from transfers_app.services.demo_tias import APPROVER
from transfers_app.services.organisation import Organisation
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia import TiaService


def median_ms(work: Callable[[], object], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def report_and_pdf_ms(svc: TiaService, tia_id: int, org: Organisation) -> tuple[float, float]:
    """Median milliseconds to get the assessment's report document, then to render it."""
    read = median_ms(lambda: svc.report(tia_id, TODAY, org))
    doc = svc.report(tia_id, TODAY, org)
    return read, median_ms(lambda: render_pdf(doc))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = open_store(Path(tmp))
        load_demo(repo, TODAY, file_adapters().pdf)
        svc = TiaService(repo, ReferenceSource(builtin_reference()))
        org = svc.organisation()
        tias = {x.title: x for x in repo.assessments.list()}
        host = tias["Stratus Cloud Hosting, Inc.: United States"]
        draft = tias["Meridian Recovery Services Pvt. Ltd.: India"]

        first = time.perf_counter()
        pdf = render_pdf(svc.report(host.id or 0, TODAY, org))
        print(
            f"first PDF in the process (fonts load): {(time.perf_counter() - first) * 1000:.0f} ms"
        )

        read, render = report_and_pdf_ms(svc, host.id or 0, org)
        print(
            f"approved TIA PDF (US, UK and EU, {len(pdf) // 1024} KB, as approved): read "
            f"{read:.0f} ms + render {render:.0f} ms = {read + render:.0f} ms (median of 15)"
        )
        build, drender = report_and_pdf_ms(svc, draft.id or 0, org)
        print(
            f"draft TIA PDF (India, built from the register): build {build:.0f} ms + render "
            f"{drender:.0f} ms = {build + drender:.0f} ms (median of 15)"
        )

        # An approval: a reassessment of the US host, approved with its facts accepted.
        approved = svc.get(host.id or 0)
        times = []
        for _ in range(5):
            new = svc.reassess(approved, TODAY, "bench")
            keys = [f.key for f in svc.unverified_facts(new, TODAY)]
            t0 = time.perf_counter()
            approved = svc.sign_off(new, APPROVER, TODAY, accept=keys)
            times.append(time.perf_counter() - t0)
        print(f"approval (build and freeze the document): {statistics.median(times) * 1000:.0f} ms")

        restricted = [t for t in repo.transfers.list() if t.destination in {"US", "IN", "PH", "SG"}]
        content = svc.get(host.id or 0).content
        ids = []
        with repo.transaction() as tx:
            for i in range(args.count):
                t = restricted[i % len(restricted)]
                fresh = svc.draft_for(t.id or 0, TODAY, assessor="Bench Assessor")
                assert fresh.content is not None and content is not None
                answers = replace(content, description=fresh.content.description,
                                  destination=fresh.content.destination, laws=fresh.content.laws,
                                  eeg=fresh.content.eeg)  # fmt: skip
                saved = tx.assessments.add(replace(fresh, status=TiaStatus.DRAFT, content=answers))
                ids.append(saved.id or 0)

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
        print(
            f"{len(ids)} draft TIA PDFs, one process: {elapsed:.1f} s ({total // 1024 // 1024} MB)"
        )

        t0 = time.perf_counter()
        docs = [svc.report(tia_id, TODAY, org) for tia_id in ids]
        built = time.perf_counter() - t0
        total = sum(len(b) for b in render_pdfs(docs))
        elapsed = time.perf_counter() - t0
        print(
            f"{len(ids)} draft TIA PDFs, one worker per core ({os.cpu_count()}): {elapsed:.1f} s "
            f"(reports built in {built:.1f} s; {total // 1024 // 1024} MB)"
        )
        repo.close()


if __name__ == "__main__":
    main()

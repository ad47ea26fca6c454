"""Render many report documents at once, on every core.

ReportLab is pure Python apart from its small accelerator, so one process renders one page at
a time. Report documents are plain frozen dataclasses, so they travel to worker processes as
they are; the register is read in the caller's process only.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from exports.pdf_render import render_pdf
from transfers_app.services.report_model import ReportDocument


def _render(doc: ReportDocument) -> bytes:
    return render_pdf(doc)


def render_pdfs(
    docs: Iterable[ReportDocument], processes: int | None = None, chunk: int = 4
) -> Iterator[bytes]:
    """PDF bytes for each document, in order. Uses ``processes`` workers (default: one per
    core); with one worker or a handful of documents it renders in this process."""
    items = list(docs)
    workers = processes or os.cpu_count() or 1
    if workers <= 1 or len(items) < 4:
        for d in items:
            yield render_pdf(d)
        return
    # "spawn": safe from a process that runs Qt or other threads (fork would copy them).
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield from pool.map(_render, items, chunksize=chunk)

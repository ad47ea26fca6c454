"""Render many report documents at once, on every core.

ReportLab is pure Python apart from its small accelerator, so one process renders one page at
a time. Report documents are plain frozen dataclasses, so they travel to worker processes as
they are; the register is read in the caller's process only.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from exports.pdf_render import render_pdf
from transfers_app.reports.document import ReportDocument


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


class PdfPool:
    """Worker processes kept for a whole job (the evidence pack renders its assessments in
    batches as the ZIP is written, so progress and cancelling stay responsive)."""

    def __init__(self, processes: int | None = None) -> None:
        self.workers = processes or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def render(self, docs: Sequence[ReportDocument]) -> list[bytes]:
        if self.workers <= 1 or len(docs) < 2:
            return [render_pdf(d) for d in docs]
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return list(self._pool.map(_render, docs))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

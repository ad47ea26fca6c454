"""Reference cycles are freed on the GUI thread, not by whichever worker thread allocates."""

from __future__ import annotations

import gc
import threading
import weakref

from ui.collector import MainThreadCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_a_worker_thread_never_collects_a_cycle_the_gui_thread_then_does(
    _collector: MainThreadCollector,
) -> None:
    assert not gc.isenabled()
    node = _Node()
    alive = weakref.ref(node)
    del node

    def allocate() -> None:  # far past every threshold: would trigger a collection here
        junk = [[i] for i in range(200_000)]
        del junk

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert alive() is not None, "a worker thread ran the cyclic collector"
    # The next check on the GUI thread, once the youngest generation is over its threshold:
    kept: list[dict[str, int]] = [{} for _ in range(gc.get_threshold()[0] + 1)]
    assert _collector.check() > 0
    assert alive() is None
    assert kept


def test_stop_restores_automatic_collection() -> None:
    was = gc.isenabled()
    gc.enable()
    try:
        collector = MainThreadCollector()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()

"""One job runner for every piece of background work in the app (Vorta's JobsManager).

A page or dialog owns a ``Jobs`` (``self.jobs = Jobs(self, ctx)``) and starts work with
``self.jobs.start(work, on_done, on_failed)``. ``work(services, job)`` runs on a worker thread
with services of their own from ``ctx.services_factory`` (a register's connection belongs to
the thread that uses it; they are closed when the work is done, or handed back to
``ctx.release`` to serve a later job) and must not touch a widget;
it may ``job.report(value)`` along the way (progress, or a first part of its result). Its
outcome reaches the GUI thread through the runner's one relay:

- ``on_done(result)``, or ``on_failed(message)`` (the error as one line for the user, never a
  traceback), or ``on_cancelled()`` when the user cancelled it (``jobs.cancel()``);
- a newer job with the same ``key`` supersedes an older one: a superseded job that has not
  started never runs, one that runs is told to stop (``job.cancelled``) and its outcome and
  reports are dropped;
- the jobs of one owner run one after the other (a page never reads twice at once);
- once the owner is deleted, or ``jobs.close()`` was called (a dialog that closed), nothing
  more is delivered: the relay belongs to the runner, which lives as long as the app, so a
  worker never signals through a deleted object.

Tests wait with ``jobs.wait(msecs)`` (the work finishes, then its outcome is delivered at once)
or with ``qtbot.waitUntil`` / ``waitSignal`` on what the owner shows; they never sleep.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from transfers_app.errors import TransfersError

if TYPE_CHECKING:
    from transfers_app.services.app import AppServices
    from ui.context import UiContext

T = TypeVar("T")
DEFAULT_KEY = "default"


class JobCancelled(Exception):
    """Raised by ``job.raise_if_cancelled()``: the work stops, leaving nothing behind."""


def error_text(exc: BaseException) -> str:
    """A failure as one line for the user."""
    if isinstance(exc, TransfersError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({exc.filename or 'a file'})"
    # Not one the app expects: its kind says more than its text alone.
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class Job:
    """One piece of work; the worker thread sees it as its second argument."""

    _numbers = itertools.count(1)

    def __init__(self, owner: Jobs, key: Hashable, work: Callable[..., Any]) -> None:
        self.number = next(self._numbers)
        self.owner = owner
        self.key = key
        self.work = work
        self._cancel = threading.Event()
        self.superseded = False
        self.started = False
        self.finished = False

    @property
    def cancelled(self) -> bool:
        """The user cancelled it, or a newer job superseded it: stop at the next step."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled

    def report(self, value: object) -> bool:
        """Send ``value`` to the owner's ``on_progress`` on the GUI thread (worker thread);
        False once the job is cancelled."""
        if self._cancel.is_set():
            return False
        self.owner.runner._post(self, "progress", value)
        return True


@dataclass
class _Callbacks(Generic[T]):
    on_done: Callable[[T], object]
    on_failed: Callable[[str], object] | None = None
    on_progress: Callable[[Any], object] | None = None
    on_cancelled: Callable[[], object] | None = None


@dataclass
class _Lane:
    """The jobs of one owner: the one running and those waiting, in order."""

    running: Job | None = None
    waiting: deque[Job] = field(default_factory=deque)


class _Task(QRunnable):
    def __init__(self, runner: JobRunner, job: Job) -> None:
        super().__init__()
        self.runner = runner
        self.job = job

    def run(self) -> None:
        self.runner._execute(self.job)


class JobRunner(QObject):
    """Runs jobs on worker threads and delivers their outcomes on the GUI thread.

    One instance serves the whole app (``runner()``); it is never deleted, so the relay a worker
    signals through always exists.
    """

    _ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        self._lock = threading.Condition()
        self._lanes: dict[int, _Lane] = {}
        self._outbox: list[tuple[Job, str, object]] = []
        self._ready.connect(self.deliver)

    # -- GUI thread --------------------------------------------------------------------------

    def _submit(self, job: Job) -> None:
        with self._lock:
            lane = self._lanes.setdefault(id(job.owner), _Lane())
            for other in [j for j in lane.waiting if j.key == job.key]:
                other.superseded = True
                other.cancel()
                lane.waiting.remove(other)
            if lane.running is not None and lane.running.key == job.key:
                lane.running.superseded = True
                lane.running.cancel()
            lane.waiting.append(job)
            self._next(lane)

    def _next(self, lane: _Lane) -> None:  # under the lock
        if lane.running is None and lane.waiting:
            lane.running = lane.waiting.popleft()
            lane.running.started = True
            self._pool.start(_Task(self, lane.running))

    def busy(self, owner: Jobs, key: Hashable | None = None) -> bool:
        """``owner`` has a job running or waiting (with ``key``, if given) whose outcome has
        not been delivered yet."""
        with self._lock:
            lane = self._lanes.get(id(owner))
            jobs = [] if lane is None else [lane.running, *lane.waiting]
            pending = [j for j, _, _ in self._outbox if j.owner is owner and j.finished]
            jobs += pending
            return any(
                j is not None and not j.superseded and (key is None or j.key == key) for j in jobs
            )

    def deliver(self) -> None:
        """Hand every outcome and report that arrived to its owner (the relay's slot)."""
        with self._lock:
            outbox, self._outbox = self._outbox, []
        for job, kind, value in outbox:
            job.owner._receive(job, kind, value)

    def wait(self, owner: Jobs | None = None, msecs: int = -1) -> bool:
        """Wait until ``owner``'s jobs (every job, if None) have finished, then deliver their
        outcomes now; False if the time ran out first."""
        deadline = None if msecs < 0 else time.monotonic() + msecs / 1000
        finished = True
        with self._lock:
            while True:
                lanes = (
                    list(self._lanes.values())
                    if owner is None
                    else [self._lanes.get(id(owner), _Lane())]
                )
                if all(lane.running is None and not lane.waiting for lane in lanes):
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    finished = False
                    break
                self._lock.wait(remaining)
        self.deliver()
        return finished

    # -- worker thread -----------------------------------------------------------------------

    def _execute(self, job: Job) -> None:
        try:
            if job.superseded:
                outcome: tuple[str, object] = ("dropped", None)
            else:
                result = job.work(job)
                outcome = ("done", result)
        except JobCancelled:
            outcome = ("cancelled", None)
        except Exception as exc:  # a message for the user, never a traceback
            outcome = ("cancelled", None) if job.cancelled else ("failed", error_text(exc))
        with self._lock:
            job.finished = True
            self._outbox.append((job, outcome[0], outcome[1]))
            lane = self._lanes.get(id(job.owner))
            if lane is not None:
                lane.running = None
                self._next(lane)
                if lane.running is None and not lane.waiting:
                    del self._lanes[id(job.owner)]
            self._lock.notify_all()
        self._ready.emit()

    def _post(self, job: Job, kind: str, value: object) -> None:
        with self._lock:
            self._outbox.append((job, kind, value))
        self._ready.emit()


_RUNNER: JobRunner | None = None


def runner() -> JobRunner:
    """The app's job runner (made on first use, on the GUI thread)."""
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = JobRunner()
    return _RUNNER


class JobOptions(TypedDict, total=False):
    """What ``Jobs.start`` passes on to ``Jobs.start_plain`` as it is."""

    key: Hashable
    on_progress: Callable[[Any], object] | None
    on_cancelled: Callable[[], object] | None


class Jobs:
    """The background work of one page or dialog (``owner``)."""

    def __init__(
        self, owner: QObject, ctx: UiContext | None = None, job_runner: JobRunner | None = None
    ) -> None:
        self.owner = owner
        self.ctx = ctx
        self.runner = job_runner or runner()
        self.closed = False
        self._callbacks: dict[int, _Callbacks[Any]] = {}
        self._latest: dict[Hashable, Job] = {}
        self._then: dict[Hashable, list[Callable[[], object]]] = {}

    def start(
        self,
        work: Callable[[AppServices, Job], T],
        on_done: Callable[[T], object],
        on_failed: Callable[[str], object] | None = None,
        **options: Unpack[JobOptions],
    ) -> Job:
        """Run ``work(services, job)`` in the background with services of its own; the older
        job with the same ``key`` is superseded (``options`` as ``start_plain`` takes them)."""
        ctx = self.ctx
        if ctx is None:
            raise RuntimeError("Jobs made without a context cannot give work services")

        def with_services(job: Job) -> T:
            services = ctx.services_factory()
            try:
                job.raise_if_cancelled()
                return work(services, job)
            finally:
                if ctx.release is not None:
                    ctx.release(services)  # kept open for the next job
                else:
                    services.close()

        return self.start_plain(with_services, on_done, on_failed, **options)

    def start_plain(
        self,
        work: Callable[[Job], T],
        on_done: Callable[[T], object],
        on_failed: Callable[[str], object] | None = None,
        *,
        key: Hashable = DEFAULT_KEY,
        on_progress: Callable[[Any], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
    ) -> Job:
        """Run ``work(job)`` in the background (no services: it brings what it needs)."""
        job = Job(self, key, work)
        self._callbacks[job.number] = _Callbacks(on_done, on_failed, on_progress, on_cancelled)
        self._latest[key] = job
        self.runner._submit(job)
        return job

    def cancel(self, key: Hashable = DEFAULT_KEY) -> None:
        """Ask the latest job with ``key`` to stop; its ``on_cancelled`` follows (or its
        ``on_done`` if it finished first)."""
        job = self._latest.get(key)
        if job is not None:
            job.cancel()

    def drop(self, key: Hashable = DEFAULT_KEY) -> None:
        """Forget the latest job with ``key``: it is asked to stop and nothing of it arrives."""
        job = self._latest.pop(key, None)
        if job is not None:
            job.superseded = True
            job.cancel()
        self._then.pop(key, None)

    def busy(self, key: Hashable | None = None) -> bool:
        return self.runner.busy(self, key)

    def then(self, callback: Callable[[], object], key: Hashable = DEFAULT_KEY) -> None:
        """Run ``callback`` once the latest job with ``key`` has delivered its result (at once
        if none is under way); dropped if that job fails or is cancelled."""
        if self.busy(key):
            self._then.setdefault(key, []).append(callback)
        else:
            callback()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for this owner's jobs and deliver their outcomes now (tests, closing)."""
        return self.runner.wait(self, msecs)

    def close(self) -> None:
        """Deliver nothing more (the dialog closed); running jobs are asked to stop."""
        self.closed = True
        for job in self._latest.values():
            job.cancel()
        self._then.clear()

    def _alive(self) -> bool:
        return not self.closed and shiboken6.isValid(self.owner)

    def _receive(self, job: Job, kind: str, value: object) -> None:
        callbacks = self._callbacks.get(job.number)
        if kind != "progress":
            self._callbacks.pop(job.number, None)
        if callbacks is None or job.superseded or self._latest.get(job.key) is not job:
            return
        if not self._alive():
            return
        if kind == "progress":
            if callbacks.on_progress is not None and not job.cancelled:
                callbacks.on_progress(value)
            return
        then = self._then.pop(job.key, []) if kind == "done" else []
        if kind != "done":
            self._then.pop(job.key, None)
        if kind == "done":
            callbacks.on_done(value)
            for callback in then:
                callback()
        elif kind == "failed":
            if callbacks.on_failed is not None:
                callbacks.on_failed(str(value))
        elif kind == "cancelled" and callbacks.on_cancelled is not None:
            callbacks.on_cancelled()

"""The job runner: results and errors reach the GUI thread, newer jobs supersede older ones, a
closed owner hears nothing, and tests wait without sleeping."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from transfers_app.errors import TransfersError
from transfers_app.services.app import AppServices
from ui.context import UiContext
from ui.jobs import Job, JobCancelled, Jobs, error_text


@pytest.fixture
def jobs(qtbot: QtBot, ctx: UiContext) -> Jobs:
    """The background work of a widget the test's bot owns."""
    owner = QWidget()
    qtbot.addWidget(owner)
    return Jobs(owner, ctx)


def test_the_result_arrives_on_the_gui_thread(qtbot: QtBot, jobs: Jobs) -> None:
    seen: list[tuple[object, bool]] = []
    worker: list[bool] = []
    gui = threading.get_ident()

    def work(services: AppServices, job: Job) -> int:
        worker.append(threading.get_ident() == gui)
        return services.audit.counts().entities

    jobs.start(work, lambda n: seen.append((n, threading.get_ident() == gui)))
    assert jobs.busy()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(20, True)] and worker == [False]
    assert not jobs.busy()


def test_an_error_arrives_as_one_line(jobs: Jobs) -> None:
    done: list[object] = []
    failed: list[str] = []

    def broken(services: AppServices, job: Job) -> None:
        raise TransfersError("the register is locked by another user")

    jobs.start(broken, done.append, failed.append)
    assert jobs.wait(10_000)
    assert failed == ["the register is locked by another user"] and done == []
    assert error_text(FileNotFoundError(2, "No such file", "x.csv")) == "No such file (x.csv)"
    assert error_text(ValueError()) == "ValueError"
    assert error_text(KeyError("x")) == "KeyError: 'x'"


def test_a_newer_job_supersedes_an_older_one(qtbot: QtBot, jobs: Jobs) -> None:
    release = threading.Event()
    stopped: list[bool] = []
    ran: list[str] = []
    got: list[str] = []

    def first(services: AppServices, job: Job) -> str:
        ran.append("first")
        release.wait(10)
        stopped.append(job.cancelled)
        return "first"

    def named(name: str) -> Any:
        def work(services: AppServices, job: Job) -> str:
            ran.append(name)
            return name

        return work

    jobs.start(first, got.append)
    qtbot.waitUntil(lambda: ran == ["first"])
    jobs.start(named("second"), got.append)  # waits behind the first (one lane per owner)
    jobs.start(named("third"), got.append)  # supersedes the second before it starts
    release.set()
    assert jobs.wait(10_000)
    assert got == ["third"]  # the first's result is dropped, the second never ran
    assert ran == ["first", "third"] and stopped == [True]


def test_jobs_with_other_keys_are_kept(jobs: Jobs) -> None:
    got: list[str] = []
    jobs.start(lambda s, j: "rows", got.append, key="rows")
    jobs.start(lambda s, j: "status", got.append, key="status")
    assert jobs.wait(10_000)
    assert got == ["rows", "status"]


def test_a_closed_dialog_hears_nothing_and_nothing_breaks(qtbot: QtBot, ctx: UiContext) -> None:
    release = threading.Event()
    heard: list[object] = []
    dialog = QDialog()
    jobs = Jobs(dialog, ctx)
    jobs.start(lambda s, j: release.wait(10), heard.append)
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not _alive(dialog))
    release.set()
    assert jobs.wait(10_000)
    assert heard == []

    other = QDialog()
    qtbot.addWidget(other)
    closing = Jobs(other, ctx)
    release.clear()
    job = closing.start(lambda s, j: release.wait(10), heard.append)
    closing.close()  # the dialog was closed: its job is asked to stop, its result dropped
    assert job.cancelled
    release.set()
    assert closing.wait(10_000)
    assert heard == []


def test_cancel_progress_and_then(qtbot: QtBot, jobs: Jobs) -> None:
    release = threading.Event()
    progress: list[object] = []
    outcome: list[str] = []

    def steps(services: AppServices, job: Job) -> str:
        job.report((1, 3))
        release.wait(10)
        if not job.report((2, 3)):
            raise JobCancelled
        return "written"

    jobs.start(
        steps,
        lambda r: outcome.append(r),
        outcome.append,
        on_progress=progress.append,
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    qtbot.waitUntil(lambda: progress == [(1, 3)])
    jobs.cancel()
    release.set()
    assert jobs.wait(10_000)
    assert outcome == ["cancelled"] and progress == [(1, 3)]

    after: list[str] = []
    jobs.start(lambda s, j: "rows", outcome.append)
    jobs.then(lambda: after.append(f"then, after {outcome[-1]}"))
    assert after == []  # not yet: the rows are on their way
    assert jobs.wait(10_000)
    assert after == ["then, after rows"]
    jobs.then(lambda: after.append("at once"))  # nothing under way: at once
    assert after[-1] == "at once"


def _alive(obj: object) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(obj))

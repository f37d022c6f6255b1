"""Queue entry point: put builds on the queue (once per unchanged input), await reports."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dokureport.core.errors import ExitCode, InputError, Problem, SystemFailure
from dokureport.core.options import BuildOptions
from dokureport.pipeline import BuildResult, EventOutcome, batch_names
from dokureport.queue.key import JobSpec, job_key
from dokureport.queue.tasks import RESULT_SECONDS, TASK, failure_report, make_app


@dataclass(frozen=True)
class Job:
    """A build on the queue: its spec, its key (the job's id) and whether this call put
    it there or found it there already (queued, running or done)."""

    source: Path
    spec: JobSpec
    key: str
    sent: bool


def _claim(key: str) -> str:
    return f"dokureport:job:{key}"


@contextlib.contextmanager
def _reaching(broker: str) -> Iterator[None]:
    """A queue that cannot be reached is the machine's failure (74), not a bug."""
    import redis
    from kombu.exceptions import OperationalError

    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
            OperationalError) as exc:
        shown = re.sub(r"//[^@/]*@", "//…@", broker)  # never print a password
        raise SystemFailure([Problem(f"the queue at {shown} cannot be reached: {exc}",
                                     code="io-error")], ExitCode.IO_ERROR) from None


def enqueue(sources: Sequence[Path], out_dir: Path, options: BuildOptions,
            targets: Sequence[str], broker: str) -> list[Job]:
    """Put a build of each event on the queue, unless the same inputs are queued, being
    built or built already (then the job there is the one to wait for)."""
    with _reaching(broker):
        return _enqueue(sources, out_dir, options, targets, broker)


def _enqueue(sources: Sequence[Path], out_dir: Path, options: BuildOptions,
             targets: Sequence[str], broker: str) -> list[Job]:
    import redis

    if not out_dir.is_dir():
        raise InputError([Problem(f"--out-dir: {out_dir} is not a folder", code="output")])
    app = make_app(broker)
    store = redis.Redis.from_url(broker)
    jobs = []
    for source, name in zip(sources, batch_names(sources), strict=True):
        spec = JobSpec.of(source, out_dir, name, options, list(targets))
        key = job_key(spec)
        # One claim per key: of two enqueuers of one unchanged event only one sends it.
        sent = bool(store.set(_claim(key), name, nx=True, ex=RESULT_SECONDS))
        if not sent and _rebuild(app.AsyncResult(key)):
            store.set(_claim(key), name, ex=RESULT_SECONDS)
            sent = True
        if sent:
            try:
                app.send_task(TASK, args=[spec.as_json()], task_id=key)
            except BaseException:
                store.delete(_claim(key))
                raise
        jobs.append(Job(source, spec, key, sent))
    return jobs


def _rebuild(result: Any) -> bool:
    """Whether a job found on the queue must run again: it failed in a way the same
    inputs need not (the machine, a bug, a lost worker), or its outputs are gone."""
    if result.state in ("FAILURE", "REVOKED"):
        return True
    if result.state != "SUCCESS":
        return False  # queued, running or waiting to retry: wait for it
    report = result.result
    if not isinstance(report, dict) or report.get("exit_code") not in (ExitCode.BUILT,
                                                                        ExitCode.BAD_INPUT):
        return True
    return not all(Path(o["path"]).is_file() for o in report.get("outputs", []))


def wait(jobs: Sequence[Job], broker: str) -> list[EventOutcome]:
    """Each job's outcome, in the order given, once its build report is there."""
    with _reaching(broker):
        return _wait(jobs, broker)


def _wait(jobs: Sequence[Job], broker: str) -> list[EventOutcome]:
    app = make_app(broker)
    outcomes = []
    for job in jobs:
        began = time.perf_counter()
        result = app.AsyncResult(job.key)
        report = result.get(propagate=False, interval=0.2)
        if result.state != "SUCCESS" or not isinstance(report, dict):
            # The build process died: the worker wrote this report beside the PDF's place.
            report = failure_report(job.spec, result.result)
        outcomes.append(outcome(job, report, time.perf_counter() - began))
    return outcomes


def outcome(job: Job, report: dict[str, Any], waited: float) -> EventOutcome:
    """A batch's outcome from a job's build report (the summary table reads it)."""
    out_dir = Path(job.spec.out_dir)
    warnings = tuple(_problem(p) for p in report["problems"] if p["severity"] == "warning")
    errors = tuple(_problem(p) for p in report["problems"] if p["severity"] == "error")
    brochures = [o for o in report["outputs"] if o["kind"] == "brochure"]
    booklets = {o["target"]: o for o in report["outputs"] if o["kind"] == "booklet"}
    results = tuple(
        BuildResult(output=Path(o["path"]), pages=o["pages"],
                    warnings=warnings if i == 0 else (), target=o["target"],
                    booklet=Path(booklets[o["target"]]["path"])
                    if o["target"] in booklets else None,
                    sheet_sides=booklets[o["target"]]["pages"]
                    if o["target"] in booklets else 0)
        for i, o in enumerate(brochures))
    seconds = sum(t["seconds"] for t in report["timings"]) or waited
    return EventOutcome(job.source, out_dir / f"{job.spec.name}.pdf",
                        out_dir / f"{job.spec.name}.report.json", int(report["exit_code"]),
                        results, errors, seconds)


def _problem(data: dict[str, Any]) -> Problem:
    return Problem(data["message"], file=Path(data["file"]) if data["file"] else None,
                   line=data["line"], column=data["column"], key_path=data["key_path"] or "",
                   code=data["code"])

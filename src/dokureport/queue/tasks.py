"""Queue entry point: the Celery app and its one task, a brochure build, run by a worker."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded

from dokureport.core.errors import DokureportError, ExitCode, Problem
from dokureport.core.options import BuildOptions
from dokureport.pipeline import BuildTrace, build_brochures, planned_outputs
from dokureport.queue.key import JobSpec
from dokureport.report import build_report, write_report

TASK = "dokureport.build"
QUEUE = "dokureport"
MACHINE_FAILURES = (ExitCode.CANNOT_CREATE, ExitCode.IO_ERROR)
RESULT_SECONDS = 7 * 24 * 3600  # how long a job's report (and its key) is kept
# A worker looks for lost jobs every 2 s under a lock in Redis. The look takes
# milliseconds (50 ms at most on a loaded machine), but a worker killed during it leaves
# the lock behind until it expires: kombu's 300 s kept the dead worker's job, and every
# other lost one, from coming back for five minutes, whatever --lost-after said.
SWEEP_LOCK_SECONDS = 10


@dataclass(frozen=True)
class WorkerSettings:
    """How a worker runs its builds. A message comes back to the queue `lost_after`
    seconds after a worker took it without finishing (the worker died): longer than
    the hard time limit, or a build still running would be started twice."""

    time_limit: float = 600.0  # seconds; the build then fails (a hostile event)
    max_jobs_per_child: int = 20
    max_memory_per_child: int | None = None  # MiB; a build process over it is replaced
    concurrency: int = 1
    retries: int = 3  # of a machine failure (73/74), with backoff
    backoff: float = 5.0  # seconds before the first retry; doubled each time
    lost_after: float | None = None  # None: a minute after the hard time limit
    cache_dir: Path | None = None
    exit_when_idle: float | None = None  # seconds without a job; None: run until stopped

    @property
    def hard_time_limit(self) -> float:
        """When a build process that ignored its time limit (stuck in C code) is killed."""
        return self.time_limit + min(10.0, self.time_limit / 4)

    @property
    def visibility_timeout(self) -> float:
        if self.lost_after is not None:
            return self.lost_after
        return self.hard_time_limit + 60


_settings = WorkerSettings()  # the worker's, inherited by its forked build processes


def make_app(broker: str, settings: WorkerSettings | None = None) -> Celery:
    """The Celery app on `broker` (a redis:// URL), which also keeps the jobs' reports."""
    settings = settings or _settings
    app = Celery("dokureport", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_default_queue=QUEUE,
        # A message is acknowledged when its build ends, not when a worker takes it: a
        # worker that dies mid-build leaves it to come back (after the visibility
        # timeout) for another. A build process that dies on its own (a hostile event
        # crashing it, or killed at its time limit) fails the job instead: redelivered,
        # it would kill the next one too.
        task_acks_late=True, task_reject_on_worker_lost=False,
        worker_prefetch_multiplier=1,  # a worker holds only what it is building
        task_track_started=True,
        result_expires=RESULT_SECONDS,
        result_extended=True,
        task_soft_time_limit=settings.time_limit,
        task_time_limit=settings.hard_time_limit,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout,
            # Look for lost messages every 2 s, not every 100 s (10 × 10 s).
            "unacked_restore_interval": 2, "unacked_restore_throttle": 1,
            # Two workers looking at once is harmless (each job is put back in a
            # transaction that finds it gone if the other did), a stale lock is not.
            "unacked_mutex_expire": SWEEP_LOCK_SECONDS,
        },
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK, bind=True, acks_late=True, base=_BuildTask)(build_job)
    return app


class _BuildTask(Task):
    """The build task, with the report of a build whose process died."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any,
                   einfo: Any) -> None:
        # Runs in the worker itself when the build process was killed at the hard time
        # limit or died: the build could not write its report, so the worker does.
        spec = JobSpec.from_json(args[0])
        with contextlib.suppress(OSError):
            write_report(failure_report(spec, exc),
                         Path(spec.out_dir) / f"{spec.name}.report.json")


def failure_report(spec: JobSpec, error: BaseException) -> dict[str, Any]:
    """The report of a job whose build process died: killed at the hard time limit, or
    crashed (a bug, or memory)."""
    from celery.exceptions import TimeLimitExceeded

    if isinstance(error, TimeLimitExceeded):
        limit = error.args[0] if error.args else 0
        problem, code = time_limit_problem(float(limit), killed=True), ExitCode.BAD_INPUT
    else:
        problem = Problem(f"the build process died: {type(error).__name__}: {error}",
                          code="internal")
        code = ExitCode.BUG
    return build_report(command="build", source=Path(spec.source), exit_code=code,
                        errors=[problem])


def build_job(task: Task, spec_json: dict[str, Any]) -> dict[str, Any]:
    """Build one event (in a worker's build process); return its build report."""
    spec = JobSpec.from_json(spec_json)
    source, out_dir = Path(spec.source), Path(spec.out_dir)
    output, report_path = out_dir / f"{spec.name}.pdf", out_dir / f"{spec.name}.report.json"
    options = BuildOptions(**spec.options, jobs=1, cache_dir=_settings.cache_dir)
    attempt = task.request.retries + 1
    print(f"dokureport: building {spec.source} → {output} (job {task.request.id}, "
          f"attempt {attempt}, process {os.getpid()})", file=sys.stderr, flush=True)
    if (task.request.delivery_info or {}).get("redelivered"):
        # The worker that had it died mid-build: its temporary files are nobody's now.
        _remove_parts(planned_outputs(output, spec.targets, options.booklet,  # type: ignore[arg-type]
                                      report_path))
    trace = BuildTrace(source=source)
    try:
        build_brochures(source, output, options, spec.targets, trace,  # type: ignore[arg-type]
                        report_path)
        return json.loads(report_path.read_text(encoding="utf-8"))
    except SoftTimeLimitExceeded:
        code, problems = int(ExitCode.BAD_INPUT), [time_limit_problem(_settings.time_limit)]
    except DokureportError as exc:
        code, problems = int(exc.exit_code), exc.problems
        if code in MACHINE_FAILURES and task.request.retries < _settings.retries:
            raise task.retry(countdown=_backoff(task.request.retries),
                             max_retries=_settings.retries) from None
    except Exception as exc:  # a bug with one event must not cost the worker
        code = int(ExitCode.BUG)
        problems = [Problem(f"internal error: {type(exc).__name__}: {exc}", code="internal")]
    report = build_report(command="build", source=source, exit_code=code,
                          errors=problems, withheld=trace.withheld,
                          timings=trace.timings,
                          checks=trace.checks)
    with contextlib.suppress(OSError):  # the report is the job's result all the same
        write_report(report, report_path)
    return report


def time_limit_problem(seconds: float, killed: bool = False) -> Problem:
    """A build stopped at the time limit, or its process killed when it did not stop."""
    if killed:
        return Problem(f"the build did not stop at the worker's time limit: its process was "
                       f"killed after {seconds:g} s; not retried", code="time-limit")
    return Problem(f"the build took longer than the worker's time limit ({seconds:g} s) "
                   "and was stopped; not retried", code="time-limit")


def _backoff(retries: int) -> float:
    """Seconds before retry number `retries + 1`: doubling, and always well inside the
    visibility timeout (a message waiting longer would be handed out twice)."""
    return min(_settings.backoff * 2 ** retries, _settings.visibility_timeout / 2)


def _remove_parts(planned: list[Any]) -> None:
    for item in planned:
        path: Path = item.path
        for part in path.parent.glob(f".{path.name}.*.part"):
            with contextlib.suppress(OSError):
                part.unlink()


def run_worker(broker: str, settings: WorkerSettings) -> int:
    """Run a worker until it is stopped (SIGTERM: it finishes its builds first)."""
    from celery.signals import worker_process_init, worker_ready

    global _settings
    _settings = settings
    app = make_app(broker, settings)

    @worker_process_init.connect(weak=False)
    def may_start_processes(**_: Any) -> None:
        # Billiard marks a build process a daemon, and multiprocessing refuses a daemon
        # children; but its photos are decoded in a pool of their own (forkserver), apart
        # from the layout as in any build. The pool's workers end with their build
        # process: they read their tasks from a pipe it holds.
        import multiprocessing
        from multiprocessing.process import AuthenticationString

        import billiard

        for process in (multiprocessing.current_process(), billiard.current_process()):
            process._config["daemon"] = False  # type: ignore[attr-defined]
        # The forkserver sends the key to its workers: billiard's kind of key refuses to
        # be pickled by the standard library's process starter.
        current = multiprocessing.current_process()
        current._config["authkey"] = AuthenticationString(  # type: ignore[attr-defined]
            bytes(current.authkey))

    @worker_ready.connect(weak=False)
    def ready(**_: Any) -> None:
        print(f"dokureport: worker {os.getpid()} ready on {QUEUE!r}: {settings.concurrency} "
              f"build process(es), time limit {settings.time_limit:g} s, lost jobs back "
              f"after {settings.visibility_timeout:g} s", file=sys.stderr, flush=True)
        if settings.exit_when_idle is not None:
            threading.Thread(target=_stop_when_idle, args=(settings.exit_when_idle,),
                             daemon=True, name="dokureport-idle").start()

    worker = app.Worker(
        hostname=f"dokureport-{os.getpid()}@{socket.gethostname()}",
        queues=[QUEUE], pool="prefork", concurrency=settings.concurrency,
        max_tasks_per_child=settings.max_jobs_per_child,
        # Checked after each build: the process is replaced once its resident size
        # is over it (the build that grew it has finished).
        max_memory_per_child=(settings.max_memory_per_child * 1024
                              if settings.max_memory_per_child else None),
        loglevel="WARNING", without_gossip=True, without_mingle=True, quiet=True,
    )
    worker.start()
    return int(worker.exitcode or 0)


def _stop_when_idle(seconds: float) -> None:
    """Stop the worker warmly (SIGTERM to itself) once it has had no job for `seconds`:
    a worker run as a Kubernetes Job ends when the queue is empty."""
    from celery.worker import state

    idle_since = time.monotonic()
    while True:
        time.sleep(min(0.5, seconds / 4))
        # Reserved: taken from the queue, waiting (a retry's countdown) or building.
        if state.active_requests or state.reserved_requests:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= seconds:
            print(f"dokureport: worker {os.getpid()} had no job for {seconds:g} s: stopping",
                  file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGTERM)
            return

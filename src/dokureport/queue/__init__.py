"""Entry point: brochures built as jobs on a Celery queue over Redis (the `queue` extra).

`key` names a job by its inputs, `tasks` is what a worker runs, `client` puts jobs on the
queue and waits for their reports. Nothing below the entry points imports Celery.
"""

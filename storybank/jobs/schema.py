"""The job queue's own database objects (procrastinate, PostgreSQL only): its schema as the
installed library ships it, how to drop it, and which names the drift check must skip."""

from __future__ import annotations

from importlib import resources

JOB_QUEUE_PREFIX = "procrastinate_"
_TABLES = ("events", "periodic_defers", "jobs", "workers")
_TYPES = ("job_to_defer_v1", "job_event_type", "job_status")


def job_queue_schema() -> str:
    """procrastinate's schema SQL, read from the installed package (never downloaded)."""
    return (resources.files("procrastinate.sql") / "schema.sql").read_text(encoding="utf-8")


def drop_job_queue_schema() -> str:
    """SQL that removes every procrastinate table, function and type (the downgrade)."""
    tables = ", ".join(f"{JOB_QUEUE_PREFIX}{name}" for name in _TABLES)
    types = ", ".join(f"{JOB_QUEUE_PREFIX}{name}" for name in _TYPES)
    return f"""
        DROP TABLE IF EXISTS {tables} CASCADE;
        DO $$ DECLARE f record; BEGIN
          FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'
          LOOP EXECUTE 'DROP FUNCTION ' || f.sig || ' CASCADE'; END LOOP;
        END $$;
        DROP TYPE IF EXISTS {types} CASCADE;
    """


def is_job_queue_object(name: str | None) -> bool:
    """Whether a table or index belongs to the job queue, which the models do not declare."""
    return (name or "").startswith(JOB_QUEUE_PREFIX) or (name or "").startswith(
        f"idx_{JOB_QUEUE_PREFIX}"
    )

"""The sample service: a bundle shipped in fixtures/demo, loaded by the importer, and
what a newcomer should see of it first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models
from .annual import annual_report
from .bundle.importer import ImportResult, import_bundle
from .compliance import due, summary
from .db import display_url, sqlite_path
from .errors import Conflict
from .policy import Policy
from .succession import succession_report
from .views import names

REMINDER_DAYS = 60


def demo_bundle() -> Path:
    from mbp_registry import fixtures

    return Path(fixtures.__file__).resolve().parent / "demo"


def load_demo(session: Session, *, actor: str) -> ImportResult:
    """Load the sample service into an empty registry (a registry holding it already is fine)."""
    bundle = demo_bundle()
    holds_data = session.scalar(select(func.count()).select_from(models.Person)) or session.scalar(
        select(func.count()).select_from(models.Organisation)
    )
    if holds_data:
        preview = import_bundle(session, bundle, actor=actor, dry_run=True)
        if any(c.added or c.updated for c in preview.counts.values()):
            raise Conflict(
                "this database already holds other data; the demo loads only into an empty one "
                "(use --db with a new file, e.g. --db demo.db)"
            )
        return preview
    return import_bundle(session, bundle, actor=actor)


def demo(session: Session, *, actor: str, today: dt.date, policy: Policy) -> dict:
    """Load the sample service and gather its first reports: the records loaded, the
    succession report (with everybody's names), the compliance summary, the reminders due
    within REMINDER_DAYS, and this year's annual report figures with the folder to write
    them to (next to the SQLite database file, else the current folder)."""
    load_demo(session, actor=actor)
    url = session.get_bind().url
    database = sqlite_path(url)
    return {
        "database": display_url(url),
        "counts": record_counts(session),
        "succession": succession_report(session, as_of=today, max_supervisees=policy.max_supervisees),
        "names": names(session),
        "compliance": summary(session, as_of=today, policy=policy),
        "reminders": due(session, as_of=today, within=REMINDER_DAYS, policy=policy),
        "annual_report": annual_report(session, today.year, policy, today=today),
        "report_folder": database.resolve().parent if database else Path.cwd(),
    }


def record_counts(session: Session) -> list[dict]:
    """How many records of each kind the registry holds."""
    tables = [
        ("organisations", models.Organisation),
        ("programmes", models.Programme),
        ("people", models.Person),
        ("stages", models.Stage),
        ("training records", models.Training),
        ("supervision links", models.SupervisionLink),
        ("supervision sessions", models.SupervisionSession),
        ("CPD activities", models.CpdActivity),
        ("retreats", models.Retreat),
        ("courses", models.Course),
        ("nominations", models.Nomination),
        ("assessments", models.Assessment),
        ("course outcomes", models.CourseOutcome),
    ]
    return [
        {"records": label, "count": session.scalar(select(func.count()).select_from(model))}
        for label, model in tables
    ]

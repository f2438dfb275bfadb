"""The sample service: a bundle shipped in fixtures/demo, loaded by the importer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models
from .bundle.importer import ImportResult, import_bundle
from .errors import Conflict


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


def record_counts(session: Session) -> list[dict]:
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
    ]
    return [
        {"records": label, "count": session.scalar(select(func.count()).select_from(model))}
        for label, model in tables
    ]

"""A small service for the reminder tests, loaded with `import`, dated from AS_OF.

Every teacher does no mindfulness-based work in the window (no course, no session
held, nobody trained), so each needs 30 CPD hours, 5 retreat days and 1 session; their
records are dated so that each lapses on a day worked out by hand (a record dated r
leaves the window on r + 365 days):

- T1 Tara One: her 30 CPD hours leave on 2026-07-25 (AS_OF + 25); "needs 30 more CPD
  hours" by 2026-07-24; supervised by S1 and S2 (S2's address is not one mail can go
  to, so only S1 is copied);
- T2 Tom Two: a 3-day retreat leaves on 2026-08-04 (AS_OF + 35), leaving 2 days: "needs
  3 more retreat days"; his link with S1 ended, none with a valid address is current;
- T3 Una Three: no email; lapses on AS_OF + 40;
- T4 Val Four: the email "val@localhost", which the registry takes but mail cannot go
  to; lapses on AS_OF + 45;
- T5 Wil Five: lapses on AS_OF + 90 (outside the default 60 days);
- T6 Xena Six: only 10 CPD hours: not compliant ("needs 20 more CPD hours").

Sessions are given by SUP0, a supervisor on leave (not assessed, copied on nothing).
S1 and S2 are supervisors whose own records are recent (they lapse long after).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers import csv_of, ok, table_rows

AS_OF = "2026-06-30"
SENDER = "Training Lead <lead@example.org>"
SEND = ("reminders", "send", "--as-of", AS_OF, "--from", SENDER)
AS_OF_DATE = dt.date.fromisoformat(AS_OF)

EMAILS = {
    "S1": "sue.pervisor@example.org",
    "S2": "stan@localhost",
    "T1": "tara.one@example.org",
    "T2": "tom.two@example.org",
    "T4": "val@localhost",
    "T5": "wil.five@example.org",
    "T6": "xena.six@example.org",
}
NAMES = {
    "SUP0": "Sam Senior", "S1": "Sue Pervisor", "S2": "Stan Second", "T1": "Tara One", "T2": "Tom Two",
    "T3": "Una Three", "T4": "Val Four", "T5": "Wil Five", "T6": "Xena Six",
}


def before(days: int) -> str:
    return (AS_OF_DATE - dt.timedelta(days=days)).isoformat()


def _records() -> tuple[list, list, list]:
    """(cpd, retreats, sessions) rows."""
    cpd, retreats, sessions = [], [], []
    for ref in ("S1", "S2"):
        cpd.append([ref, before(10), 30, "course", ""])
        retreats.append([ref, before(10), 5, "Retreat Centre"])
        sessions.append(["SUP0", ref, before(10), 60, "individual"])
    cpd_on = {"T1": 340, "T2": 100, "T3": 325, "T4": 320, "T5": 275, "T6": 100}
    for ref, days in cpd_on.items():
        cpd.append([ref, before(days), 10 if ref == "T6" else 30, "course", ""])
        sessions.append(["SUP0", ref, before(100), 60, "individual"])
        if ref == "T2":
            retreats += [[ref, before(330), 3, "Retreat Centre"], [ref, before(100), 2, "Retreat Centre"]]
        else:
            retreats.append([ref, before(100), 5, "Retreat Centre"])
    return cpd, retreats, sessions


def load_service(run, directory: Path) -> None:
    people = [["ref", "name", "email", "organisation", "status"]]
    stages = [["person", "programme", "stage", "attained_on"]]
    for ref, name in NAMES.items():
        people.append([ref, name, EMAILS.get(ref, ""), "ORG-A", "on_leave" if ref == "SUP0" else "active"])
        stages.append([ref, "MBCT", "supervisor" if ref.startswith("S") else "teacher", "2010-01-01"])
    links = [
        ["supervisor", "supervisee", "programme", "started_on", "ended_on"],
        ["S1", "T1", "MBCT", "2020-01-01", ""],
        ["S2", "T1", "MBCT", "2020-01-01", ""],
        ["S1", "T2", "MBCT", "2020-01-01", "2024-01-01"],
        ["S2", "T2", "MBCT", "2024-01-02", ""],
    ]
    cpd, retreats, sessions = _records()
    files = {
        "organisations.csv": [["code", "name", "region"], ["ORG-A", "Org A", "North"]],
        "programmes.csv": [["code", "name"], ["MBCT", "Mindfulness-Based Cognitive Therapy"]],
        "people.csv": people,
        "stages.csv": stages,
        "supervision.csv": links,
        "cpd.csv": [["person", "date", "hours", "category", "description"], *cpd],
        "retreats.csv": [["person", "start_on", "days", "led_by"], *retreats],
        "sessions.csv": [["supervisor", "supervisee", "held_on", "minutes", "kind"], *sessions],
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (directory / name).write_text(csv_of(rows), encoding="utf-8", newline="")
    ok(run, "import", str(directory))


@pytest.fixture
def service(run, engine, tmp_path):
    """The service above, loaded; the `run` of the test."""
    load_service(run, tmp_path / "bundle")
    return run


@pytest.fixture(autouse=True)
def no_mail_settings(monkeypatch, tmp_path):
    """No mail setting from the environment or a configuration file of the machine (a
    test module imports it to use it)."""
    for name in ("MBP_REGISTRY_SMTP", "MBP_REGISTRY_FROM", "MBP_REGISTRY_SMTP_CAFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MBP_REGISTRY_CONFIG", str(tmp_path / "no-config.toml"))


def reminders_sent(engine) -> list[tuple]:
    """(person ref, lapses_on, shortfalls, copied refs) of each reminder recorded, by id."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT r.id, p.ref, r.lapses_on, r.shortfalls FROM reminders r JOIN people p ON p.id = r.person_id ORDER BY r.id"
        )).all()
        copies = connection.execute(text(
            "SELECT c.reminder_id, p.ref FROM reminder_copies c JOIN people p ON p.id = c.person_id ORDER BY p.ref"
        )).all()
    return [
        (ref, str(lapses_on) if lapses_on else None, shortfalls, [who for rid, who in copies if rid == reminder_id])
        for reminder_id, ref, lapses_on, shortfalls in rows
    ]


def everything_stored(engine) -> str:
    """Every value of every table, as text."""
    return json.dumps(table_rows(engine), default=str)

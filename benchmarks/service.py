"""The service measured: a generated bundle, a fresh database for it, and valid new rows
for the one-row commands (`supervision log`, `cpd log`, `retreat log`).

Databases are named after this process (a SQLite file in the work folder, a schema on
PostgreSQL), so that two benchmarks on one machine do not meet, and are dropped after.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from measure import registry_command

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_CONNINFO = "host=127.0.0.1 user=postgres dbname=test"
SEED = 1


def _database_name(name: int | str) -> str:
    return f"bench_{os.getpid()}_{name}"


def prepare_database(backend: str, name: int | str, work: Path) -> tuple[str, str]:
    """A fresh, empty database named after `name` (a size, say): (the --db URL, what
    floor.py connects with)."""
    if backend == "sqlite":
        path = work / f"{_database_name(name)}.db"
        drop_database(backend, name, work)
        return str(path), str(path)
    import psycopg

    schema = _database_name(name)
    with psycopg.connect(PG_CONNINFO, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema}")
    return f"{PG_BASE}?options=-csearch_path%3D{schema}", f"{PG_CONNINFO} options=-csearch_path={schema}"


def drop_database(backend: str, name: int | str, work: Path) -> None:
    if backend == "sqlite":
        for leftover in work.glob(f"{_database_name(name)}.db*"):
            leftover.unlink()
        return
    import psycopg

    with psycopg.connect(PG_CONNINFO, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {_database_name(name)} CASCADE")


def bundle_for(size: int, work: Path) -> tuple[Path, int]:
    """The generated bundle of `size` people (seed 1), made once and kept in the work
    folder, and how many rows its files hold."""
    folder = work / f"bundle-{size}"
    if not (folder / "people.csv").exists():  # made by its own process, to keep this one small
        making = work / f"bundle-{size}.{os.getpid()}"
        shutil.rmtree(making, ignore_errors=True)
        generate = ["fixtures", "generate", str(making), "--people", str(size), "--seed", str(SEED)]
        subprocess.run([*registry_command(), *generate], check=True, stdout=subprocess.DEVNULL)
        making.rename(folder)
    rows = 0
    for path in folder.glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            rows += sum(1 for _ in csv.reader(handle)) - 1
    return folder, rows


def _rows(bundle: Path, name: str):
    with open(bundle / name, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _settled_people(bundle: Path, today: dt.date) -> set[str]:
    """Active people who joined over a year ago."""
    year_ago = (today - dt.timedelta(days=365)).isoformat()
    return {p["ref"] for p in _rows(bundle, "people.csv") if p["status"] == "active" and p["joined_on"] <= year_ago}


def _free_days(taken: set[str], today: dt.date, count: int) -> list[str]:
    """`count` days before today, latest first, that are not in `taken`."""
    days, day = [], today
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if day.isoformat() not in taken:
            days.append(day.isoformat())
    return days


def _supervision_pair(bundle: Path, settled: set[str], today: dt.date) -> tuple[str, str, str]:
    """A current supervision link between two settled people, started over a year ago."""
    year_ago = (today - dt.timedelta(days=365)).isoformat()
    for link in _rows(bundle, "supervision.csv"):
        if (not link["ended_on"] and link["started_on"] <= year_ago
                and link["supervisor"] in settled and link["supervisee"] in settled):
            return link["supervisor"], link["supervisee"], link["programme"]
    raise SystemExit("no current supervision link between active people in the bundle")


def log_commands(bundle: Path, runs: int, today: dt.date) -> dict[str, list[list[str]]]:
    """For each one-row command, the arguments of `runs` runs, each a new row that the
    registry accepts: a current link between active people on days they have no session,
    a CPD activity of its own description, a one-day retreat on a day with none."""
    settled = _settled_people(bundle, today)
    supervisor, supervisee, programme = _supervision_pair(bundle, settled, today)
    held = {s["held_on"] for s in _rows(bundle, "sessions.csv")
            if s["supervisor"] == supervisor and s["supervisee"] == supervisee}
    person = min(settled)
    retreat_days = {r["start_on"] for r in _rows(bundle, "retreats.csv") if r["person"] == person}
    sessions = [
        ["supervision", "log", "--supervisor", supervisor, "--supervisee", supervisee, "--date", day,
         "--minutes", "60", "--kind", "individual", "--programme", programme]
        for day in _free_days(held, today, runs)
    ]
    activities = [
        ["cpd", "log", "--person", person, "--date", today.isoformat(), "--hours", "1.5",
         "--category", "reading", "--description", f"Benchmark reading {run + 1}"]
        for run in range(runs)
    ]
    retreats = [
        ["retreat", "log", "--person", person, "--start", day, "--days", "1", "--led-by", "Benchmark"]
        for day in _free_days(retreat_days, today, runs)
    ]
    return {"supervision log": sessions, "cpd log": activities, "retreat log": retreats}

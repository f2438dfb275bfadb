"""Every command of the targets at one size on one database, each run `runs` times.

The import runs first, each time into a new database (the last one is kept). The
reports then run in rounds: each round runs every report once, in the same order, so
that a change in the machine's load falls on all of them alike (and on each command
and its SQL floor alike). The floors are checked to give the commands' answers. Last
come the one-row commands, each run a new row, and `--help`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from measure import load_average, registry_command, run_once, samples_of
from service import bundle_for, drop_database, log_commands, prepare_database

HERE = Path(__file__).resolve().parent
FLOOR_KEYS = ("person", "compliant", "lapses_on", "practising", "practising_as")


@dataclass
class Step:
    """One measured command: its name in the tables, its arguments, and what to do
    before each run (clear an output folder, say)."""

    name: str
    args: list[str]
    before: Callable[[], None] | None = None


def record(backend: str, size: int, command: str, runs: list[dict], note: str = "", **extra) -> dict:
    return {"backend": backend, "size": size, "command": command, **samples_of(runs), "note": note, **extra}


def help_groups(cli: list[str]) -> list[str]:
    """The command groups of the root `--help` (those whose own help lists commands)."""
    _, root, _ = run_once([*cli, "--help"])
    listed = root.split("\nCommands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in listed if line.startswith("  ") and line.strip()]
    return [name for name in names if "\nCommands:\n" in run_once([*cli, name, "--help"])[1]]


def measure_import(backend: str, size: int, work: Path, runs: int, bundle: Path, rows: int) -> tuple[dict, str, str]:
    """The import of `bundle` (`rows` rows), each run into a new database: (its record,
    the --db URL of the last database, what floor.py connects to it with)."""
    cli = registry_command()
    samples = []
    db = floor_target = ""
    for _ in range(runs):
        db, floor_target = prepare_database(backend, size, work)
        run_once([*cli, "--db", db, "init"])
        samples.append(run_once([*cli, "--db", db, "import", str(bundle)])[0])
    return record(backend, size, "import", samples, f"{rows:,} rows", rows=rows), db, floor_target


def outputs(work: Path, backend: str) -> tuple[Path, Path]:
    """Where `export` and `report annual` write, named after this process."""
    return work / f"export-{os.getpid()}-{backend}", work / f"annual-{os.getpid()}-{backend}.html"


def report_steps(base: list[str], backend: str, floor_target: str, work: Path, anonymise: bool) -> list[Step]:
    today = dt.date.today().isoformat()
    floor = [sys.executable, str(HERE / "floor.py"), backend, floor_target, today]
    export, annual = outputs(work, backend)
    leaving = _leaving(base, today)
    steps = [
        Step("cpd compliance", [*base, "cpd", "compliance", "--as-of", today, "--format", "json"]),
        Step("SQL floor: cpd compliance", floor),
        Step("cpd due", [*base, "cpd", "due", "--as-of", today, "--within", "60", "--format", "json"]),
        Step("SQL floor: cpd due", [*floor, "60"]),
        Step("succession report", [*base, "succession", "report", "--as-of", today, "--format", "json"]),
        Step("succession what-if", [*base, "succession", "what-if", "--without", leaving, "--as-of", today, "--format", "json"]),
        Step("export", [*base, "export", str(export)], before=lambda: shutil.rmtree(export, ignore_errors=True)),
        Step("report annual (HTML)", [*base, "report", "annual", "--out", str(annual)]),
    ]
    if anonymise:
        steps.append(Step("report annual --anonymise", [*base, "report", "annual", "--anonymise", "--out", str(annual)]))
    return steps


def _leaving(base: list[str], today: str) -> str:
    """Someone whose leaving the what-if asks about: a single point of failure, else a trainer."""
    _, out, _ = run_once([*base, "succession", "report", "--as-of", today, "--format", "json"])
    succession = json.loads(out)
    risks = succession["single_points_of_failure"]
    if risks:
        return risks[0]["person"]
    return next(iter(succession["trainer_generations"].values())).popitem()[0]


def in_rounds(steps: list[Step], runs: int) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Each step run `runs` times, round by round: (the samples of each, the output of
    each one's first run)."""
    samples: dict[str, list[dict]] = {step.name: [] for step in steps}
    first: dict[str, str] = {}
    for _ in range(runs):
        for step in steps:
            if step.before:
                step.before()
            sample, out, _ = run_once(step.args)
            samples[step.name].append(sample)
            first.setdefault(step.name, out)
    return samples, first


def check_floors(first: dict[str, str]) -> None:
    """The floors must give the commands' answers, or their times compare nothing."""
    report = json.loads(first["cpd compliance"])["people"]
    floor = [json.loads(line) for line in first["SQL floor: cpd compliance"].splitlines()]
    if floor != [{key: person[key] for key in FLOOR_KEYS} for person in report]:
        raise SystemExit("the SQL floor and `cpd compliance` disagree")
    due = [{"person": p["person"], "lapses_on": p["lapses_on"]} for p in json.loads(first["cpd due"])]
    if due != [json.loads(line) for line in first["SQL floor: cpd due"].splitlines()]:
        raise SystemExit("the SQL floor and `cpd due` disagree")


def measure_logs(base: list[str], bundle: Path, runs: int) -> dict[str, list[dict]]:
    """The one-row commands, round by round, each run a new row."""
    commands = log_commands(bundle, runs, dt.date.today())
    samples: dict[str, list[dict]] = {name: [] for name in commands}
    for run in range(runs):
        for name, arguments in commands.items():
            samples[name].append(run_once([*base, *arguments[run]])[0])
    return samples


def measure_help(cli: list[str], groups: list[str], runs: int) -> tuple[list[dict], list[dict], str]:
    """(the root `--help`'s runs, the runs of the slowest group's `--help`, its name);
    the slowest is the one of the highest median wall time."""
    root = [run_once([*cli, "--help"])[0] for _ in range(runs)]
    by_group = {group: [run_once([*cli, group, "--help"])[0] for _ in range(runs)] for group in groups}
    slowest = max(groups, key=lambda group: sorted(run["wall"] for run in by_group[group])[runs // 2])
    return root, by_group[slowest], slowest


def measure_size(backend: str, size: int, work: Path, options: dict) -> tuple[list[dict], float]:
    """Every command at `size` people on `backend`: (the records, the load average at the start)."""
    runs, cli = options["runs"], registry_command()
    bundle, rows = bundle_for(size, work)
    load = load_average()
    imported, db, floor_target = measure_import(backend, size, work, runs, bundle, rows)
    results = [imported]
    base = [*cli, "--db", db]
    try:
        samples, first = in_rounds(report_steps(base, backend, floor_target, work, options["anonymise"]), runs)
        check_floors(first)
        results += [record(backend, size, name, runs_of) for name, runs_of in samples.items()]
        logs = measure_logs(base, bundle, runs)
        results += [record(backend, size, name, runs_of, "one new row each run") for name, runs_of in logs.items()]
    finally:
        drop_database(backend, size, work)
        export, annual = outputs(work, backend)
        shutil.rmtree(export, ignore_errors=True)
        annual.unlink(missing_ok=True)
    root, slowest, group = measure_help(cli, options["groups"], runs)
    results.append(record(backend, size, "--help", root))
    note = f"`{group} --help`, of {len(options['groups'])} groups"
    results.append(record(backend, size, "slowest group --help", slowest, note))
    return results, load

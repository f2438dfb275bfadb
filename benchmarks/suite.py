"""Every command of the targets at one size, on each database, each run `runs` times.

The import runs first, each time into a new database (the last one is kept). Then
every command runs in rounds: each round runs each command once on each database, side
by side, in the same order (the reports beside their SQL floors, then `supervision
log`, `cpd log` and `retreat log`, each run a new row, then `--help` and each group's
`--help`), so that a change in the machine's load falls on all of them alike: on a
command and its floor, and on SQLite and PostgreSQL. The floors are checked to give
the commands' answers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
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
    """One measured command: its name in the tables, its arguments, what to do before
    each run (clear an output folder, say), and the database it runs on."""

    name: str
    args: list[str]
    before: Callable[[], None] | None = None
    varying: list[list[str]] | None = None  # arguments added, run by run
    note: str = ""
    backend: str = ""


def record(backend: str, size: int, command: str, runs: list[dict], note: str = "", **extra) -> dict:
    return {"backend": backend, "size": size, "command": command, **samples_of(runs), "note": note, **extra}


def help_groups(cli: list[str]) -> list[str]:
    """The command groups of the root `--help` (those whose own help lists commands)."""
    _, root, _ = run_once([*cli, "--help"])
    listed = root.split("\nCommands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in listed if line.startswith("  ") and line[2:3].strip()]
    return [name for name in names if "\nCommands:\n" in run_once([*cli, name, "--help"])[1]]


def measure_imports(backends: list[str], size: int, work: Path, runs: int, bundle: Path, rows: int) -> tuple[list, dict]:
    """The import of `bundle` (`rows` rows), round by round, each run into a new
    database: (the records, and for each database the --db URL of its last one and
    what floor.py connects to it with)."""
    cli = registry_command()
    samples: dict[str, list[dict]] = {backend: [] for backend in backends}
    databases = {}
    for _ in range(runs):
        for backend in backends:
            databases[backend] = prepare_database(backend, size, work)
            run_once([*cli, "--db", databases[backend][0], "init"])
            samples[backend].append(run_once([*cli, "--db", databases[backend][0], "import", str(bundle)])[0])
    records = [record(backend, size, "import", samples[backend], f"{rows:,} rows", rows=rows) for backend in backends]
    return records, databases


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


def interleaved(per_backend: dict[str, list[Step]]) -> list[Step]:
    """The steps of every database, each command's side by side."""
    return [step for group in zip(*per_backend.values()) for step in group]


def in_rounds(steps: list[Step], runs: int) -> tuple[dict, dict]:
    """Each step run `runs` times, round by round: (the samples of each, the output of
    each one's first run), both by (database, name)."""
    samples: dict[tuple[str, str], list[dict]] = {(step.backend, step.name): [] for step in steps}
    first: dict[tuple[str, str], str] = {}
    for run in range(runs):
        for step in steps:
            if step.before:
                step.before()
            sample, out, _ = run_once(step.args + (step.varying[run] if step.varying else []))
            samples[(step.backend, step.name)].append(sample)
            first.setdefault((step.backend, step.name), out)
    return samples, first


def check_floors(first: dict, backend: str) -> None:
    """The floors must give the commands' answers, or their times compare nothing."""
    report = json.loads(first[(backend, "cpd compliance")])["people"]
    floor = [json.loads(line) for line in first[(backend, "SQL floor: cpd compliance")].splitlines()]
    if floor != [{key: person[key] for key in FLOOR_KEYS} for person in report]:
        raise SystemExit(f"the SQL floor and `cpd compliance` disagree on {backend}")
    due = [{"person": p["person"], "lapses_on": p["lapses_on"]} for p in json.loads(first[(backend, "cpd due")])]
    if due != [json.loads(line) for line in first[(backend, "SQL floor: cpd due")].splitlines()]:
        raise SystemExit(f"the SQL floor and `cpd due` disagree on {backend}")


def log_and_help_steps(base: list[str], bundle: Path, runs: int, groups: list[str]) -> list[Step]:
    """The one-row commands (each run a new row), `--help` and each group's `--help`."""
    commands = log_commands(bundle, runs, dt.date.today())
    steps = [Step(name, base, varying=arguments, note="one new row each run") for name, arguments in commands.items()]
    steps.append(Step("--help", [*base, "--help"]))
    return steps + [Step(f"{group} --help", [*base, group, "--help"]) for group in groups]


def help_records(backend: str, size: int, samples: dict, groups: list[str]) -> list[dict]:
    """The root `--help`, and the group's `--help` of the highest median wall time."""
    by_group = {group: samples.pop((backend, f"{group} --help")) for group in groups}
    slowest = max(groups, key=lambda group: statistics.median(run["wall"] for run in by_group[group]))
    note = f"`{slowest} --help`, of {len(groups)} groups"
    return [record(backend, size, "slowest group --help", by_group[slowest], note)]


def measure_size(size: int, backends: list[str], work: Path, options: dict) -> tuple[list[dict], float]:
    """Every command at `size` people on each of `backends`, their runs side by side:
    (the records, the load average at the start)."""
    runs, cli = options["runs"], registry_command()
    bundle, rows = bundle_for(size, work)
    load = load_average()
    results, databases = measure_imports(backends, size, work, runs, bundle, rows)
    try:
        per_backend = {}
        for backend, (db, floor_target) in databases.items():
            base = [*cli, "--db", db]
            per_backend[backend] = report_steps(base, backend, floor_target, work, options["anonymise"])
            per_backend[backend] += log_and_help_steps(base, bundle, runs, options["groups"])
            for step in per_backend[backend]:
                step.backend = backend
        steps = interleaved(per_backend)
        samples, first = in_rounds(steps, runs)
    finally:
        for backend in backends:
            drop_database(backend, size, work)
            export, annual = outputs(work, backend)
            shutil.rmtree(export, ignore_errors=True)
            annual.unlink(missing_ok=True)
    for backend in backends:
        check_floors(first, backend)
    slowest = [r for backend in backends for r in help_records(backend, size, samples, options["groups"])]
    results += [record(step.backend, size, step.name, samples[(step.backend, step.name)], step.note)
                for step in steps if (step.backend, step.name) in samples]
    return results + slowest, load

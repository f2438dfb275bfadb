"""Helpers for the safety tests: child processes, bundles with disjoint refs, scans.

Run as a module, this file is the child process of the concurrency and crash tests:

    python -m tests.safety_helpers log-sessions URL SUPERVISOR COUNT START_DIR SUPERVISEE...

waits for START_DIR/go, then logs COUNT sessions by calling the Click command in
process, once per session (`supervision log ...` with standalone_mode=False), and exits
1 if any call failed (each failure's traceback on standard error). The calls share one
engine, each with a connection of its own.

    python -m tests.safety_helpers import-pausing-in-merge MARKER --db URL import DIR

runs the import and stops in the middle of its merge (see _import_pausing_in_merge).
"""

from __future__ import annotations

import json

import csv
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import JSON, String, Text, select

from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.models import Base
from tests.helpers import days_ago, write_csv

ROOT = Path(__file__).resolve().parent.parent
# The console script installed with the project, next to this interpreter.
CONSOLE_SCRIPT = str(Path(sys.executable).parent / "mbp-registry")


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def cli_process(*args: str, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=None) -> subprocess.Popen:
    """Start the real console script."""
    return subprocess.Popen([CONSOLE_SCRIPT, *args], stdout=stdout, stderr=stderr, env=env, cwd=ROOT)


def child_process(*args: str, stdout, stderr) -> subprocess.Popen:
    """Start this module as a child process (see the module docstring)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.safety_helpers", *args], stdout=stdout, stderr=stderr, cwd=ROOT
    )


# --- bundles whose every identifier is prefixed, so that several can be imported side by side

# The fields holding an identifier that must be unique across a registry.
_IDENTIFIERS = {
    (record_type.file, spec.name)
    for record_type in rt.ALL
    for spec in record_type.fields
    if spec.refers_to or (spec.key and record_type in (rt.ORGANISATION, rt.PROGRAMME, rt.PERSON, rt.COURSE))
}


def prefixed_bundle(source: Path, destination: Path, prefix: str) -> dict[str, int]:
    """Copy a bundle with every ref and code (and email) prefixed; returns rows per file."""
    destination.mkdir(parents=True, exist_ok=True)
    rows_per_file = {}
    for path in sorted(source.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
            columns = list(rows[0]) if rows else next(csv.reader(path.open(encoding="utf-8")))
        for row in rows:
            for name, value in row.items():
                if not value:
                    continue
                if (path.name, name) in _IDENTIFIERS:
                    row[name] = ";".join(prefix + item for item in value.split(";"))
                elif name == "email":
                    row[name] = prefix.lower() + value
        write_csv(destination / path.name, columns, rows)
        rows_per_file[path.name] = len(rows)
    return rows_per_file


# --- scanning every text column


def text_cells_containing(engine, needle: str, *more: str) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text cell of the registry that contains `needle` (or
    one of `more`), in any case, any alphabet: compared in Python, JSON cells as the text
    they hold (escapes decoded), so that neither SQLite's ASCII-only lower() nor JSON's
    \\u escapes can hide a name."""
    wanted = [text.casefold() for text in (needle, *more)]
    found = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, (String, Text, JSON)):
                    for value in connection.execute(select(column).where(column.is_not(None))).scalars():
                        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                        if any(word in seen.casefold() for seen in (text, _json_decoded(text)) for word in wanted):
                            found.append((table.name, column.name, text))
    return found


def _json_decoded(text: str) -> str:
    """A text cell that holds JSON (the audit's details), its escapes decoded; else ''."""
    if text[:1] not in ('{', '[', '"'):
        return ""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return ""


# --- the child process of the concurrency test


def _log_sessions(url: str, supervisor: str, count: int, start_dir: str, supervisees: list[str]) -> int:
    import functools
    import traceback

    from mbp_registry.cli.main import cli
    from mbp_registry.registry import session

    # One engine for the child's commands: each command still checks the schema and opens
    # its own connection and transaction (its connections are closed when it ends), but
    # the engine's dialect and pool are set up once, not once per session logged.
    session.create_registry_engine = functools.cache(session.create_registry_engine)

    start = Path(start_dir)
    (start / f"ready-{supervisor}").touch()
    wait_for((start / "go").exists, timeout=60, what="the start signal")
    failures = 0
    for n in range(count):
        args = [
            "--db", url, "--actor", supervisor,
            "supervision", "log",
            "--supervisor", supervisor,
            "--supervisee", supervisees[n % len(supervisees)],
            "--date", days_ago(1 + n),
            "--minutes", str(30 + n % 60),
            "--kind", "individual",
            "--notes", f"session {n} of {supervisor}",
        ]  # fmt: skip
        try:
            cli.main(args, prog_name="mbp-registry", standalone_mode=False)
        except BaseException:  # noqa: BLE001 - every failure is reported and counted
            failures += 1
            print(f"call {n} failed:", file=sys.stderr)
            traceback.print_exc()
    return 1 if failures else 0


# --- the child process of the crash test


def _import_pausing_in_merge(marker: str, args: list[str]) -> None:
    """`mbp-registry ARGS` (an import) that, once it has merged the sessions into the
    registry tables (uncommitted), touches MARKER and waits there to be killed."""
    from mbp_registry.registry.bundle import merge

    merge_staged = merge.merge_staged

    def merge_then_pause(staging, staged, *args):
        counts = merge_staged(staging, staged, *args)
        if staged.record_type.name == "session":
            Path(marker).touch()
            time.sleep(600)
        return counts

    merge.merge_staged = merge_then_pause
    from mbp_registry.cli.main import cli

    cli.main(args, prog_name="mbp-registry")


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "log-sessions":
        url, supervisor, count, start_dir, *supervisees = rest
        sys.exit(_log_sessions(url, supervisor, int(count), start_dir, supervisees))
    if command == "import-pausing-in-merge":
        _import_pausing_in_merge(rest[0], rest[1:])
    sys.exit(f"unknown command {command!r}")



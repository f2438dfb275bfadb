"""Wall time, CPU time and peak memory of every command of the speed targets.

Run on demand (never part of the test suite), from a checkout with the package installed:

    python benchmarks/run.py                                   # 1,000, 10,000, 50,000 people; SQLite and PostgreSQL
    python benchmarks/run.py --sizes 1000,10000 --backends sqlite
    python benchmarks/run.py --import-errors --out results.md --save results.json

Each size is a service made by the generator (`fixtures generate --people N --seed 1`:
about 30 events per person a year over two years), imported into a new database
(a SQLite file, or a schema of the PostgreSQL database `test` at 127.0.0.1), each run
of the import into its own. Then each command runs as its own process, as a user runs
it, --runs times (at least 3): the reports round by round, each read-only command
beside its SQL floor (benchmarks/floor.py, checked to give the same answer), then
`supervision log`, `cpd log` and `retreat log` (a new row each run), `--help` and the
`--help` of every group; each command on SQLite beside the same on PostgreSQL, so that
the two meet the same load. Sizes run one after the other.

It prints the figures (median of the runs, lowest–highest, CPU time, peak memory),
which targets are met, and how time grows per person from the smallest size to the
largest. The targets are judged by wall time when the machine had less work than
cores at the start of each part (the load average), else by CPU time; --judge chooses.
--save keeps the records as JSON after each size; --load adds those of an earlier run
(to add a size, or to print the tables again with --sizes '').
--import-errors also runs benchmarks/import_errors.py (a million bad rows, SQLite).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import code_version, command_line, cores, machine, registry_command  # noqa: E402
from report import document  # noqa: E402
from suite import help_groups, measure_size  # noqa: E402

HERE = Path(__file__).resolve().parent
BACKENDS = ("sqlite", "postgresql")


def arguments():
    return command_line(
        __doc__,
        "Also write the tables, with the machine and how to reproduce them, to this Markdown file.",
        ("--sizes", {"default": "1000,10000,50000", "help": "People, comma-separated ('' measures nothing)."}),
        ("--backends", {"default": ",".join(BACKENDS), "help": "sqlite, postgresql or both, comma-separated."}),
        ("--runs", {"type": int, "default": 3, "help": "Runs of each command (at least 3)."}),
        ("--judge", {"choices": ("auto", "wall", "cpu"), "default": "auto"}),
        ("--anonymise", {"action": "store_true", "help": "Also measure `report annual --anonymise`."}),
        ("--import-errors", {"action": "store_true", "help": "Also import 1,000,000 bad rows (SQLite)."}),
        ("--save", {"help": "Keep the records of the run in this JSON file."}),
        ("--load", {"action": "append", "default": [], "help": "Add the records of an earlier run (repeatable)."}),
    )


def new_run(runs: int) -> dict:
    """A run: its records, and its parts (a size on some databases: when, at which
    commit, the load average at the start)."""
    return {"machine": machine(), "cores": cores(), "runs": runs, "parts": [], "results": [], "errors": None}


def parts_of(run: dict) -> list[dict]:
    """The parts of a saved run (one saved before parts were kept: from its loads)."""
    if "parts" in run:
        return run["parts"]
    return [{"size": entry["size"], "backends": entry.get("backends") or [entry["backend"]], "load": entry["load"],
             "code": run["code"], "date": run["date"]} for entry in run["loads"]]


def merged(run: dict, earlier: dict) -> dict:
    """`run` with the records of `earlier` that it has not measured again."""
    measured = {(r["backend"], r["size"]) for r in run["results"]}
    run["results"] = [r for r in earlier["results"] if (r["backend"], r["size"]) not in measured] + run["results"]
    kept = [p for p in parts_of(earlier) if not measured & {(backend, p["size"]) for backend in p["backends"]}]
    run["parts"] = sorted(kept + run["parts"], key=lambda part: part["size"])
    run["errors"] = run["errors"] or earlier.get("errors")
    run["runs"] = min(run["runs"], earlier["runs"])
    return run


def measure_all(run: dict, sizes: list[int], backends: list[str], work: Path, args) -> dict:
    """`run` with the records of each size measured on `backends` (saved after each)."""
    if not sizes:
        return run
    options = {"runs": args.runs, "anonymise": args.anonymise, "groups": help_groups(registry_command())}
    code = code_version(HERE)
    for size in sizes:
        print(f"measuring {size:,} people on {', '.join(backends)}, {args.runs} runs ...", file=sys.stderr)
        results, load = measure_size(size, backends, work, options)
        part = {"size": size, "backends": backends, "load": load, "code": code, "date": dt.date.today().isoformat()}
        run = merged({**run, "results": results, "parts": [part]}, run)
        if args.save:
            Path(args.save).write_text(json.dumps(run, indent=1))
    return run


def measure_errors(run: dict, work: Path, args) -> None:
    from import_errors import measure

    print(f"importing 1,000,000 bad rows on sqlite, {args.runs} runs ...", file=sys.stderr)
    run["errors"] = measure(1_000_000, args.runs, "sqlite", work)
    if args.save:
        Path(args.save).write_text(json.dumps(run, indent=1))


REPRODUCE = """## Reproduce

```sh
python3 -m venv .venv && .venv/bin/pip install .
.venv/bin/python benchmarks/run.py --import-errors --save results.json --out results.md
```

PostgreSQL at 127.0.0.1:5432 with trust authentication for `postgres` and a database
`test`; each size gets its own schema, dropped after. `--sizes`, `--backends` and
`--runs` narrow or widen the run; `--load results.json --sizes ''` prints the tables of
a saved run again.
"""


def main() -> None:
    args, work = arguments()
    if args.runs < 3:
        raise SystemExit("--runs: at least 3, for a median and a spread")
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    backends = [backend for backend in args.backends.split(",") if backend]
    if set(backends) - set(BACKENDS):
        raise SystemExit(f"--backends: {args.backends!r} names other than {', '.join(BACKENDS)}")
    run = new_run(args.runs)
    for path in args.load:
        run = merged(run, json.loads(Path(path).read_text()))
    run = measure_all(run, sizes, backends, work, args)
    if args.import_errors:
        measure_errors(run, work, args)
    text = document(run, args.judge)
    print(text)
    if args.out:
        Path(args.out).write_text(f"# Benchmark results\n\n{text}\n{REPRODUCE}")


if __name__ == "__main__":
    main()

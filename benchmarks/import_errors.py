"""Peak memory of importing a bundle of one garbage file of 1,000,000 rows.

Run on demand (never part of the test suite):

    python benchmarks/import_errors.py                         # 1,000,000 rows, 3 runs, SQLite
    python benchmarks/import_errors.py --backend postgresql
    python benchmarks/import_errors.py --out benchmarks/RESULTS.md

The bundle is one sessions.csv with a good header and rows of garbage made from a fixed
seed: random letters (unknown references), impossible dates, numbers that are not
numbers or out of range, unknown kinds, non-ASCII text, control characters, rows with a
cell too many. Each run imports it into a new, empty database with `--errors FILE`
as its own process (wall time, CPU time and peak memory); the import must be refused, show the first 100 errors and the count
of the rest, and write every error to the file. The medians of the runs are reported
against the target: at most 300 MB at the peak (the highest of the runs). --out
replaces this benchmark's section of a Markdown file (RESULTS.md); `benchmarks/run.py
--import-errors` runs it too and judges it with the other targets.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import command_line, machine, registry_command, run_once, samples_of  # noqa: E402
from service import drop_database, prepare_database  # noqa: E402
from targets import ERRORS_MEMORY, MIB  # noqa: E402

HEADING = "## Import of a million bad rows"
HEADER = ["supervisor", "supervisee", "held_on", "minutes", "kind", "mode", "programme", "notes"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
ODD = ["", " ", "abc", "-5", "0", "601", "1e999", "٣٠", "2024-13-45", "31/12/2024", "9999-99-99", "é" * 8, "a\x07b", "P1;P2"]


def garbage_cell(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 12)))
    return rng.choice(ODD)


def write_garbage(folder: Path, rows: int, seed: int = 1) -> Path:
    """A bundle folder holding one sessions.csv of `rows` rows of garbage."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with open(folder / "sessions.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for _ in range(rows):
            width = len(HEADER) + (1 if rng.random() < 0.05 else 0)
            writer.writerow([garbage_cell(rng) for _ in range(width)])
    return folder


def one_run(bundle: Path, backend: str, work: Path, run: int) -> tuple[dict, int]:
    """({wall, cpu, peak_mib}, errors) of one refused import, its output checked."""
    base = [*registry_command(), "--db", prepare_database(backend, f"errors_{run}", work)[0]]
    subprocess.run([*base, "init"], check=True, stdout=subprocess.DEVNULL)
    errors_file = work / f"errors-{os.getpid()}.txt"
    command = [*base, "import", str(bundle), "--errors", str(errors_file)]
    try:
        sample, _, shown = run_once(command, exit_status=1)
    finally:
        drop_database(backend, f"errors_{run}", work)
    with open(errors_file, encoding="utf-8") as handle:
        errors = sum(1 for _ in handle)
    errors_file.unlink()
    expected_end = [
        f"... and {errors - 100} more error(s); all are in {errors_file}",
        f"Error: the bundle has {errors} error(s); nothing was imported",
    ]
    lines = shown.splitlines()
    if len(lines) != 102 or lines[100:] != expected_end:
        raise SystemExit(f"unexpected output: {lines[-3:]} ({len(lines)} lines)")
    return sample, errors


def measure(rows: int, runs: int, backend: str, work: Path) -> dict:
    bundle = work / f"garbage-{rows}"
    if not (bundle / "sessions.csv").exists():
        write_garbage(bundle, rows)
    found = [one_run(bundle, backend, work, run) for run in range(runs)]
    errors = {count for _, count in found}
    if len(errors) != 1:
        raise SystemExit(f"the runs found different numbers of errors: {sorted(errors)}")
    return {"backend": backend, "rows": rows, "errors": errors.pop(), "runs": runs, **samples_of([s for s, _ in found])}


def markdown(results: list[dict]) -> str:
    lines = [
        "| database | rows | errors found | runs | median wall time | median CPU time | median peak MiB "
        "| highest peak MiB | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        highest = max(r["peak_mib"])
        verdict = "met" if highest * MIB <= ERRORS_MEMORY else "MISSED"
        lines.append(
            f"| {r['backend']} | {r['rows']:,} | {r['errors']:,} | {r['runs']} | {statistics.median(r['wall']):.1f} s "
            f"| {statistics.median(r['cpu']):.1f} s | {statistics.median(r['peak_mib']):.0f} | {highest:.0f} "
            f"| {verdict} (at most 300 MB) |"
        )
    return "\n".join(lines)


def section(table: str) -> str:
    return (
        f"{HEADING}\n\n"
        "`benchmarks/import_errors.py`: a bundle of one sessions.csv of garbage rows (unknown\n"
        "references, impossible dates, numbers that are not numbers, control characters, rows\n"
        "with a cell too many), imported into an empty database with `--errors FILE`: refused,\n"
        "the first 100 errors shown, every error written to the file. Peak memory is the\n"
        "maximum resident set size of the command's process. Reproduce:\n"
        "`python benchmarks/import_errors.py --out benchmarks/RESULTS.md`.\n\n"
        f"Measured on {dt.date.today().isoformat()}. Machine: {machine()}.\n\n{table}\n"
    )


def replace_section(path: Path, text: str) -> None:
    """`path` with this benchmark's section replaced by `text` (added at the end if absent)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start = old.find(HEADING)
    if start < 0:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    else:
        end = old.find("\n## ", start + len(HEADING))
        new = old[:start] + text + (old[end:] if end >= 0 else "")
    path.write_text(new, encoding="utf-8")


def main() -> None:
    args, work = command_line(
        __doc__,
        "Replace this benchmark's section of this Markdown file.",
        ("--rows", {"type": int, "default": 1_000_000}),
        ("--runs", {"type": int, "default": 3}),
        ("--backend", {"choices": ("sqlite", "postgresql"), "action": "append"}),
    )
    results = []
    for backend in args.backend or ["sqlite"]:
        print(f"importing {args.rows:,} bad rows on {backend}, {args.runs} runs ...", file=sys.stderr)
        results.append(measure(args.rows, args.runs, backend, work))
    table = markdown(results)
    print(table)
    if args.out:
        replace_section(Path(args.out), section(table))


if __name__ == "__main__":
    main()

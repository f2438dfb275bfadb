"""Whole-command wall time and peak memory of the registry at several sizes.

Run on demand (never part of the test suite):

    python benchmarks/run.py --sizes 1000,10000,50000
    python benchmarks/run.py --sizes 50000 --backend postgresql

Each size is a service made by the generator (seed 1, about 30 events per person a
year over two years), imported into a fresh database; then each command runs as its
own process under /usr/bin/time. The floor for `cpd compliance` is the same report by
one hand-written SQL statement (benchmarks/floor.py), checked to give the same answer.
Prints a Markdown table; --out writes it (with the machine) to a file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed(command: list[str], *, exit_status: int = 0, output: str = "stdout") -> tuple[float, float, str]:
    """(wall seconds, peak MiB, standard output or, with output="stderr", standard error)
    of one command run under /usr/bin/time, which must end with `exit_status`."""
    with tempfile.NamedTemporaryFile("r") as report:
        result = subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%e %M", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if result.returncode != exit_status:
            raise SystemExit(f"exit status {result.returncode}: {' '.join(command)}\n{result.stderr[-2000:]}")
        wall, kib = report.read().split()[-2:]
    return float(wall), int(kib) / 1024, getattr(result, output)


def registry_command() -> list[str]:
    found = shutil.which("mbp-registry", path=str(Path(sys.executable).parent)) or shutil.which("mbp-registry")
    if not found:
        raise SystemExit("mbp-registry is not installed in this environment")
    return [found]


def prepare_database(backend: str, name: int | str, work: Path) -> tuple[str, str]:
    """A fresh, empty database named after `name` (a size, say): (the --db URL, what
    floor.py connects with)."""
    if backend == "sqlite":
        path = work / f"registry-{name}.db"
        for leftover in work.glob(f"registry-{name}.db*"):
            leftover.unlink()
        return str(path), str(path)
    import psycopg

    schema = f"bench_{name}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema}")
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    return url, f"host=127.0.0.1 user=postgres dbname=test options=-csearch_path={schema}"


def bundle_for(size: int, work: Path) -> tuple[Path, int]:
    folder = work / f"bundle-{size}"
    if not (folder / "people.csv").exists():
        from mbp_registry.fixtures.generate import generate_bundle

        generate_bundle(folder, people=size, seed=1)
    rows = sum(max(0, len(path.read_text().splitlines()) - 1) for path in folder.glob("*.csv"))
    return folder, rows


def measure(size: int, backend: str, work: Path) -> list[dict]:
    cli = registry_command()
    bundle, rows = bundle_for(size, work)
    db, floor_target = prepare_database(backend, size, work)
    base = [*cli, "--db", db]
    subprocess.run([*base, "init"], check=True, stdout=subprocess.DEVNULL)
    results = []

    def run(name: str, *args: str, note: str = "") -> str:
        wall, mib, out = timed([*base, *args])
        results.append({"size": size, "command": name, "seconds": wall, "peak_mib": mib, "note": note})
        return out

    wall, mib, _ = timed([*base, "import", str(bundle)])
    results.append(
        {"size": size, "command": "import", "seconds": wall, "peak_mib": mib, "note": f"{rows / wall:,.0f} rows/s ({rows:,} rows)"}
    )
    today = dt.date.today().isoformat()
    report = json.loads(run("cpd compliance", "cpd", "compliance", "--as-of", today, "--format", "json"))
    wall, mib, floor_out = timed([sys.executable, str(HERE / "floor.py"), backend, floor_target, today])
    floor = [json.loads(line) for line in floor_out.splitlines()]
    keys = ("person", "compliant", "lapses_on", "practising", "practising_as")
    same = floor == [{k: p[k] for k in keys} for p in report["people"]]
    if not same:
        raise SystemExit("the SQL floor and `cpd compliance` disagree")
    results.append({"size": size, "command": "SQL floor for cpd compliance", "seconds": wall, "peak_mib": mib, "note": "same report"})
    run("cpd due", "cpd", "due", "--as-of", today, "--format", "json")
    succession = json.loads(run("succession report", "succession", "report", "--as-of", today, "--format", "json"))
    risks = succession["single_points_of_failure"]
    leaving = risks[0]["person"] if risks else next(iter(succession["trainer_generations"].values()), {"": 0}).popitem()[0]
    run("succession what-if", "succession", "what-if", "--without", leaving, "--as-of", today, "--format", "json")
    annual = work / f"annual-{size}.html"
    run("report annual (HTML)", "report", "annual", "--out", str(annual), note="with its charts")
    run("report annual --anonymise", "report", "annual", "--anonymise", "--out", str(annual))
    export = work / f"export-{size}"
    shutil.rmtree(export, ignore_errors=True)
    run("export", "export", str(export))
    supervisor, supervisee = _log_pair(bundle)
    run(
        "supervision log (one)",
        "supervision", "log", "--supervisor", supervisor, "--supervisee", supervisee,
        "--date", today, "--minutes", "60", "--kind", "individual",
    )
    wall, mib, _ = timed([*cli, "--help"])
    results.append({"size": size, "command": "--help", "seconds": wall, "peak_mib": mib, "note": ""})
    return results


def _log_pair(bundle: Path) -> tuple[str, str]:
    import csv

    with open(bundle / "supervision.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["ended_on"]:
                return row["supervisor"], row["supervisee"]
    raise SystemExit("no current supervision link in the bundle")


def markdown(results: list[dict], backend: str) -> str:
    sizes = sorted({r["size"] for r in results})
    commands = list(dict.fromkeys(r["command"] for r in results))
    by = {(r["command"], r["size"]): r for r in results}
    header = "| command | " + " | ".join(f"{s:,} people" for s in sizes) + " | peak MiB (largest) | note (largest) |"
    lines = [header, "|---" * (len(sizes) + 3) + "|"]
    for command in commands:
        cells = [f"{by[(command, s)]['seconds']:.2f} s" if (command, s) in by else "-" for s in sizes]
        largest = by.get((command, sizes[-1]), {})
        lines.append(
            f"| {command} | " + " | ".join(cells) + f" | {largest.get('peak_mib', 0):.0f} | {largest.get('note', '')} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            memory = f", {int(handle.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return f"{platform.machine()}, {cpus} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def command_line(description: str, out_help: str, *options: tuple[str, dict]) -> tuple[argparse.Namespace, Path]:
    """A benchmark's arguments (`options`, then --work and --out) and its work folder, made."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, settings in options:
        parser.add_argument(name, **settings)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "mbp-bench"))
    parser.add_argument("--out", help=out_help)
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    return args, work


def main() -> None:
    args, work = command_line(
        __doc__,
        "Also write the table to this Markdown file.",
        ("--sizes", {"default": "1000,10000,50000"}),
        ("--backend", {"choices": ("sqlite", "postgresql"), "default": "sqlite"}),
    )
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"measuring {size:,} people on {args.backend} ...", file=sys.stderr)
        results += measure(size, args.backend, work)
    table = markdown(results, args.backend)
    print(table)
    if args.out:
        text = f"### {args.backend}, {dt.date.today().isoformat()}\n\nMachine: {machine()}\n\n{table}\n"
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()

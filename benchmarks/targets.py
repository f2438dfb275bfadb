"""The speed targets and the verdict on each, from the records of a run (pure functions).

A record is one command at one size on one database: {"backend", "size", "command",
"wall": [...], "cpu": [...], "peak_mib": [...], "note", and "rows" for an import}, one
value a run. Every time compared is the median of the runs, by the figure the run is
judged by: wall time on a quiet machine, CPU time (user plus system of the command's
own process) on a busy one. On PostgreSQL the CPU time of the command leaves out the
server's work, so times there are judged by wall time whatever the machine.
"""

from __future__ import annotations

import statistics

TARGET_SIZE = 50_000
MB, GIB, MIB = 1_000_000, 1024**3, 1024**2
# (command, at most seconds, size or None for the size the targets are at)
TIME_LIMITS = (
    ("supervision log", 0.35, None),
    ("cpd log", 0.35, None),
    ("retreat log", 0.35, None),
    ("--help", 0.1, None),
    ("slowest group --help", 0.1, None),
    ("succession report", 3.0, None),
    ("succession what-if", 3.0, None),
    ("export", 12.0, None),
    ("report annual (HTML)", 3.0, 1_000),
    ("report annual (HTML)", 20.0, None),
)
FLOORS = (("cpd compliance", "SQL floor: cpd compliance"), ("cpd due", "SQL floor: cpd due"))
FLOOR_RATIO = 1.5
IMPORT_RATES = {"sqlite": 100_000, "postgresql": 80_000}
# (command, at most bytes at the peak, size or None)
MEMORY_LIMITS = (("import", 600 * MB, None), ("report annual (HTML)", GIB, None))
ERRORS_MEMORY = 300 * MB
POSTGRESQL_RATIO = 1.5
NOT_COMPARED = {"import", "SQL floor: cpd compliance", "SQL floor: cpd due"}


def figure_for(backend: str, judge: str) -> str:
    return judge if backend == "sqlite" else "wall"


def judge_by(loads: list[float], cores: int) -> str:
    """Wall time when every part of the run began on a machine with less work than cores, else CPU time."""
    return "wall" if loads and max(loads) < cores else "cpu"


def by_key(results: list[dict]) -> dict[tuple[str, int, str], dict]:
    return {(r["backend"], r["size"], r["command"]): r for r in results}


def sizes_of(results: list[dict], backend: str) -> list[int]:
    return sorted({r["size"] for r in results if r["backend"] == backend})


def target_size(results: list[dict], backend: str, wanted: int | None) -> int | None:
    """The size a target is judged at: the one it names, else 50,000 people or, when
    that was not measured, the largest that was."""
    sizes = sizes_of(results, backend)
    if wanted is not None:
        return wanted if wanted in sizes else None
    return TARGET_SIZE if TARGET_SIZE in sizes else (max(sizes) if sizes else None)


def median_of(result: dict, figure: str) -> float:
    return statistics.median(result[figure])


def verdict(met: bool, size: int, wanted: int | None) -> str:
    said = "met" if met else "MISSED"
    aimed = wanted or TARGET_SIZE
    return said if size == aimed else f"{said} at {size:,} (the target is at {aimed:,})"


def row(target: str, figure: str, measured: str, said: str) -> dict:
    return {"target": target, "figure": figure, "measured": measured, "verdict": said}


def time_rows(results: list[dict], judge: str) -> list[dict]:
    index, rows = by_key(results), []
    for command, limit, wanted in TIME_LIMITS:
        size = target_size(results, "sqlite", wanted)
        found = index.get(("sqlite", size, command))
        target = f"`{command}` at most {limit:g} s" + (f" at {wanted:,} people" if wanted else "")
        if found is None:
            rows.append(row(target, judge, "not measured", "-"))
            continue
        seconds = median_of(found, judge)
        measured = f"{seconds:.2f} s ({spread_text(found[judge])})"
        rows.append(row(target, judge, measured, verdict(seconds <= limit, size, wanted)))
    return rows


def floor_rows(results: list[dict], judge: str) -> list[dict]:
    index, rows = by_key(results), []
    size = target_size(results, "sqlite", None)
    for command, floor in FLOORS:
        target = f"`{command}` at most {FLOOR_RATIO:g}x its SQL floor"
        mine, theirs = index.get(("sqlite", size, command)), index.get(("sqlite", size, floor))
        if mine is None or theirs is None:
            rows.append(row(target, judge, "not measured", "-"))
            continue
        ratio = median_of(mine, judge) / median_of(theirs, judge)
        measured = f"{median_of(mine, judge):.2f} s against {median_of(theirs, judge):.2f} s: {ratio:.2f}x"
        rows.append(row(target, judge, measured, verdict(ratio <= FLOOR_RATIO, size, None)))
    return rows


def import_rows(results: list[dict], judge: str) -> list[dict]:
    index, rows = by_key(results), []
    for backend, least in IMPORT_RATES.items():
        size = target_size(results, backend, None)
        found = index.get((backend, size, "import"))
        figure = figure_for(backend, judge)
        target = f"import on {backend} at least {least:,} rows/s"
        if found is None:
            rows.append(row(target, figure, "not measured", "-"))
            continue
        rates = [found["rows"] / seconds for seconds in found[figure]]
        rate = found["rows"] / median_of(found, figure)
        measured = f"{rate:,.0f} rows/s ({spread_text(rates, 0)}; {found['rows']:,} rows)"
        rows.append(row(target, figure, measured, verdict(rate >= least, size, None)))
    return rows


def memory_rows(results: list[dict]) -> list[dict]:
    index, rows = by_key(results), []
    for backend in ("sqlite", "postgresql"):
        for command, limit, wanted in MEMORY_LIMITS:
            size = target_size(results, backend, wanted)
            found = index.get((backend, size, command))
            target = f"`{command}` on {backend} at most {_bytes(limit)} at the peak"
            if found is None:
                rows.append(row(target, "highest peak", "not measured", "-"))
                continue
            highest = max(found["peak_mib"]) * MIB
            measured = f"{highest / MIB:.0f} MiB"
            rows.append(row(target, "highest peak", measured, verdict(highest <= limit, size, wanted)))
    return rows


def postgresql_rows(results: list[dict]) -> list[dict]:
    """Each command on PostgreSQL against SQLite at the same size, by wall time."""
    index, rows = by_key(results), []
    common = set(sizes_of(results, "sqlite")) & set(sizes_of(results, "postgresql"))
    if not common:
        return [row(f"PostgreSQL at most {POSTGRESQL_RATIO:g}x SQLite", "wall", "not measured on both", "-")]
    size = TARGET_SIZE if TARGET_SIZE in common else max(common)
    for result in results:
        if result["backend"] != "sqlite" or result["size"] != size or result["command"] in NOT_COMPARED:
            continue
        theirs = index.get(("postgresql", size, result["command"]))
        if theirs is None:
            continue
        ratio = median_of(theirs, "wall") / median_of(result, "wall")
        measured = f"{median_of(theirs, 'wall'):.2f} s against {median_of(result, 'wall'):.2f} s: {ratio:.2f}x"
        target = f"`{result['command']}` on PostgreSQL at most {POSTGRESQL_RATIO:g}x SQLite"
        rows.append(row(target, "wall", measured, verdict(ratio <= POSTGRESQL_RATIO, size, None)))
    return rows


def errors_row(errors: dict | None) -> list[dict]:
    """The import of a million bad rows (benchmarks/import_errors.py), when it was run."""
    if errors is None:
        return []
    highest = max(errors["peak_mib"]) * MIB
    target = f"import of {errors['rows']:,} bad rows on {errors['backend']} at most {_bytes(ERRORS_MEMORY)} at the peak"
    said = "met" if highest <= ERRORS_MEMORY else "MISSED"
    return [row(target, "highest peak", f"{highest / MIB:.0f} MiB", said)]


def target_rows(results: list[dict], judge: str, errors: dict | None = None) -> list[dict]:
    return (
        time_rows(results, judge) + floor_rows(results, judge) + import_rows(results, judge)
        + memory_rows(results) + postgresql_rows(results) + errors_row(errors)
    )


def growth(results: list[dict], backend: str, judge: str) -> list[dict]:
    """For each command, the time per person at the largest size over that at the
    smallest: 1 is linear, below 1 better, above 1 worse than linear."""
    sizes, index = sizes_of(results, backend), by_key(results)
    if len(sizes) < 2:
        return []
    small, large, figure = sizes[0], sizes[-1], figure_for(backend, judge)
    rows = []
    for result in results:
        if result["backend"] != backend or result["size"] != small:
            continue
        later = index.get((backend, large, result["command"]))
        if later is None:
            continue
        ratio = (median_of(later, figure) / large) / (median_of(result, figure) / small)
        rows.append({"command": result["command"], "small": small, "large": large, "figure": figure,
                     "ratio": ratio, "worse": ratio > 1.0})
    return rows


def spread_text(values: list[float], digits: int = 2) -> str:
    low, high = f"{min(values):,.{digits}f}", f"{max(values):,.{digits}f}"
    return low if low == high else f"{low}–{high}"


def _bytes(limit: int) -> str:
    return f"{limit // GIB} GiB" if limit % GIB == 0 else f"{limit // MB} MB"

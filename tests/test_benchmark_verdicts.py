"""The verdicts of benchmarks/run.py on records made by hand: medians, spreads, ratios
against the SQL floor and SQLite, import rates, peak memory and growth per person.
Nothing is timed here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import report  # noqa: E402
import run  # noqa: E402
import targets  # noqa: E402


def record(command, size, wall, cpu=None, backend="sqlite", peak=(50.0,), **extra):
    return {"backend": backend, "size": size, "command": command, "wall": list(wall),
            "cpu": list(cpu or wall), "peak_mib": list(peak), "note": "", **extra}


def verdicts(rows):
    return {row["target"]: (row["measured"], row["verdict"]) for row in rows}


def test_a_time_is_judged_by_the_median_of_the_chosen_figure():
    results = [record("supervision log", 50_000, wall=(0.30, 0.40, 0.20), cpu=(0.5, 0.7, 0.6))]
    by_wall = verdicts(targets.time_rows(results, "wall"))["`supervision log` at most 0.35 s"]
    by_cpu = verdicts(targets.time_rows(results, "cpu"))["`supervision log` at most 0.35 s"]
    assert by_wall == ("0.30 s (0.20–0.40)", "met")
    assert by_cpu == ("0.60 s (0.50–0.70)", "MISSED")


def test_without_50000_people_the_largest_size_is_judged_and_said():
    results = [record("export", 1_000, wall=(1, 1, 1)), record("export", 10_000, wall=(13, 11, 12))]
    measured, said = verdicts(targets.time_rows(results, "wall"))["`export` at most 12 s"]
    assert (measured, said) == ("12.00 s (11.00–13.00)", "met at 10,000 (the target is at 50,000)")
    annual = verdicts(targets.time_rows(results, "wall"))["`report annual (HTML)` at most 3 s at 1,000 people"]
    assert annual == ("not measured", "-")


def test_ratio_to_the_floor_is_of_the_medians():
    results = [
        record("cpd compliance", 50_000, wall=(3.0, 3.3, 2.9)),
        record("SQL floor: cpd compliance", 50_000, wall=(2.0, 2.1, 1.9)),
        record("cpd due", 50_000, wall=(4, 4, 4)),
        record("SQL floor: cpd due", 50_000, wall=(2, 2, 2)),
    ]
    rows = verdicts(targets.floor_rows(results, "wall"))
    assert rows["`cpd compliance` at most 1.5x its SQL floor"] == ("3.00 s against 2.00 s: 1.50x", "met")
    assert rows["`cpd due` at most 1.5x its SQL floor"] == ("4.00 s against 2.00 s: 2.00x", "MISSED")


def test_import_rate_and_its_spread():
    results = [record("import", 50_000, wall=(20, 25, 16), rows=2_000_000)]
    rows = verdicts(targets.import_rows(results, "wall"))
    assert rows["import on sqlite at least 100,000 rows/s"] == (
        "100,000 rows/s (80,000–125,000; 2,000,000 rows)", "met")
    assert rows["import on postgresql at least 80,000 rows/s"] == ("not measured", "-")


def test_peak_memory_is_the_highest_run_in_decimal_megabytes():
    # 580 MiB is 608 MB: over a limit of 600 MB.
    results = [record("import", 50_000, wall=(1, 1, 1), peak=(500, 580, 560), rows=10)]
    rows = verdicts(targets.memory_rows(results))
    assert rows["`import` on sqlite at most 600 MB at the peak"] == ("580 MiB", "MISSED")


def test_postgresql_against_sqlite_by_wall_time_imports_aside():
    results = [
        record("export", 50_000, wall=(60, 60, 60)),
        record("export", 50_000, wall=(90, 90, 90), cpu=(1, 1, 1), backend="postgresql"),
        record("succession report", 50_000, wall=(10, 10, 10)),
        record("succession report", 50_000, wall=(16, 16, 16), backend="postgresql"),
        record("import", 50_000, wall=(10, 10, 10), rows=5),
        record("import", 50_000, wall=(90, 90, 90), backend="postgresql", rows=5),
    ]
    rows = verdicts(targets.postgresql_rows(results))
    assert rows == {
        "`export` on PostgreSQL at most 1.5x SQLite": ("90.00 s against 60.00 s: 1.50x", "met"),
        "`succession report` on PostgreSQL at most 1.5x SQLite": ("16.00 s against 10.00 s: 1.60x", "MISSED"),
    }


def test_growth_per_person_from_the_smallest_to_the_largest_size():
    results = [
        record("export", 1_000, wall=(1, 1, 1)),
        record("export", 50_000, wall=(60, 60, 60)),
        record("succession report", 1_000, wall=(1, 1, 1)),
        record("succession report", 50_000, wall=(10, 10, 10)),
    ]
    rows = {row["command"]: row for row in targets.growth(results, "sqlite", "wall")}
    assert rows["export"]["ratio"] == pytest.approx(1.2) and rows["export"]["worse"]
    assert rows["succession report"]["ratio"] == pytest.approx(0.2) and not rows["succession report"]["worse"]


def test_judged_by_wall_time_only_when_every_part_began_with_less_work_than_cores():
    assert targets.judge_by([0.5, 1.9], 2) == "wall"
    assert targets.judge_by([0.5, 2.0], 2) == "cpu"


def test_errors_benchmark_verdict():
    errors = {"backend": "sqlite", "rows": 1_000_000, "peak_mib": [120, 290, 100]}
    # 290 MiB is 304 MB: over 300 MB.
    assert targets.errors_row(errors)[0]["verdict"] == "MISSED"
    assert targets.errors_row(None) == []


def test_a_size_measured_again_replaces_the_earlier_records_and_part():
    earlier = {"runs": 3, "code": "abc", "date": "2026-12-01", "errors": None,
               "loads": [{"backend": "sqlite", "size": 1_000, "load": 0.5}, {"backend": "sqlite", "size": 50_000, "load": 9.0}],
               "results": [record("export", 1_000, wall=(1, 1, 1)), record("export", 50_000, wall=(9, 9, 9))]}
    now = {"runs": 5, "errors": None, "results": [record("export", 50_000, wall=(7, 7, 7))],
           "parts": [{"size": 50_000, "backends": ["sqlite"], "load": 1.0, "code": "def", "date": "2026-12-03"}]}
    run.merged(now, earlier)
    assert [(r["size"], r["wall"]) for r in now["results"]] == [(1_000, [1, 1, 1]), (50_000, [7, 7, 7])]
    assert [(p["size"], p["code"], p["load"]) for p in now["parts"]] == [(1_000, "abc", 0.5), (50_000, "def", 1.0)]
    assert now["runs"] == 3


def test_the_document_shows_each_figure_the_tally_of_verdicts_and_the_peak_at_the_largest_size():
    results = [
        record("export", 1_000, wall=(2, 1, 3), cpu=(1, 1, 1), peak=(40, 60, 50)),
        record("export", 10_000, wall=(11, 13, 12), cpu=(5, 6, 7), peak=(90, 130, 100)),
        record("supervision log", 10_000, wall=(0.5, 0.4, 0.6), peak=(45, 45, 45), note="one new row each run"),
    ]
    run_record = {"machine": "test box", "runs": 3, "cores": 2, "results": results, "errors": None,
                  "parts": [{"size": 1_000, "backends": ["sqlite"], "date": "2026-12-03", "code": "abc", "load": 0.5},
                            {"size": 10_000, "backends": ["sqlite"], "date": "2026-12-03", "code": "abc", "load": 1.0}]}
    text = report.document(run_record, "auto")
    assert "| command | 1,000 people | 10,000 people | peak MiB at 10,000 (median) | note |" in text
    assert "| export | 2.00 s (1.00–3.00); CPU 1.00 s | 12.00 s (11.00–13.00); CPU 6.00 s | 100 |  |" in text
    assert "| supervision log | - | 0.50 s (0.40–0.60); CPU 0.50 s | 45 | one new row each run |" in text
    assert "| 1,000 | sqlite | 2026-12-03 | abc | 0.5 |" in text
    assert "Judged by wall time on SQLite" in text
    # export 12 s at 10,000: met (said at 10,000); supervision log 0.50 s: missed; the rest not measured
    assert "| `export` at most 12 s | wall time | 12.00 s (11.00–13.00) | met at 10,000 (the target is at 50,000) |" in text
    assert "| `supervision log` at most 0.35 s | wall time | 0.50 s (0.40–0.60) | MISSED at 10,000 (the target is at 50,000) |" in text
    tally = [line for line in text.splitlines() if line.endswith("not measured.")]
    assert len(tally) == 1 and tally[0].startswith("1 met, 1 missed, ")
    # per person: 2 s / 1,000 at the smaller size, 12 s / 10,000 at the larger: 0.0012 / 0.002
    assert "| sqlite | export | 0.60 (1,000 to 10,000 people, wall time) | linear or better |" in text

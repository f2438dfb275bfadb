"""`report annual --anonymise`: the report for publication names nobody (every name, ref and
email of the registry searched for in the whole file, on the demo and on 1,000 generated
people) and shows small counts by region or organisation as "fewer than N"."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from mbp_registry.cli.main import SUBCOMMANDS
from tests.helpers import assert_refused, assert_usage_error, load_demo, ok

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _setting(monkeypatch, tmp_path):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(SUBCOMMANDS, "report", ("mbp_registry.cli.report", "report"))


def people_words(engine) -> list[str]:
    """Every name, ref and email of the registry."""
    from sqlalchemy import text

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT ref, name, email FROM people")).all()
    return sorted({word for row in rows for word in row if word})


def named(text: str, words: list[str]) -> list[str]:
    lowered = text.lower()
    return [word for word in words if word.lower() in lowered]


def _reports(run, tmp_path, *args: str) -> dict[str, str]:
    written = {}
    for name in ("report.html", "report.md"):
        ok(run, "report", "annual", "--out", name, *args)
        written[name] = (tmp_path / name).read_text(encoding="utf-8")
    return written


@pytest.mark.parametrize("size", ["demo", "1,000 generated people"])
def test_the_anonymised_report_names_nobody_and_the_report_for_the_board_does(run, engine, tmp_path, size):
    if size == "demo":
        load_demo(run, engine)
    else:
        ok(run, "fixtures", "generate", str(tmp_path / "bundle"), "--people", "1000", "--seed", "3")
        ok(run, "import", str(tmp_path / "bundle"))
    words = people_words(engine)
    assert len(words) > (100 if size == "demo" else 2500)
    for name, text in _reports(run, tmp_path, "--anonymise").items():
        assert named(text, words) == [], name
        assert "for publication" in text
    board = _reports(run, tmp_path)["report.html"]
    assert named(board, words)  # the board's report names people: the search finds them


@pytest.fixture
def small(run):
    """North: one active person since 2020 (N1). South: three (S1-S3), and two teachers
    short of everything, one compliant-free. Hand-counted below."""
    ok(run, "org", "add", "NORTH-TRUST", "--name", "North Trust", "--region", "North")
    ok(run, "org", "add", "SOUTH-TRUST", "--name", "South Trust", "--region", "South")
    ok(run, "programme", "add", "MBCT", "--name", "Mindfulness-Based Cognitive Therapy")
    ok(run, "person", "add", "N1", "--name", "Nia North", "--organisation", "NORTH-TRUST", "--joined-on", "2020-01-06")
    for ref in ("S1", "S2", "S3"):
        ok(run, "person", "add", ref, "--name", f"Sam {ref}", "--organisation", "SOUTH-TRUST", "--joined-on", "2020-01-06")
    for ref in ("N1", "S1", "S2", "S3"):
        ok(run, "stage", "add", "--person", ref, "--programme", "MBCT", "--stage", "teacher", "--on", "2021-01-04")


def test_small_counts_by_region_and_organisation_are_shown_as_fewer_than_n(run, small, tmp_path):
    markdown = _reports(run, tmp_path, "--anonymise")["report.md"]
    # Active people by region: North 1 (start and end) is hidden, and so its change; South's 3
    # would give North's 1 away beside the total of 4, so it is not shown either.
    assert "| North | fewer than 3 | fewer than 3 | not shown |" in markdown
    assert "| South | not shown | not shown | not shown |" in markdown
    assert "Active people: 4 at the start of the year" in markdown
    # Nobody has logged anything: all 4 assessed are short of everything; 0 compliant stays 0.
    # South's 3 assessed and short of each requirement are not shown beside the totals of 4.
    assert "| North | fewer than 3 | 0 | not shown | fewer than 3 | fewer than 3 | fewer than 3 |" in markdown
    assert "| South | not shown | 0 | not shown | not shown | not shown | not shown |" in markdown
    assert "| SOUTH-TRUST | not shown | 0 | not shown | not shown | not shown | not shown |" in markdown
    # A threshold of 4 hides South's 3 too; the board's report shows every count.
    markdown = _reports(run, tmp_path, "--anonymise", "--suppress-below", "4")["report.md"]
    assert "| South | fewer than 4 | fewer than 4 | not shown |" in markdown
    assert "| North | 1 | 1 | 0 |" in _reports(run, tmp_path)["report.md"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("0", "suppress-below: 0 is out of range (2 to 1000)"),
        ("1", "suppress-below: 1 is out of range (2 to 1000)"),
        ("three", "suppress-below: 'three' is not a whole number"),
        ("1001", "suppress-below: 1001 is out of range (2 to 1000)"),
    ],
)
def test_a_bad_threshold_is_one_error_line_and_writes_nothing(run, engine, tmp_path, value, error):
    assert_refused(run, engine, "report", "annual", "--anonymise", "--suppress-below", value, error=error)
    assert not list(tmp_path.glob("annual-report-*"))


def test_a_threshold_without_anonymise_is_refused(run, engine, tmp_path):
    assert_usage_error(
        run, engine, "report", "annual", "--suppress-below", "5",
        error="--suppress-below applies to the anonymised report: give --anonymise too",
    )
    assert not list(tmp_path.glob("annual-report-*"))


def test_the_year_to_date_says_so_and_marks_the_month_in_progress(run, small, tmp_path):
    markdown = _reports(run, tmp_path)["report.md"]
    end = f"{TODAY.day} {TODAY:%B}"
    assert f"| Compliant on {end} |" in markdown
    assert "at the year end" not in markdown.split("## About these figures")[0]
    if TODAY.day < 28:  # a month in progress (the last days of a month may be its end)
        assert f"| {TODAY:%b} 1\u2013{TODAY.day} |" in markdown
    for key in ("| cpd |", "| retreat |", "| supervision |"):
        assert key not in markdown
    assert "| CPD hours | 4 |" in markdown
    complete = _reports(run, tmp_path, "--year", str(TODAY.year - 1))["report.md"]
    assert "| Compliant at the year end |" in complete and "1\u2013" not in complete


def test_the_demo_bundle_and_generated_bundles_carry_a_status_history(tmp_path):
    from mbp_registry.fixtures.generate import generate_bundle

    generate_bundle(tmp_path / "g", people=50, seed=2)
    with open(tmp_path / "g" / "status_history.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(tmp_path / "g" / "people.csv", encoding="utf-8") as handle:
        people = {row["ref"]: row for row in csv.DictReader(handle)}
    latest = {}
    for row in rows:
        latest[row["person"]] = row
    assert set(latest) == set(people)
    assert all(latest[ref]["status"] == person["status"] for ref, person in people.items())


def test_progress_shows_on_a_terminal_only(run, tmp_path, monkeypatch):
    from mbp_registry.cli import progress

    quiet = ok(run, "report", "annual", "--out", "quiet.html")
    assert quiet.stderr == ""
    monkeypatch.setattr(progress, "interactive", lambda: True)
    shown = ok(run, "report", "annual", "--out", "shown.html")
    assert "Working out the figures" in shown.stderr and "Drawing the charts" in shown.stderr
    assert "Exporting" in ok(run, "export", str(tmp_path / "out")).stderr
    assert "Importing" in ok(run, "import", str(tmp_path / "out")).stderr

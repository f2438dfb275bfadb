"""`mbp-registry import` reports every problem of a bundle at once: each row checked on
every column, the rules across records run on what could be read (with no error that
only follows from another), the first 100 on screen and the count of the rest, and the
full list with --errors FILE. A refused import writes nothing."""

from __future__ import annotations

import os
import stat

import pytest

from mbp_registry.registry.bundle import reader
from tests.bundle_helpers import SMALL, map_rows, replace_once, table_contents, write_bundle
from tests.helpers import assert_refused, csv_of, table_counts

CPD_COLUMNS = "person, date, hours, category, description"


def bundle_of(tmp_path, **edits):
    """SMALL with `edits`: file stem -> function of the file's text."""
    files = dict(SMALL)
    for stem, edit in edits.items():
        files[f"{stem}.csv"] = edit(files[f"{stem}.csv"])
    return write_bundle(tmp_path / "bundle", files)


def sub(*pairs: tuple[str, str]):
    def edit(text: str) -> str:
        for old, new in pairs:
            text = replace_once(text, old, new)
        return text

    return edit


def refused(run, engine, bundle, *options) -> list[str]:
    """Import `bundle`, which must be refused with nothing written; its standard error lines."""
    before_counts, before = table_counts(engine), table_contents(engine)
    result = run("import", str(bundle), *options)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert table_counts(engine) == before_counts  # every table, the audit log included
    assert table_contents(engine) == before
    return result.stderr.splitlines()


def with_venue_column(text: str) -> str:
    return map_rows(text, lambda row: row + ["venue" if row[0] == "person" else "Leeds"])


def test_the_four_problems_that_hid_behind_others_are_found_in_one_run(run, engine, tmp_path):
    bundle = bundle_of(
        tmp_path,
        # an unknown organisation on a row that also has a bad date
        people=sub(
            ("eve@example.org,ORG-A,left,2011-01-01", "eve@example.org,ORG-Z,left,2011-02-30"),
            # a duplicate email on a row with another bad value
            ("P4,Dan Trainee,,ORG-B,on_leave,2020-01-01", "P4,Dan Trainee,ann@example.org,ORG-B,on_leave,2020-13-01"),
        ),
        # an unknown supervisee on a row whose minutes are also wrong
        sessions=sub(("P2,P3,2025-01-10,60,", "P2,P9,2025-01-10,0,")),
        # hours=abc behind an unknown column
        cpd=lambda text: replace_once(with_venue_column(text), ",6,", ",abc,"),
    )
    assert refused(run, engine, bundle) == [
        "people.csv:5: joined_on: '2020-13-01' is not a date (YYYY-MM-DD)",
        "people.csv:5: email: 'ann@example.org' is also on line 2",
        "people.csv:6: joined_on: '2011-02-30' is not a date (YYYY-MM-DD)",
        "people.csv:6: organisation: no organisation 'ORG-Z' in the bundle or the registry",
        "sessions.csv:2: minutes: 0 is out of range (1 to 600)",
        "sessions.csv:2: supervisee: no person 'P9' in the bundle or the registry",
        f"cpd.csv:1: unknown column 'venue' (expected: {CPD_COLUMNS})",
        "cpd.csv:3: hours: 'abc' is not a number",
        "Error: the bundle has 8 error(s); nothing was imported",
    ]


def test_rows_with_a_problem_cause_no_further_errors(run, engine, tmp_path):
    """P2 (referred to by every file) and P1's trainer stage cannot be read, and the row of
    organisation ORG-B has a cell too many: only those problems are reported, not the
    references to them nor the training P1 gave as a trainer."""
    bundle = bundle_of(
        tmp_path,
        organisations=sub(("ORG-B,Org B,South", "ORG-B,Org B,South,extra")),
        people=sub(("P2,Ben Supervisor,ben@example.org,ORG-A,active,2012-01-01", "P2,Ben Supervisor,ben.example.org,ORG-A,active,2012-01-01")),
        stages=sub(("P1,MBCT,trainer,2010-01-01", "P1,MBCT,trainer,2010-01-32")),
    )
    assert refused(run, engine, bundle) == [
        "organisations.csv:3: 4 cells, but the header has 3",
        "people.csv:3: email: 'ben.example.org' is not an email address",
        "stages.csv:3: attained_on: '2010-01-32' is not a date (YYYY-MM-DD)",
        "Error: the bundle has 3 error(s); nothing was imported",
    ]


def test_a_missing_required_column_is_reported_once_and_the_other_columns_are_checked(run, engine, tmp_path):
    bundle = bundle_of(
        tmp_path,
        sessions=lambda text: map_rows(
            replace_once(text, "P2,P4,2020-04-01,45,", "P2,P8,2020-04-01,0,"), lambda row: row[:3] + row[4:]
        ),
    )
    assert refused(run, engine, bundle) == [
        "sessions.csv:1: missing required column 'minutes'",
        "sessions.csv:4: supervisee: no person 'P8' in the bundle or the registry",
        "Error: the bundle has 2 error(s); nothing was imported",
    ]


def bad_cpd(rows: int) -> str:
    """A cpd.csv whose rows alternate a bad number of hours (found as the row is read) and
    an unknown person (found across records, after every file is read)."""
    lines = [["person", "date", "hours", "category", "description"]]
    for number in range(rows):
        day = f"2024-{1 + number // 28 % 12:02d}-{1 + number % 28:02d}"
        if number % 2:
            lines.append([f"Q{number}", day, "1", "reading", f"row {number}"])
        else:
            lines.append(["P3", day, "0", "reading", f"row {number}"])
    return csv_of(lines)


def expected_cpd_errors(rows: int) -> list[str]:
    return [
        f"cpd.csv:{number + 2}: person: no person 'Q{number}' in the bundle or the registry"
        if number % 2
        else f"cpd.csv:{number + 2}: hours: 0 is out of range (greater than 0 and at most 100)"
        for number in range(rows)
    ]


@pytest.fixture(params=["in memory", "in a temporary table"])
def errors_kept(request, monkeypatch):
    """Run each test with the errors kept in memory, and again moved into a temporary table."""
    if request.param == "in a temporary table":
        monkeypatch.setattr(reader, "KEPT_IN_MEMORY", 7)
    return request.param


def test_the_first_100_errors_are_shown_in_bundle_order_then_the_count_of_the_rest(run, engine, tmp_path, errors_kept):
    bundle = bundle_of(tmp_path, cpd=lambda _: bad_cpd(250))
    assert refused(run, engine, bundle) == [
        *expected_cpd_errors(250)[:100],
        "... and 150 more error(s); --errors FILE writes them all",
        "Error: the bundle has 250 error(s); nothing was imported",
    ]


def test_errors_file_gets_every_error_in_bundle_order_readable_by_its_owner_only(run, engine, tmp_path, errors_kept):
    bundle = bundle_of(tmp_path, cpd=lambda _: bad_cpd(250), people=sub(("ORG-B,on_leave", "ORG-B,away")))
    errors = tmp_path / "errors.txt"
    lines = refused(run, engine, bundle, "--errors", str(errors))

    expected = [
        "people.csv:5: status: " + lines[0].split(": status: ", 1)[1],
        *expected_cpd_errors(250),
    ]
    assert lines == [
        *expected[:100],
        f"... and 151 more error(s); all are in {errors}",
        "Error: the bundle has 251 error(s); nothing was imported",
    ]
    assert errors.read_text(encoding="utf-8") == "".join(f"{line}\n" for line in expected)
    assert stat.S_IMODE(os.stat(errors).st_mode) == 0o600


def test_errors_file_of_a_dry_run_and_of_a_good_bundle(run, engine, tmp_path):
    errors = tmp_path / "errors.txt"
    bad = bundle_of(tmp_path, sessions=sub((",60,", ",0,")))
    assert refused(run, engine, bad, "--dry-run", "--errors", str(errors)) == [
        "sessions.csv:2: minutes: 0 is out of range (1 to 600)",
        "Error: the bundle has 1 error(s); nothing was imported",
    ]
    assert errors.read_text(encoding="utf-8") == "sessions.csv:2: minutes: 0 is out of range (1 to 600)\n"

    result = run("import", str(write_bundle(tmp_path / "good", SMALL)), "--errors", str(errors))
    assert result.exit_code == 0, result.output
    assert errors.read_text(encoding="utf-8") == ""  # no stale list left from before
    assert stat.S_IMODE(os.stat(errors).st_mode) == 0o600


def test_an_errors_file_that_cannot_be_written_refuses_the_import(run, engine, tmp_path):
    errors = tmp_path / "missing-folder" / "errors.txt"
    assert_refused(
        run,
        engine,
        "import",
        str(write_bundle(tmp_path / "good", SMALL)),
        "--errors",
        str(errors),
        error=f"errors: cannot write {str(errors)!r}: No such file or directory",
    )
    assert not errors.exists()

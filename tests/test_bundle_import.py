"""`mbp-registry import`: idempotence, dry runs, what a bundle may look like, and every
kind of error, reported as FILE:LINE: message with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mbp_registry.registry import models
from tests.bundle_helpers import (
    SMALL,
    SMALL_ROWS,
    blank_column,
    drop_column,
    import_counts,
    map_rows,
    read_bundle,
    replace_once,
    rows_of,
    table_contents,
    write_bundle,
)
from tests.helpers import csv_of, table_counts

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
BUNDLE_FILES = ", ".join(sorted(SMALL))


def import_json(run, directory, *options):
    result = run("import", str(directory), "--format", "json", *options)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return import_counts(result)


def export_text(run, directory) -> dict[str, str]:
    result = run("export", str(directory))
    assert result.exit_code == 0, result.output
    return read_bundle(directory)


def import_small_then(run, tmp_path, files: dict[str, str]) -> dict[str, dict[str, int]]:
    """Import SMALL, then a bundle of `files`; the second import's counts."""
    import_json(run, write_bundle(tmp_path / "b", SMALL))
    return import_json(run, write_bundle(tmp_path / "c", files))


def edited(file: str, old: str, new: str) -> dict[str, str]:
    """A bundle of one file of SMALL, with `old` replaced by `new`."""
    return {file: replace_once(SMALL[file], old, new)}


def no_change(counts: dict[str, int]) -> dict[str, dict[str, int]]:
    return {name: {"added": 0, "updated": 0, "unchanged": rows} for name, rows in counts.items()}


# idempotence and dry runs --------------------------------------------------------------


def test_import_into_an_empty_registry_reports_every_record_as_added(run, engine, tmp_path):
    counts = import_json(run, write_bundle(tmp_path / "b", SMALL))
    assert counts == {name: {"added": rows, "updated": 0, "unchanged": 0} for name, rows in SMALL_ROWS.items()}
    assert list(counts) == list(SMALL)  # in bundle order
    tables = table_counts(engine)
    assert tables["people"] == 5 and tables["course_co_teachers"] == 3 and tables["audit_log"] == 1


def test_importing_the_same_bundle_twice_changes_nothing(run, engine, tmp_path):
    bundle = write_bundle(tmp_path / "b", SMALL)
    import_json(run, bundle)
    before_counts, before = table_counts(engine), table_contents(engine)

    assert import_json(run, bundle) == no_change(SMALL_ROWS)
    assert table_contents(engine) == before
    after_counts = table_counts(engine)
    assert {k: v for k, v in after_counts.items() if k != "audit_log"} == {
        k: v for k, v in before_counts.items() if k != "audit_log"
    }


def test_a_changed_person_name_is_reported_as_updated_and_applied(run, engine, tmp_path):
    import_json(run, write_bundle(tmp_path / "b", SMALL))
    changed = dict(SMALL, **{"people.csv": replace_once(SMALL["people.csv"], "Cat Teacher", "Cat Teacher-Brown")})

    counts = import_json(run, write_bundle(tmp_path / "c", changed))

    assert counts["people.csv"] == {"added": 0, "updated": 1, "unchanged": 4}
    assert {k: v for k, v in counts.items() if k != "people.csv"} == no_change(
        {k: v for k, v in SMALL_ROWS.items() if k != "people.csv"}
    )
    with engine.connect() as c:
        assert c.scalar(select(models.Person.name).where(models.Person.ref == "P3")) == "Cat Teacher-Brown"
        assert c.scalar(select(models.Person.name).where(models.Person.ref == "P1")) == "Ann Trainer"


def test_changed_session_minutes_update_the_same_session(run, engine, tmp_path):
    counts = import_small_then(run, tmp_path, edited("sessions.csv", "2025-01-10,60,", "2025-01-10,75,"))

    assert counts == {"sessions.csv": {"added": 0, "updated": 1, "unchanged": 2}}
    with engine.connect() as c:
        minutes = c.scalars(
            select(models.SupervisionSession.minutes).where(models.SupervisionSession.held_on == dt.date(2025, 1, 10))
        ).all()
    assert minutes == [75]
    assert table_counts(engine)["supervision_sessions"] == 3


def test_a_changed_key_column_is_a_new_event_and_the_old_one_stays(run, engine, tmp_path):
    changed = edited("sessions.csv", "2025-01-10,60,individual", "2025-01-17,60,individual")
    counts = import_small_then(run, tmp_path, changed)

    assert counts == {"sessions.csv": {"added": 1, "updated": 0, "unchanged": 2}}
    assert table_counts(engine)["supervision_sessions"] == 4


def test_changed_co_teachers_update_the_course_and_replace_its_co_teachers(run, engine, tmp_path):
    counts = import_small_then(run, tmp_path, edited("courses.csv", "P3;P4", "P4;P1"))

    assert counts == {"courses.csv": {"added": 0, "updated": 1, "unchanged": 1}}
    exported = export_text(run, tmp_path / "out")["courses.csv"]
    assert "C-2025-02,MBCT,2025-04-14,P2,P1;P4,10,false,,8\n" in exported
    assert table_counts(engine)["course_co_teachers"] == 3


def test_co_teachers_in_another_order_are_unchanged(run, tmp_path):
    assert import_small_then(run, tmp_path, edited("courses.csv", "P3;P4", "P4; P3")) == no_change({"courses.csv": 2})


def changed_small_bundle(tmp_path):
    """SMALL with a new person, a renamed person, new session minutes and other co-teachers."""
    people = replace_once(SMALL["people.csv"], "Ann Trainer", "Ann Smith") + "P6,Fay New,,ORG-B,active,,,\n"
    sessions = replace_once(SMALL["sessions.csv"], ",60,", ",65,")
    courses = replace_once(SMALL["courses.csv"], "P3;P4", "P4")
    cpd = SMALL["cpd.csv"] + "P1,2024-03-01,3,reading,Full Catastrophe Living\n"
    files = dict(SMALL, **{"people.csv": people, "sessions.csv": sessions, "courses.csv": courses, "cpd.csv": cpd})
    return write_bundle(tmp_path / "changed", files)


EXPECTED_CHANGES = dict(
    no_change(SMALL_ROWS),
    **{
        "people.csv": {"added": 1, "updated": 1, "unchanged": 4},
        "sessions.csv": {"added": 0, "updated": 1, "unchanged": 2},
        "courses.csv": {"added": 0, "updated": 1, "unchanged": 1},
        "cpd.csv": {"added": 1, "updated": 0, "unchanged": 3},
    },
)


def test_dry_run_reports_added_updated_and_unchanged_and_writes_nothing(run, engine, tmp_path):
    import_json(run, write_bundle(tmp_path / "b", SMALL))
    bundle = changed_small_bundle(tmp_path)
    before_counts, before = table_counts(engine), table_contents(engine)

    assert import_json(run, bundle, "--dry-run") == EXPECTED_CHANGES

    assert table_counts(engine) == before_counts  # the audit log included
    assert table_contents(engine) == before
    # The real import then does what the dry run said.
    assert import_json(run, bundle) == EXPECTED_CHANGES
    assert table_counts(engine)["people"] == 6


def test_dry_run_summary_line_counts_records_that_would_change(run, tmp_path):
    import_json(run, write_bundle(tmp_path / "b", SMALL))
    result = run("import", str(changed_small_bundle(tmp_path)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Dry run: 5 records would be added or updated; nothing was written."
    assert "people.csv           1        1          4" in result.stdout


def test_dry_run_into_an_empty_registry_writes_nothing(run, engine, tmp_path):
    counts = import_json(run, write_bundle(tmp_path / "b", SMALL), "--dry-run")
    assert counts == {name: {"added": rows, "updated": 0, "unchanged": 0} for name, rows in SMALL_ROWS.items()}
    assert set(table_counts(engine).values()) == {0}


def test_import_table_output_ends_with_a_summary(run, tmp_path):
    bundle = write_bundle(tmp_path / "b", SMALL)
    result = run("import", str(bundle))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Imported {bundle}: {sum(SMALL_ROWS.values())} records added or updated."


# what a bundle may look like ------------------------------------------------------------


def assert_reads_as_small(run, tmp_path, files: dict[str, str | bytes]):
    """Importing `files` into the empty registry stores exactly SMALL (its export is SMALL)."""
    counts = import_json(run, write_bundle(tmp_path / "variant", files))
    assert counts == {name: {"added": rows, "updated": 0, "unchanged": 0} for name, rows in SMALL_ROWS.items()}
    assert export_text(run, tmp_path / "out") == SMALL


def test_a_utf8_byte_order_mark_is_accepted(run, tmp_path):
    assert_reads_as_small(run, tmp_path, {name: b"\xef\xbb\xbf" + text.encode() for name, text in SMALL.items()})


def test_windows_line_endings_are_accepted(run, tmp_path):
    assert_reads_as_small(run, tmp_path, {name: text.replace("\n", "\r\n") for name, text in SMALL.items()})


def test_blank_lines_are_skipped(run, tmp_path):
    def with_blank_lines(text: str) -> str:
        header, first, rest = text.split("\n", 2)
        return f"{header}\n\n{first}\n   \n{rest}\n\n\n"

    assert_reads_as_small(run, tmp_path, {name: with_blank_lines(text) for name, text in SMALL.items()})


def test_spaces_around_cells_and_header_names_are_trimmed(run, tmp_path):
    padded = {name: map_rows(text, lambda row: [f"  {cell} " for cell in row]) for name, text in SMALL.items()}
    assert "  supervisor ,  supervisee " in padded["sessions.csv"]
    assert_reads_as_small(run, tmp_path, padded)


def test_columns_may_come_in_any_order(run, tmp_path):
    assert_reads_as_small(run, tmp_path, {name: map_rows(text, lambda row: row[::-1]) for name, text in SMALL.items()})


def test_bom_crlf_padding_and_column_order_together(run, tmp_path):
    files = {}
    for name, text in SMALL.items():
        rows = [[f" {cell} " for cell in row[1:] + row[:1]] for row in rows_of(text)]
        files[name] = b"\xef\xbb\xbf" + (csv_of(rows, line_end="\r\n") + "\r\n").encode()
    assert_reads_as_small(run, tmp_path, files)


OPTIONAL = {
    "people.csv": ["email", "joined_on", "left_on", "planned_leaving_on"],
    "stages.csv": ["assessed_by", "tac_level"],
    "supervision.csv": ["ended_on"],
    "sessions.csv": ["mode", "programme", "notes"],
    "cpd.csv": ["description"],
    "retreats.csv": ["led_by", "residential", "online"],
    "courses.csv": ["co_teachers", "participants", "supervised", "setting"],
}


def test_optional_columns_may_be_absent_and_are_stored_empty(run, engine, tmp_path):
    # Without left_on, nobody can have left (a status of one who left needs the day).
    files = {
        **SMALL,
        "people.csv": replace_once(SMALL["people.csv"], "ORG-A,left,", "ORG-A,active,"),
        "status_history.csv": replace_once(SMALL["status_history.csv"], "P5,2019-12-31,left,ORG-A\n", ""),
    }
    expected = dict(files)
    for name, columns in OPTIONAL.items():
        for column in columns:
            files[name] = drop_column(files[name], column)
            expected[name] = blank_column(expected[name], column)
    # Every optional column of those files is gone, so the bundle is down to the required ones.
    assert rows_of(files["people.csv"])[0] == ["ref", "name", "organisation", "status"]

    import_json(run, write_bundle(tmp_path / "b", files))

    assert export_text(run, tmp_path / "out") == expected
    assert table_counts(engine)["course_co_teachers"] == 0


def test_any_subset_of_files_is_a_bundle(run, engine, tmp_path):
    files = {name: SMALL[name] for name in ("organisations.csv", "people.csv")}
    counts = import_json(run, write_bundle(tmp_path / "b", files))
    assert counts == {
        "organisations.csv": {"added": 2, "updated": 0, "unchanged": 0},
        "people.csv": {"added": 5, "updated": 0, "unchanged": 0},
    }
    tables = table_counts(engine)
    assert tables["organisations"] == 2 and tables["people"] == 5
    assert tables["stages"] == tables["programmes"] == tables["supervision_sessions"] == 0


def test_an_empty_folder_is_an_empty_bundle(run, engine, tmp_path):
    (tmp_path / "b").mkdir()
    assert import_json(run, tmp_path / "b") == {}
    assert {name: rows for name, rows in table_counts(engine).items() if name != "audit_log" and rows} == {}


def test_references_may_point_at_records_already_in_the_registry(run, engine, tmp_path):
    first = ("organisations.csv", "programmes.csv", "people.csv", "status_history.csv")
    import_json(run, write_bundle(tmp_path / "b", {name: SMALL[name] for name in first}))
    rest = {name: text for name, text in SMALL.items() if name not in first}

    counts = import_json(run, write_bundle(tmp_path / "c", rest))

    assert counts == {name: {"added": SMALL_ROWS[name], "updated": 0, "unchanged": 0} for name in rest}
    assert export_text(run, tmp_path / "out") == SMALL


def test_trainer_stage_may_come_from_the_registry(run, tmp_path):
    import_json(run, write_bundle(tmp_path / "b", {k: v for k, v in SMALL.items() if k != "training.csv"}))
    counts = import_json(run, write_bundle(tmp_path / "c", {"training.csv": SMALL["training.csv"]}))
    assert counts == {"training.csv": {"added": 3, "updated": 0, "unchanged": 0}}


def test_a_quoted_cell_may_hold_line_breaks(run, tmp_path):
    sessions = replace_once(SMALL["sessions.csv"], "Discussed inquiry", '"Discussed inquiry\nand practice\nat length"')
    import_json(run, write_bundle(tmp_path / "b", dict(SMALL, **{"sessions.csv": sessions})))
    assert export_text(run, tmp_path / "out")["sessions.csv"] == sessions


def test_boundary_values_are_accepted(run, tmp_path):
    files = dict(SMALL)
    files["sessions.csv"] = replace_once(replace_once(files["sessions.csv"], ",60,", ",1,"), ",90,", ",600,")
    files["cpd.csv"] = replace_once(replace_once(files["cpd.csv"], ",12,", ",100,"), ",6,", ",0.01,")
    files["retreats.csv"] = replace_once(replace_once(files["retreats.csv"], ",7.5,", ",60,"), ",5,", ",0.5,")
    files["courses.csv"] = replace_once(files["courses.csv"], ",12,", ",0,")
    import_json(run, write_bundle(tmp_path / "b", files))
    assert export_text(run, tmp_path / "out") == files


# errors ---------------------------------------------------------------------------------

# Every error case runs against a registry already holding SMALL's organisations,
# programmes and people; the bundle is SMALL with one person renamed (an update) and the
# case's change. On success the import would add and update records; on any error it
# must leave every table exactly as it was.

PRELOADED = ("organisations.csv", "programmes.csv", "people.csv")


@pytest.fixture
def preloaded(run, engine, tmp_path):
    import_json(run, write_bundle(tmp_path / "preload", {name: SMALL[name] for name in PRELOADED}))


def bundle_with(tmp_path, edits: dict[str, object]):
    """SMALL with P1 renamed, then `edits`: file -> new text, bytes, callable(text), or None (left out)."""
    files: dict[str, str | bytes] = dict(SMALL)
    files["people.csv"] = replace_once(files["people.csv"], "Ann Trainer", "Ann Trainer-Smith")
    for name, edit in edits.items():
        if edit is None:
            files.pop(name)
        elif callable(edit):
            files[name] = edit(files[name])
        else:
            files[name] = edit
    return write_bundle(tmp_path / "bad", files)


def assert_import_fails(run, engine, bundle, expected: list[str], *options):
    before_counts, before = table_counts(engine), table_contents(engine)
    result = run("import", str(bundle), *options)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        *expected,
        f"Error: the bundle has {len(expected)} error(s); nothing was imported",
    ]
    assert table_counts(engine) == before_counts  # every table, the audit log included
    assert table_contents(engine) == before


def sub(old: str, new: str):
    return lambda text: replace_once(text, old, new)


def append(*lines: str):
    return lambda text: text + "".join(f"{line}\n" for line in lines)


ERROR_CASES = [
    # header
    ("missing required column", {"sessions.csv": lambda t: drop_column(t, "minutes")},
     ["sessions.csv:1: missing required column 'minutes'"]),
    ("unknown column", {"cpd.csv": lambda t: map_rows(t, lambda row: row + ["venue" if row[0] == "person" else "x"])},
     ["cpd.csv:1: unknown column 'venue' (expected: person, date, hours, category, description)"]),
    ("duplicated column", {"retreats.csv": lambda t: map_rows(t, lambda row: row + [row[3]])},
     ["retreats.csv:1: column 'led_by' appears twice"]),
    ("duplicated column after trimming", {"programmes.csv": "code,name, name\nMBCT,A,B\n"},
     ["programmes.csv:1: column 'name' appears twice"]),
    # values
    ("bad date", {"people.csv": sub("2011-01-01", "2011-02-30")},
     ["people.csv:6: joined_on: '2011-02-30' is not a date (YYYY-MM-DD)"]),
    ("date in another format", {"cpd.csv": sub("2025-02-01", "01/02/2025")},
     ["cpd.csv:3: date: '01/02/2025' is not a date (YYYY-MM-DD)"]),
    ("minutes below range", {"sessions.csv": sub(",60,", ",0,")},
     ["sessions.csv:2: minutes: 0 is out of range (1 to 600)"]),
    ("minutes above range", {"sessions.csv": sub(",90,", ",601,")},
     ["sessions.csv:3: minutes: 601 is out of range (1 to 600)"]),
    ("hours zero", {"cpd.csv": sub(",6,", ",0,")},
     ["cpd.csv:3: hours: 0 is out of range (greater than 0 and at most 100)"]),
    ("hours above range", {"cpd.csv": sub(",12,", ",100.5,")},
     ["cpd.csv:2: hours: 100.5 is out of range (greater than 0 and at most 100)"]),
    ("hours negative", {"cpd.csv": sub(",2.5,", ",-1,")},
     ["cpd.csv:4: hours: -1 is out of range (greater than 0 and at most 100)"]),
    ("hours with three decimals", {"cpd.csv": sub(",2.5,", ",2.125,")},
     ["cpd.csv:4: hours: 2.125 has more than 2 decimal places"]),
    ("days above range", {"retreats.csv": sub(",5,", ",60.5,")},
     ["retreats.csv:3: days: 60.5 is out of range (greater than 0 and at most 60)"]),
    ("days zero", {"retreats.csv": sub(",7.5,", ",0,")},
     ["retreats.csv:2: days: 0 is out of range (greater than 0 and at most 60)"]),
    ("days not a half", {"retreats.csv": sub(",5,", ",2.25,")},
     ["retreats.csv:3: days: 2.25 is not a multiple of 0.5"]),
    ("participants negative", {"courses.csv": sub(",12,", ",-1,")},
     ["courses.csv:2: participants: -1 is out of range (0 to 10000)"]),
    ("minutes not a number", {"sessions.csv": sub(",60,", ",sixty,")},
     ["sessions.csv:2: minutes: 'sixty' is not a whole number"]),
    ("minutes with decimals", {"sessions.csv": sub(",60,", ",1.5,")},
     ["sessions.csv:2: minutes: '1.5' is not a whole number"]),
    ("hours not a number", {"cpd.csv": sub(",6,", ",six,")},
     ["cpd.csv:3: hours: 'six' is not a number"]),
    ("days not a number", {"retreats.csv": sub(",5,", ",NaN,")},
     ["retreats.csv:3: days: 'NaN' is not a number"]),
    ("bad boolean", {"retreats.csv": sub("true,false", "yes,false")},
     ["retreats.csv:3: residential: 'yes' is not true or false"]),
    ("unknown status", {"people.csv": sub("on_leave", "away")},
     ["people.csv:5: status: 'away' is not one of active, on_leave, left, retired, erased"]),
    ("unknown session kind", {"sessions.csv": sub("group", "triad")},
     ["sessions.csv:3: kind: 'triad' is not one of individual, group, peer"]),
    ("unknown stage", {"stages.csv": sub("trainee,2020", "apprentice,2020")},
     ["stages.csv:7: stage: 'apprentice' is not one of trainee, teacher, supervisor, trainer, trainer_of_trainers"]),
    ("unknown readiness", {"nominations.csv": sub("ready_now", "soon")},
     ["nominations.csv:3: readiness: 'soon' is not one of ready_now, 1_2_years, 3_plus_years"]),
    ("every bad field of a row", {"sessions.csv": sub("P2,P3,2025-01-10,60,individual", "P2,P3,2025-01-10,0,triad")},
     ["sessions.csv:2: minutes: 0 is out of range (1 to 600)",
      "sessions.csv:2: kind: 'triad' is not one of individual, group, peer"]),
    ("required value empty", {"people.csv": sub("Eve Left", "")},
     ["people.csv:6: name: a value is required"]),
    ("control characters", {"sessions.csv": sub("Discussed inquiry", "Discussed\x07inquiry")},
     ["sessions.csv:3: notes: 'Discussed\\x07inquiry' contains control characters"]),
    ("text too long", {"sessions.csv": sub("Discussed inquiry", "x" * 10_001)},
     ["sessions.csv:3: notes: text of 10001 characters is longer than 10000"]),
    # references
    ("dangling person", {"cpd.csv": sub("P3,2025-02-01", "P9,2025-02-01")},
     ["cpd.csv:3: person: no person 'P9' in the bundle or the registry"]),
    ("dangling organisation", {"people.csv": sub("eve@example.org,ORG-A", "eve@example.org,ORG-Z")},
     ["people.csv:6: organisation: no organisation 'ORG-Z' in the bundle or the registry"]),
    ("dangling programme", {"sessions.csv": sub("video,MBCT", "video,MBXX")},
     ["sessions.csv:2: programme: no programme 'MBXX' in the bundle or the registry"]),
    ("dangling co-teacher", {"courses.csv": sub("P3;P4", "P3;P8")},
     ["courses.csv:3: co_teachers: no person 'P8' in the bundle or the registry"]),
    ("dangling assessor", {"stages.csv": sub("P3,MBCT,teacher,2016-01-01,P1", "P3,MBCT,teacher,2016-01-01,Q1")},
     ["stages.csv:6: assessed_by: no person 'Q1' in the bundle or the registry"]),
    ("two references in one cell", {"cpd.csv": sub("P3,2025-02-01", "P3;P4,2025-02-01")},
     ["cpd.csv:3: person: 'P3;P4' is not a single reference"]),
    # duplicates
    ("duplicate key", {"cpd.csv": append("P3,2025-02-01,3,workshop,Compassion workshop")},
     ["cpd.csv:5: duplicate of line 3 (same person, date, category, description)"]),
    ("duplicate key with an empty description", {"cpd.csv": append("P3,2025-05-01,1,reading,")},
     ["cpd.csv:5: duplicate of line 4 (same person, date, category, description)"]),
    ("duplicate key after trimming", {"organisations.csv": append(" ORG-A ,Another,West")},
     ["organisations.csv:4: duplicate of line 2 (same code)"]),
    ("duplicate person ref", {"people.csv": append("P2,Ben Again,,ORG-A,active,,,", "P2,Ben Third,,ORG-A,active,,,")},
     ["people.csv:7: duplicate of line 3 (same ref)", "people.csv:8: duplicate of line 3 (same ref)"]),
    ("duplicate email within the bundle",
     {"people.csv": append("P6,Fay New,new@example.org,ORG-B,active,,,", "P7,Gus New,new@example.org,ORG-B,active,,,")},
     ["people.csv:8: email: 'new@example.org' is also on line 7"]),
    ("duplicate email against the registry",
     {"people.csv": "ref,name,email,organisation,status\nP6,Fay New,ann@example.org,ORG-B,active\n"},
     ["people.csv:2: email: 'ann@example.org' belongs to person 'P1' in the registry"]),
    ("bad email", {"people.csv": sub("eve@example.org", "eve.example.org")},
     ["people.csv:6: email: 'eve.example.org' is not an email address"]),
    # record rules
    ("self-supervision link", {"supervision.csv": sub("P2,P4", "P4,P4")},
     ["supervision.csv:3: supervisee: 'P4' cannot supervise themselves"]),
    ("self-supervision session", {"sessions.csv": sub("P2,P4", "P4,P4")},
     ["sessions.csv:4: supervisee: 'P4' cannot supervise themselves"]),
    ("own trainer", {"training.csv": sub("P1,P3", "P3,P3")},
     ["training.csv:3: trainee: 'P3' cannot be their own trainer"]),
    ("lead among co-teachers", {"courses.csv": sub("P2,P3;P4", "P2,P2;P4")},
     ["courses.csv:3: co_teachers: 'P2' is the lead teacher"]),
    ("co-teacher listed twice", {"courses.csv": sub("P3;P4", "P3;P3")},
     ["courses.csv:3: co_teachers: 'P3' is listed twice"]),
    ("supervision ends before it starts", {"supervision.csv": sub("2021-03-01", "2019-03-01")},
     ["supervision.csv:3: ended_on: 2019-03-01 is before started_on 2020-03-01"]),
    ("left before joining", {"people.csv": sub("2019-12-31", "2010-12-31")},
     ["people.csv:6: left_on: 2010-12-31 is before joined_on 2011-01-01"]),
    ("session in the future", {"sessions.csv": sub("2025-01-10", TOMORROW)},
     [f"sessions.csv:2: held_on: {TOMORROW} is in the future"]),
    ("cpd in the future", {"cpd.csv": sub("2025-05-01", TOMORROW)},
     [f"cpd.csv:4: date: {TOMORROW} is in the future"]),
    ("retreat in the future", {"retreats.csv": sub("2024-09-01", TOMORROW)},
     [f"retreats.csv:2: start_on: {TOMORROW} is in the future"]),
    # stages and the lineage
    ("trainer without trainer stage", {"training.csv": sub("P1,P3", "P2,P3")},
     ["training.csv:3: trainer: 'P2' holds stage supervisor in MBCT on 2015-09-01; trainer or higher is needed"]),
    ("trainer before reaching trainer stage", {"training.csv": sub("P1,P2,MBCT,teacher,2012-03-01", "P1,P2,MBCT,teacher,2009-03-01")},
     ["training.csv:2: trainer: 'P1' holds stage teacher in MBCT on 2009-03-01; trainer or higher is needed"]),
    ("trainer with no stage at all", {"training.csv": sub("P1,P4", "P5,P4")},
     ["training.csv:4: trainer: 'P5' holds no stage in MBCT on 2020-01-15; trainer or higher is needed",
      "training.csv:4: trained_on: 2020-01-15 is after trainer 'P5' left on 2019-12-31"]),
    ("trainer stage only in another programme", {"training.csv": sub("P1,P3,MBCT", "P1,P3,MBSR")},
     ["training.csv:3: trainer: 'P1' holds no stage in MBSR on 2015-09-01; trainer or higher is needed"]),
    ("supervisor without supervisor stage", {"supervision.csv": sub("P2,P3", "P3,P2")},
     ["supervision.csv:2: supervisor: 'P3' holds stage teacher in MBCT on 2016-02-01; supervisor or higher is needed"]),
    ("supervisor stage attained later in the bundle", {"stages.csv": sub("P2,MBCT,supervisor,2014-01-01", "P2,MBCT,supervisor,2017-01-01")},
     ["supervision.csv:2: supervisor: 'P2' holds stage teacher in MBCT on 2016-02-01; supervisor or higher is needed"]),
    ("cycle in the lineage",
     {"stages.csv": append("P4,MBCT,trainer,2021-01-01,,"), "training.csv": append("P4,P1,MBCT,teacher,2022-01-01")},
     ["training.csv:5: trainee: the lineage of MBCT would have a cycle: P1 -> P4 -> P1"]),
    # the shape of the files
    ("row with too many cells", {"organisations.csv": sub("ORG-B,Org B,South", "ORG-B,Org B,South,extra")},
     ["organisations.csv:3: 4 cells, but the header has 3"]),
    ("unknown file", {"notes.csv": "a,b\n1,2\n"},
     [f"notes.csv:1: not a bundle file (expected one of: {BUNDLE_FILES})"]),
    ("error after a quoted multi-line cell",
     {"sessions.csv": lambda t: t.replace("Discussed inquiry", '"Discussed\ninquiry\nat length"').replace(",45,", ",0,")},
     ["sessions.csv:6: minutes: 0 is out of range (1 to 600)"]),
    ("error after a quoted multi-line cell with CRLF",
     {"sessions.csv": lambda t: t.replace("Discussed inquiry", '"Discussed\ninquiry\nat length"')
      .replace(",45,", ",0,").replace("\n", "\r\n")},
     ["sessions.csv:6: minutes: 0 is out of range (1 to 600)"]),
    ("error after blank lines", {"cpd.csv": lambda t: t.replace("\nP3,2025-05-01,2.5,", "\n\n  \nP3,2025-05-01,0,")},
     ["cpd.csv:6: hours: 0 is out of range (greater than 0 and at most 100)"]),
]


@pytest.mark.parametrize("edits, expected", [case[1:] for case in ERROR_CASES], ids=[case[0] for case in ERROR_CASES])
def test_bad_bundle_is_refused_with_each_error_and_nothing_written(run, engine, preloaded, tmp_path, edits, expected):
    assert_import_fails(run, engine, bundle_with(tmp_path, edits), expected)


def test_the_error_case_bundle_without_its_error_imports(run, engine, preloaded, tmp_path):
    """The base of the error cases is valid: each case fails only because of its change."""
    counts = import_json(run, bundle_with(tmp_path, {}))
    assert counts["people.csv"] == {"added": 0, "updated": 1, "unchanged": 4}
    assert counts["stages.csv"] == {"added": 6, "updated": 0, "unchanged": 0}


def test_a_dry_run_of_a_bad_bundle_reports_the_same_errors(run, engine, preloaded, tmp_path):
    bundle = bundle_with(tmp_path, {"sessions.csv": sub(",60,", ",0,")})
    assert_import_fails(run, engine, bundle, ["sessions.csv:2: minutes: 0 is out of range (1 to 600)"], "--dry-run")


CPD_TWELVE = f"""\
person,date,hours,category,description
P2,2024-01-05,2,reading,
P2,2024-01-06,0,reading,
P2,2024-01-07,2,reading,
P9,2024-01-08,2,reading,
P2,2024-01-09,2,reading,
P2,2024-01-10,2,reading,
P2,2024-01-11,2,reading,
P2,2024-01-12,2,reading,
P2,2024-01-13,2,reading,
P2,2024-13-14,2,reading,
P2,{TOMORROW},2,reading,
"""


def test_errors_in_several_files_are_all_listed_by_file_in_bundle_order_then_line(run, engine, preloaded, tmp_path):
    bundle = bundle_with(
        tmp_path,
        {
            "nominations.csv": sub("ready_now", "soon"),
            "cpd.csv": CPD_TWELVE,
            "sessions.csv": sub(",45,", ",abc,"),
            "people.csv": sub("on_leave", "away"),
            "organisations.csv": sub("ORG-B,Org B,South", "ORG-B,Org B,South,extra"),
            "training.csv": sub("P1,P3", "P2,P3"),
        },
    )
    assert_import_fails(
        run,
        engine,
        bundle,
        [
            "organisations.csv:3: 4 cells, but the header has 3",
            "people.csv:5: status: 'away' is not one of active, on_leave, left, retired, erased",
            "training.csv:3: trainer: 'P2' holds stage supervisor in MBCT on 2015-09-01; trainer or higher is needed",
            "sessions.csv:4: minutes: 'abc' is not a whole number",
            "cpd.csv:3: hours: 0 is out of range (greater than 0 and at most 100)",
            "cpd.csv:5: person: no person 'P9' in the bundle or the registry",
            "cpd.csv:11: date: '2024-13-14' is not a date (YYYY-MM-DD)",
            f"cpd.csv:12: date: {TOMORROW} is in the future",
            "nominations.csv:3: readiness: 'soon' is not one of ready_now, 1_2_years, 3_plus_years",
        ],
    )


def test_an_unreadable_file_is_listed_with_the_errors_of_other_files(run, engine, preloaded, tmp_path):
    people = replace_once(SMALL["people.csv"], "Eve Left", "Eve L\xe9ft").encode("latin-1")
    offset = people.index(b"\xe9")
    bundle = bundle_with(
        tmp_path, {"people.csv": people, "cpd.csv": sub(",6,", ",0,"), "programmes.csv": sub("MBSR,", "MBSR,,")}
    )
    assert_import_fails(
        run,
        engine,
        bundle,
        [
            "programmes.csv:3: 3 cells, but the header has 2",
            f"people.csv: not UTF-8 text (byte 0xe9 at offset {offset})",
            "cpd.csv:3: hours: 0 is out of range (greater than 0 and at most 100)",
        ],
    )


def test_a_folder_that_does_not_exist_is_an_error(run, tmp_path):
    result = run("import", str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: bundle: {str(tmp_path / 'missing')!r} is not a folder\n"


# Hostile input found while writing these tests (crashes and silent losses, now fixed).
LATIN1_PEOPLE = replace_once(SMALL["people.csv"], "Eve Left", "Eve L\xe9ft").encode("latin-1")
BOM_LATIN1_PEOPLE = b"\xef\xbb\xbf" + LATIN1_PEOPLE
NOT_UTF8 = "people.csv: not UTF-8 text (byte 0xe9 at offset {})"

HOSTILE_CASES = [
    ("a file that is not UTF-8 is reported with its first bad byte", {"people.csv": LATIN1_PEOPLE},
     [NOT_UTF8.format(LATIN1_PEOPLE.index(b"\xe9"))]),
    ("a UTF-16 file is not UTF-8", {"programmes.csv": SMALL["programmes.csv"].encode("utf-16")},
     ["programmes.csv: not UTF-8 text (byte 0xff at offset 0)"]),
    ("a file with a BOM that is not UTF-8 is reported with its first bad byte", {"people.csv": BOM_LATIN1_PEOPLE},
     [NOT_UTF8.format(BOM_LATIN1_PEOPLE.index(b"\xe9"))]),
    ("minutes with two signs is not a whole number", {"sessions.csv": sub(",60,", ",--5,")},
     ["sessions.csv:2: minutes: '--5' is not a whole number"]),
    ("minutes as a superscript digit is not a whole number", {"sessions.csv": sub(",60,", ",²,")},
     ["sessions.csv:2: minutes: '²' is not a whole number"]),
    ("a huge number of retreat days is out of range", {"retreats.csv": sub(",5,", ",1e30,")},
     ["retreats.csv:3: days: 1e+30 is out of range (greater than 0 and at most 60)"]),
    ("a number too large for a float is not a number", {"retreats.csv": sub(",5,", ",1e999999,")},
     ["retreats.csv:3: days: '1e999999' is not a number"]),
    ("a cell beyond the csv module's default limit is read and checked",
     {"sessions.csv": sub("Discussed inquiry", "x" * 200_000)},
     ["sessions.csv:3: notes: text of 200000 characters is longer than 10000"]),
    ("a cell of over a million characters is an error", {"sessions.csv": sub("Discussed inquiry", "x" * 1_000_001)},
     ["sessions.csv:3: a cell is longer than 1,000,000 characters"]),
    ("an ISO week date is not a date", {"sessions.csv": sub("2025-01-10", "2025-W02-5")},
     ["sessions.csv:2: held_on: '2025-W02-5' is not a date (YYYY-MM-DD)"]),
    ("an unterminated quoted cell is an error on the line it starts",
     {"sessions.csv": sub("Discussed inquiry", '"Discussed inquiry')},
     ['sessions.csv:3: a quoted cell is never closed (a missing ")']),
    ("text after a closing quote is an error", {"sessions.csv": sub("Discussed inquiry", '"Discussed" inquiry')},
     ["sessions.csv:3: not readable as CSV: ',' expected after '\"'"]),
    ("a reference with a line break is not a single reference", {"training.csv": sub("P1,P3,MBCT", 'P1,P3,"MB\nCT"')},
     ["training.csv:3: programme: 'MB\\nCT' is not a single reference"]),
    ("nomination region must be the region of an organisation", {"nominations.csv": sub("South", "West")},
     ["nominations.csv:3: region: 'West' is not the region of any organisation"]),
]


@pytest.mark.parametrize("edits, expected", [case[1:] for case in HOSTILE_CASES], ids=[case[0] for case in HOSTILE_CASES])
def test_hostile_input_is_refused_with_its_error_and_nothing_written(run, engine, preloaded, tmp_path, edits, expected):
    assert_import_fails(run, engine, bundle_with(tmp_path, edits), expected)


def test_two_people_may_swap_emails(run, engine, tmp_path):
    people = SMALL["people.csv"].replace("ann@example.org", "SWAP").replace("ben@example.org", "ann@example.org")
    people = people.replace("SWAP", "ben@example.org")
    counts = import_small_then(run, tmp_path, {"people.csv": people})

    assert counts == {"people.csv": {"added": 0, "updated": 2, "unchanged": 3}}
    with engine.connect() as c:
        emails = dict(c.execute(select(models.Person.ref, models.Person.email)).all())
    assert emails["P1"] == "ben@example.org" and emails["P2"] == "ann@example.org"


def test_nomination_emergency_may_be_empty_and_is_then_false(run, tmp_path):
    nominations = SMALL["nominations.csv"].replace(",true,", ",,")
    counts = import_json(run, write_bundle(tmp_path / "b", dict(SMALL, **{"nominations.csv": nominations})))
    assert counts["nominations.csv"] == {"added": 2, "updated": 0, "unchanged": 0}
    assert export_text(run, tmp_path / "out")["nominations.csv"] == SMALL["nominations.csv"].replace(",true,", ",false,")


def test_nomination_emergency_column_may_be_absent(run, tmp_path):
    nominations = drop_column(SMALL["nominations.csv"], "emergency")
    counts = import_json(run, write_bundle(tmp_path / "b", dict(SMALL, **{"nominations.csv": nominations})))
    assert counts["nominations.csv"] == {"added": 2, "updated": 0, "unchanged": 0}


def test_an_absent_optional_column_leaves_stored_values_alone(run, engine, tmp_path):
    people = "ref,name,organisation,status\nP1,Ann Trainer,ORG-A,active\n"
    counts = import_small_then(run, tmp_path, {"people.csv": people})

    assert counts == {"people.csv": {"added": 0, "updated": 0, "unchanged": 1}}
    assert export_text(run, tmp_path / "out")["people.csv"] == SMALL["people.csv"]


def test_an_absent_optional_column_does_not_hide_a_change_in_a_present_one(run, engine, tmp_path):
    people = "ref,name,organisation,status\nP1,Ann Trainer,ORG-A,on_leave\n"
    counts = import_small_then(run, tmp_path, {"people.csv": people})

    assert counts == {"people.csv": {"added": 0, "updated": 1, "unchanged": 0}}
    assert export_text(run, tmp_path / "out")["people.csv"] == SMALL["people.csv"].replace(
        "ORG-A,active,2008-01-01", "ORG-A,on_leave,2008-01-01"
    )


def test_an_absent_co_teachers_column_leaves_stored_co_teachers_alone(run, engine, tmp_path):
    courses = "code,programme,start_on,lead\nC-2025-02,MBCT,2025-04-14,P2\n"
    counts = import_small_then(run, tmp_path, {"courses.csv": courses})

    assert counts == {"courses.csv": {"added": 0, "updated": 0, "unchanged": 1}}
    assert export_text(run, tmp_path / "out")["courses.csv"] == SMALL["courses.csv"]
    assert table_counts(engine)["course_co_teachers"] == 3


def test_text_that_a_spreadsheet_would_run_survives_export_and_import(run, engine, tmp_path):
    people = "ref,name,organisation,status\nP6,=1+1,ORG-A,active\nP7,-dash,ORG-A,active\nP8,@sum,ORG-A,active\n"
    cpd = "person,date,hours,category,description\nP6,2024-01-01,1,other,+plus\n"
    files = {"organisations.csv": SMALL["organisations.csv"], "people.csv": people, "cpd.csv": cpd}
    import_json(run, write_bundle(tmp_path / "b", files))
    before = table_contents(engine)

    exported = export_text(run, tmp_path / "out")
    for text in (exported["people.csv"], exported["cpd.csv"]):
        assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows_of(text) for cell in row)

    assert import_json(run, tmp_path / "out")["people.csv"] == {"added": 0, "updated": 0, "unchanged": 3}
    assert table_contents(engine) == before
    with engine.connect() as c:
        names = c.scalars(select(models.Person.name).order_by(models.Person.ref)).all()
    assert names == ["=1+1", "-dash", "@sum"]

"""`amend` and `remove`: every record can be corrected, through the same validation as a
new one, and the audit trail keeps what it was and why."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mbp_registry.registry.models import AuditEntry
from tests.helpers import assert_refused, build_service, days_ago, ok, ok_json, table_counts, write_csv

REASON = ("--reason", "entered wrongly")


def _log(run, supervisee="T001", on=None, minutes="45", notes=None):
    extra = ("--notes", notes) if notes else ()
    ok(run, "supervision", "log", "--supervisor", "S01", "--supervisee", supervisee, "--date", on or days_ago(30),
       "--minutes", minutes, "--kind", "individual", *extra)


def _only(rows, **match):
    (found,) = [row for row in rows if all(row[key] == value for key, value in match.items())]
    return found


def _last_entry(run, *filters):
    return ok_json(run, "audit", "list", *filters)[-1]


@pytest.fixture
def service(run, engine):
    """build_service, a supervision link S01 -> T001, a session, CPD, a retreat, a
    training record, a course and a nomination, each with id 1 in its table."""
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--from", "2023-01-01")
    _log(run, on="2026-11-21", notes="talked about the group")
    ok(run, "cpd", "log", "--person", "T001", "--date", "2026-10-01", "--hours", "3", "--category", "reading")
    ok(run, "retreat", "log", "--person", "T001", "--start", "2026-05-01", "--days", "5")
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "S01", "--programme", "MBCT", "--stage", "supervisor",
       "--on", "2018-06-01")
    ok(run, "course", "add", "MBCT-26-1", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
       "--co-teacher", "S01")
    ok(run, "succession", "nominate", "--post", "supervisor/MBCT/North", "--candidate", "T001",
       "--readiness", "1_2_years", "--on", "2026-06-01")
    return run


def test_a_session_logged_on_the_wrong_day_is_amended_and_the_trail_keeps_both_days(service, engine):
    (session,) = ok_json(service, "supervision", "sessions")
    assert session["id"] == 1 and session["held_on"] == "2026-11-21"
    result = ok(service, "amend", "sessions", "1", "--set", "held_on=2026-11-20", "--set", "minutes=60", *REASON)
    assert result.stdout == (
        "Amended sessions 1:\n"
        "  held_on: 2026-11-21 -> 2026-11-20\n"
        "  minutes: 45 -> 60\n"
    )
    (after,) = ok_json(service, "supervision", "sessions")
    assert (after["id"], after["held_on"], after["minutes"]) == (1, "2026-11-20", 60)
    entry = _last_entry(service, "--person", "T001")
    assert (entry["action"], entry["record_type"], entry["reason"], entry["actor"]) == (
        "amend", "sessions", "entered wrongly", "tester")
    assert entry["before"] == {
        "supervisor": "S01", "supervisee": "T001", "held_on": "2026-11-21", "minutes": 45, "kind": "individual",
        "mode": None, "programme": None, "notes": "<present>",
    }
    assert entry["after"] == {**entry["before"], "held_on": "2026-11-20", "minutes": 60}
    assert entry["changes"] == "held_on 2026-11-21 -> 2026-11-20; minutes 45 -> 60"
    table = ok(service, "audit", "list", "--person", "T001").stdout
    assert "held_on 2026-11-21 -> 2026-11-20; minutes 45 -> 60" in table
    assert "entered wrongly" in table


# TYPE, ID, a field and its new value, the list that shows it, and the value it shows.
AMENDMENTS = [
    ("sessions", "1", "minutes", "50", ("supervision", "sessions"), 50),
    ("supervision", "1", "ended_on", "2026-11-25", ("supervision", "links"), "2026-11-25"),
    ("cpd", "1", "hours", "4.5", ("cpd", "list"), 4.5),
    ("retreats", "1", "led_by", "Gaia House", ("retreat", "list"), "Gaia House"),
    ("stages", "4", "attained_on", "2022-07-01", ("stage", "list", "--person", "T001"), "2022-07-01"),
    ("training", "1", "trained_on", "2018-07-01", ("training", "list"), "2018-07-01"),
    ("courses", "MBCT-26-1", "participants", "12", ("course", "list"), 12),
    ("nominations", "1", "emergency", "true", ("succession", "nominations"), True),
]


@pytest.mark.parametrize("type_name, key, field, value, listing, shown", AMENDMENTS, ids=[a[0] for a in AMENDMENTS])
def test_every_event_record_can_be_amended_and_each_amendment_is_audited(
    service, engine, type_name, key, field, value, listing, shown
):
    before = table_counts(engine)
    ok(service, "amend", type_name, key, "--set", f"{field}={value}", *REASON)
    rows = ok_json(service, *listing)
    row = _only(rows, code=key) if type_name == "courses" else _only(rows, id=int(key))
    assert row[field] == shown
    assert table_counts(engine) == {**before, "audit_log": before["audit_log"] + 1, "retired_rows": 1}
    entry = _last_entry(service)
    assert (entry["action"], entry["record_type"], entry["reason"]) == ("amend", type_name, "entered wrongly")
    assert entry["after"][field] == shown and entry["before"][field] != shown


@pytest.mark.parametrize(
    "type_name, key, field, value, shown_by, shown",
    [
        ("people", "T002", "name", "Tom Dunne", ("person", "show", "T002"), "Tom Dunne"),
        ("organisations", "NHS-S", "name", "NHS South West", ("org", "show", "NHS-S"), "NHS South West"),
        ("programmes", "MBSR", "name", "MBSR (8 weeks)", ("programme", "list"), "MBSR (8 weeks)"),
    ],
)
def test_people_organisations_and_programmes_are_amended_by_their_ref_or_code(
    service, type_name, key, field, value, shown_by, shown
):
    ok(service, "amend", type_name, key, "--set", f"{field}={value}", *REASON)
    data = ok_json(service, *shown_by)
    found = _only(data, code=key) if isinstance(data, list) else data
    assert found[field] == shown
    entry = _last_entry(service)
    assert (entry["record_type"], entry["before"][field], entry["after"][field]) == (type_name, entry["before"][field], shown)


def test_a_nominations_readiness_is_amended_and_keeps_its_nomination_date(service):
    ok(service, "amend", "nominations", "1", "--set", "readiness=ready_now", *REASON,
       output="Amended nominations 1:\n  readiness: 1_2_years -> ready_now")
    (nomination,) = ok_json(service, "succession", "nominations")
    assert (nomination["readiness"], nomination["nominated_on"]) == ("ready_now", "2026-06-01")
    entry = _last_entry(service, "--person", "T001")
    assert entry["changes"] == "readiness 1_2_years -> ready_now"


REMOVALS = [
    ("sessions", "1", ("supervision", "sessions"), "supervision_sessions"),
    ("supervision", "1", ("supervision", "links"), "supervision_links"),
    ("cpd", "1", ("cpd", "list"), "cpd_activities"),
    ("retreats", "1", ("retreat", "list"), "retreats"),
    ("stages", "5", ("stage", "list"), "stages"),
    ("training", "1", ("training", "list"), "training"),
    ("courses", "MBCT-26-1", ("course", "list"), "courses"),
    ("nominations", "1", ("succession", "nominations"), "nominations"),
]


@pytest.mark.parametrize("type_name, key, listing, table", REMOVALS, ids=[r[0] for r in REMOVALS])
def test_every_event_record_can_be_removed_and_the_trail_keeps_what_it_was(service, engine, type_name, key, listing, table):
    shown_before = ok_json(service, *listing)
    before = table_counts(engine)
    ok(service, "remove", type_name, key, *REASON, output=f"Removed {type_name} {key}.")
    assert len(ok_json(service, *listing)) == len(shown_before) - 1
    counts = table_counts(engine)
    assert counts[table] == before[table] - 1
    assert counts["audit_log"] == before["audit_log"] + 1
    entry = _last_entry(service)
    assert (entry["action"], entry["record_type"], entry["after"], entry["reason"]) == (
        "remove", type_name, None, "entered wrongly")
    removed = _only(shown_before, code=key) if type_name == "courses" else _only(shown_before, id=int(key))
    assert entry["before"]["programme" if "programme" in entry["before"] else "person"] == removed.get(
        "programme", removed.get("person"))


def test_removing_a_course_removes_its_co_teachers_too(service, engine):
    before = table_counts(engine)
    ok(service, "remove", "courses", "MBCT-26-1", *REASON)
    assert table_counts(engine)["course_co_teachers"] == before["course_co_teachers"] - 1


@pytest.mark.parametrize(
    "args, error",
    [
        (("amend", "session", "1", "--set", "minutes=50", *REASON),
         "type: 'session' is not a record type; use one of organisations, programmes, people, stages, training, "
         "supervision, sessions, cpd, retreats, courses, nominations, status_history, assessments, course_outcomes"),
        (("amend", "sessions", "99", "--set", "minutes=50", *REASON), "id: no sessions record with id 99"),
        (("amend", "sessions", "first", "--set", "minutes=50", *REASON),
         "id: 'first' is not a record id (the whole number in the `id` column of the list)"),
        (("amend", "sessions", "\u0661", "--set", "minutes=50", *REASON),
         "id: '\u0661' is not a record id (the whole number in the `id` column of the list)"),
        (("amend", "sessions", "99999999999", "--set", "minutes=50", *REASON),
         "id: no sessions record with id 99999999999"),
        (("amend", "people", "NOPE", "--set", "name=X", *REASON), "id: no people record with ref 'NOPE'"),
        (("amend", "sessions", "1", "--set", "length=50", *REASON),
         "set: 'length' is not a field of sessions; use one of supervisor, supervisee, held_on, minutes, kind, "
         "mode, programme, notes"),
        (("amend", "sessions", "1", "--set", "minutes", *REASON), "set: 'minutes' is not FIELD=VALUE"),
        (("amend", "sessions", "1", "--set", "minutes=0", *REASON), "minutes: 0 is out of range (1 to 600)"),
        (("amend", "sessions", "1", "--set", f"held_on={days_ago(-3)}", *REASON),
         f"held_on: {days_ago(-3)} is in the future"),
        (("amend", "sessions", "1", "--set", "supervisee=NOPE", *REASON), "supervisee: no person 'NOPE' in the registry"),
        (("amend", "sessions", "1", "--set", "minutes=50"), "reason: say why the record is corrected (--reason TEXT)"),
        (("amend", "sessions", "1", "--set", "minutes=50", "--reason", "  "),
         "reason: say why the record is corrected (--reason TEXT)"),
        (("amend", "sessions", "1", *REASON), "set: give at least one FIELD=VALUE to change"),
        (("amend", "people", "T001", "--set", "ref=T100", *REASON), "set: 'ref' names the record and cannot be amended"),
        (("amend", "people", "T001", "--set", "status=Erased", *REASON),
         "status: 'erased' is given by `person erase` alone, which also clears the person's data"),
        (("amend", "training", "1", "--set", "trainer=S01", "--set", "trainee=R01", *REASON),
         "trainer: 'S01' holds stage teacher in MBCT on 2018-06-01; trainer or higher is needed"),
        (("remove", "people", "T001", *REASON),
         "type: people are not removed this way: people leave (person leave) or are erased (person erase)"),
        (("remove", "sessions", "2", *REASON), "id: no sessions record with id 2"),
        (("remove", "sessions", "1"), "reason: say why the record is corrected (--reason TEXT)"),
    ],
)
def test_a_refused_correction_writes_nothing(service, engine, args, error):
    assert_refused(service, engine, *args, error=error)


def test_an_erased_persons_record_is_not_amended_back_to_life(service, engine):
    ok(service, "person", "erase", "T002", "--yes")
    (erased,) = [p for p in ok_json(service, "person", "list", "--status", "erased")]
    assert_refused(
        service, engine, "amend", "people", erased["ref"], "--set", "status=active", *REASON,
        error=f"id: {erased['ref']} was erased; an erased person's record is not amended",
    )


def test_an_amendment_that_would_duplicate_another_record_is_refused_and_changes_nothing(service, engine):
    _log(service, on="2026-11-20")
    sessions = ok_json(service, "supervision", "sessions")
    assert_refused(
        service, engine, "amend", "sessions", "1", "--set", "held_on=2026-11-20", *REASON,
        error="already recorded: the session with supervisor S01, supervisee T001, held_on 2026-11-20, kind individual",
    )
    assert ok_json(service, "supervision", "sessions") == sessions


def test_an_amendment_that_would_close_a_lineage_cycle_is_refused(service, engine):
    # R01 trained S01; S01 becomes a trainer and trains T001; T001 may not then have trained R01.
    ok(service, "stage", "add", "--person", "S01", "--programme", "MBCT", "--stage", "trainer", "--on", "2020-01-01")
    ok(service, "training", "add", "--trainer", "S01", "--trainee", "T001", "--programme", "MBCT",
       "--stage", "teacher", "--on", "2021-01-01")
    ok(service, "stage", "add", "--person", "T001", "--programme", "MBCT", "--stage", "trainer", "--on", "2024-01-01")
    ok(service, "training", "add", "--trainer", "T001", "--trainee", "T002", "--programme", "MBCT",
       "--stage", "trainee", "--on", "2024-02-01")
    training = ok_json(service, "training", "list")
    last = _only(training, trainer="T001")["id"]
    assert_refused(
        service, engine, "amend", "training", str(last), "--set", "trainee=R01", *REASON,
        error="trainee: the lineage of MBCT would have a cycle: R01 -> S01 -> T001 -> R01",
    )


def test_an_amendment_that_changes_nothing_says_so_and_writes_nothing(service, engine):
    before = table_counts(engine)
    ok(service, "amend", "sessions", "1", "--set", "minutes=45", *REASON, output="No change: sessions 1 already has those values.")
    assert table_counts(engine) == before


def test_notes_are_masked_in_the_trail_unless_asked_for_and_asking_is_audited(service, engine):
    ok(service, "amend", "sessions", "1", "--set", "notes=talked about endings", *REASON,
       output="Amended sessions 1:\n  notes: <changed> -> <changed>")
    entry = _last_entry(service)
    assert (entry["before"]["notes"], entry["after"]["notes"]) == ("<changed>", "<changed>")
    shown = ok_json(service, "audit", "list", "--show-notes")
    amended = _only(shown, action="amend")
    assert (amended["before"]["notes"], amended["after"]["notes"]) == ("talked about the group", "talked about endings")
    reading = _last_entry(service)
    assert (reading["action"], reading["record_type"], reading["actor"]) == ("read_notes", "audit", "tester")


def test_a_corrected_date_moves_the_lapse_date_by_hand(run, engine):
    """T001 (teacher, not teaching) needs 30 CPD hours, 5 retreat days and 1 session a
    year. Each leaves the window 365 days after its date, so the first to leave sets
    the lapse: CPD dated 100 days ago lapses in 265 days; moved to 200 days ago, in 165."""
    build_service(run, engine)
    today = dt.date.today()
    ok(run, "cpd", "log", "--person", "T001", "--date", days_ago(100), "--hours", "30", "--category", "course")
    ok(run, "retreat", "log", "--person", "T001", "--start", days_ago(50), "--days", "5")
    _log(run, on=days_ago(30))

    def t001():
        return _only(ok_json(run, "cpd", "compliance")["people"], person="T001")

    assert t001()["lapses_on"] == (today + dt.timedelta(days=265)).isoformat()
    ok(run, "amend", "cpd", "1", "--set", f"date={days_ago(200)}", *REASON)
    assert t001()["lapses_on"] == (today + dt.timedelta(days=165)).isoformat()


def test_removing_a_session_logged_twice_lowers_the_count_by_hand(run, engine):
    build_service(run, engine)
    _log(run, on=days_ago(11))
    _log(run, on=days_ago(10))

    def sessions():
        return _only(ok_json(run, "cpd", "compliance")["people"], person="T001")["supervision_sessions"]

    assert sessions() == 2
    duplicate = _only(ok_json(run, "supervision", "sessions"), held_on=days_ago(11))["id"]
    ok(run, "remove", "sessions", str(duplicate), "--reason", "logged twice")
    assert sessions() == 1


def test_removing_the_only_other_supervisor_in_a_region_shows_a_single_point_of_failure(run, engine):
    """North holds R01 (trainer of trainers), S01 (supervisor) and T001, whom S01
    supervises. With R01 a trainer, North's only trainer is a training risk and T001 is
    not stranded; with R01's stage removed, R01 holds no stage: no training risk, and S01
    is the only supervisor T001 has in North."""
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--from", "2023-01-01")
    report = ok_json(run, "succession", "report")
    assert report["single_points_of_failure"] == [
        {"kind": "training", "person": "R01", "programme": "MBCT", "region": "North", "affected": ["S01", "T001"]},
    ]
    ok(run, "remove", "stages", "1", "--reason", "recorded for the wrong person")
    report = ok_json(run, "succession", "report")
    assert report["single_points_of_failure"] == [
        {"kind": "supervision", "person": "S01", "programme": "MBCT", "region": "North", "affected": ["T001"]},
    ]


def test_an_old_spreadsheet_does_not_bring_back_a_corrected_row_unless_restored(service, engine, tmp_path):
    bundle = tmp_path / "old"
    bundle.mkdir()
    columns = ["supervisor", "supervisee", "held_on", "minutes", "kind", "mode", "programme", "notes"]
    old_row = {"supervisor": "S01", "supervisee": "T001", "held_on": "2026-11-21", "minutes": "45", "kind": "individual",
               "notes": "talked about the group"}
    write_csv(bundle / "sessions.csv", columns, [old_row])
    ok(service, "amend", "sessions", "1", "--set", "held_on=2026-11-20", *REASON)
    result = ok(service, "import", str(bundle))
    assert result.stderr == (
        "Warning: skipped 1 row that corrections replaced or removed (sessions.csv: 1); use --restore to bring them back.\n"
    )
    assert [s["held_on"] for s in ok_json(service, "supervision", "sessions")] == ["2026-11-20"]
    result = ok(service, "import", str(bundle), "--restore")
    assert result.stderr == "Warning: restored 1 row that corrections had replaced or removed (sessions.csv: 1).\n"
    assert [s["held_on"] for s in ok_json(service, "supervision", "sessions")] == ["2026-11-21", "2026-11-20"]
    # Restored, it is an ordinary row again: the next import leaves it be and warns of nothing.
    assert ok(service, "import", str(bundle)).stderr == ""


def test_a_removed_row_stays_removed_when_the_old_spreadsheet_is_imported(service, engine, tmp_path):
    bundle = tmp_path / "old"
    bundle.mkdir()
    write_csv(bundle / "cpd.csv", ["person", "date", "hours", "category", "description"],
              [{"person": "T001", "date": "2026-10-01", "hours": "3.0", "category": "reading"}])
    ok(service, "remove", "cpd", "1", *REASON)
    assert "skipped 1 row" in ok(service, "import", str(bundle)).stderr
    assert ok_json(service, "cpd", "list") == []


def test_an_import_that_changes_a_record_leaves_an_entry_about_that_person_with_before_and_after(service, engine, tmp_path):
    bundle = tmp_path / "changes"
    bundle.mkdir()
    write_csv(bundle / "sessions.csv", ["supervisor", "supervisee", "held_on", "minutes", "kind"],
              [{"supervisor": "S01", "supervisee": "T001", "held_on": "2026-11-21", "minutes": "60", "kind": "individual"}])
    write_csv(bundle / "people.csv", ["ref", "name", "organisation", "email", "status"],
              [{"ref": "T002", "name": "Tom Dunne", "organisation": "NHS-S", "email": "tom@example.org", "status": "active"}])
    ok(service, "import", str(bundle))
    entry = _last_entry(service, "--person", "T001")
    assert (entry["action"], entry["record_type"], entry["actor"]) == ("import", "sessions", "tester")
    assert (entry["before"]["minutes"], entry["after"]["minutes"]) == (45, 60)
    assert entry["changes"] == "minutes 45 -> 60"
    person = _last_entry(service, "--person", "T002")
    assert person["changes"] == "name Tom Dunn -> Tom Dunne; email (empty) -> tom@example.org"
    # One entry per changed record and one for the bundle; none for the unchanged rows.
    assert [e["action"] for e in ok_json(service, "audit", "list")][-3:] == ["import", "import", "import"]
    assert _last_entry(service)["record_type"] == "bundle"


def test_export_and_export_data_are_audited_and_export_data_only_when_written(service, engine, tmp_path):
    ok(service, "export", str(tmp_path / "bundle"))
    assert (_last_entry(service)["action"], _last_entry(service)["record_type"]) == ("export", "bundle")
    ok(service, "export", "--xlsx", str(tmp_path / "r.xlsx"))
    assert (_last_entry(service)["action"], _last_entry(service)["record_type"]) == ("export", "workbook")
    assert_refused(
        service, engine, "person", "export-data", "T001", "--out", str(tmp_path / "missing" / "t.json"),
        error=f"out: cannot write {str(tmp_path / 'missing' / 't.json')!r}: No such file or directory",
    )
    ok(service, "person", "export-data", "T001", "--out", str(tmp_path / "t.json"))
    entry = _last_entry(service, "--person", "T001")
    assert (entry["action"], entry["record_type"]) == ("export", "people")


def test_the_trail_table_is_readable_and_old_record_type_names_still_filter(service, engine):
    ok(service, "amend", "cpd", "1", "--set", "hours=4", *REASON)
    assert [e["record_type"] for e in ok_json(service, "audit", "list", "--record-type", "cpd")][-1] == "cpd"
    assert ok_json(service, "audit", "list", "--record-type", "session") == ok_json(
        service, "audit", "list", "--record-type", "sessions")
    with engine.connect() as connection:
        stored = connection.execute(select(AuditEntry.before, AuditEntry.after).order_by(AuditEntry.id.desc())).first()
    assert (stored.before["hours"], stored.after["hours"]) == (3, 4)


def test_a_removed_record_is_restored_from_its_audit_entry_notes_included(service, engine):
    before = ok_json(service, "supervision", "sessions", "--show-notes")
    ok(service, "remove", "sessions", "1", "--reason", "removed by mistake")
    removal = _last_entry(service)
    ok(service, "audit", "restore", str(removal["id"]), "--reason", "it was right after all",
       output=f"Restored the record that audit entry {removal['id']} removed.")
    (restored,) = ok_json(service, "supervision", "sessions", "--show-notes")
    assert {**restored, "id": 1} == before[0]
    entry = [e for e in ok_json(service, "audit", "list", "--record-type", "sessions") if e["action"] == "add"][-1]
    assert (entry["reason"], entry["after"]["held_on"], entry["after"]["notes"]) == (
        "it was right after all", "2026-11-21", "<present>")
    assert_refused(service, engine, "audit", "restore", str(removal["id"] - 1), "--reason", "x",
                   error=f"entry: {removal['id'] - 1} is not the removal of a record; to undo an amendment, amend "
                         "the record back to the values its entry shows as before")
    assert_refused(service, engine, "audit", "restore", "99999", "--reason", "x", error="entry: no audit entry '99999'")
    assert_refused(service, engine, "audit", "restore", "99999999999", "--reason", "x",
                   error="entry: no audit entry '99999999999'")


def test_erasure_clears_the_persons_notes_ref_and_name_from_the_trail(service, engine):
    ok(service, "amend", "sessions", "1", "--set", "notes=talked about endings", *REASON)
    ok(service, "amend", "people", "T001", "--set", "name=Tara Orde", "--set", "email=tara@example.org", *REASON)
    ok(service, "person", "erase", "T001", "--yes")
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.record_type, AuditEntry.before, AuditEntry.after, AuditEntry.notes_before,
                   AuditEntry.notes_after, AuditEntry.person_ref)).all()
    text = repr(rows)
    assert "T001" not in text and "Tara" not in text and "tara@example.org" not in text
    assert "talked about" not in text
    people = [row for row in rows if row.record_type == "people" and row.before]
    assert people[-1].before["name"] == "(erased)" and people[-1].after["email"] is None

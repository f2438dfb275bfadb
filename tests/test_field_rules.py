"""The value rules (docs/rules.md, "Values") in commands, `amend` and `import` alike:
dates within the years 1900 to 2200, references of letters, digits and - _ . /, names
without control, text-direction or zero-width characters, numbers in ASCII digits,
choices in any case stored in lower case, emails unique ignoring case."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mbp_registry.registry import models
from tests.bundle_helpers import SMALL, import_counts, read_bundle, table_contents, write_bundle
from tests.helpers import assert_refused, build_service, ok, ok_json, table_counts

REASON = ("--reason", "entered wrongly")
OUTSIDE = "is outside the years 1900 to 2200"
NOT_A_REF = "is not a reference (letters, digits, - _ . /, starting with a letter or digit)"
INVISIBLE = "contains text-direction or zero-width characters"


@pytest.fixture
def service(run, engine):
    """build_service, a supervision link S01 -> T001, a session (id 1) and CPD (id 1)."""
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--from", "2023-01-01")
    ok(run, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", "2026-11-20",
       "--minutes", "60", "--kind", "individual")
    ok(run, "cpd", "log", "--person", "T001", "--date", "2026-10-01", "--hours", "3", "--category", "reading")
    return run


def _session_log(*changes: str) -> tuple[str, ...]:
    options = {"--supervisor": "S01", "--supervisee": "T001", "--date": "2026-11-21", "--minutes": "60",
               "--kind": "individual"}
    options.update(zip(changes[::2], changes[1::2]))
    return ("supervision", "log", *[part for pair in options.items() for part in pair])


# --- commands ------------------------------------------------------------------------


def _person_add(ref: str = "T009", name: str = "Nia Hay", *extra: str) -> tuple[str, ...]:
    return ("person", "add", ref, "--name", name, "--org", "NHS-N", *extra)


def _cpd_log(hours: str) -> tuple[str, ...]:
    return ("cpd", "log", "--person", "T001", "--date", "2026-11-01", "--hours", hours, "--category", "reading")


def _retreat_log(days: str = "5", *extra: str) -> tuple[str, ...]:
    return ("retreat", "log", "--person", "T001", "--start", "2026-05-01", "--days", days, *extra)


DATES = [
    pytest.param(_session_log("--date", "1850-01-01"), f"held_on: 1850-01-01 {OUTSIDE}", id="session 1850"),
    pytest.param(_session_log("--date", "0001-01-01"), f"held_on: 0001-01-01 {OUTSIDE}", id="session year 1"),
    pytest.param(_person_add("T009", "Nia Hay", "--joined-on", "9999-12-31"), f"joined_on: 9999-12-31 {OUTSIDE}",
                 id="joined 9999"),
    pytest.param(("person", "update", "T001", "--planned-leaving-on", "2201-01-01"),
                 f"planned_leaving_on: 2201-01-01 {OUTSIDE}", id="planned leaving 2201"),
    pytest.param(("stage", "add", "--person", "T002", "--programme", "MBCT", "--stage", "teacher", "--on", "1899-12-31"),
                 f"attained_on: 1899-12-31 {OUTSIDE}", id="stage 1899"),
    pytest.param(("cpd", "due", "--as-of", "9999-12-31"), f"as-of: 9999-12-31 {OUTSIDE}", id="due 9999"),
    pytest.param(("cpd", "compliance", "--as-of", "0001-01-01"), f"as-of: 0001-01-01 {OUTSIDE}", id="compliance year 1"),
    pytest.param(("succession", "report", "--as-of", "2201-01-01"), f"as-of: 2201-01-01 {OUTSIDE}", id="succession 2201"),
    pytest.param(("cpd", "list", "--from", "1800-01-01"), f"from: 1800-01-01 {OUTSIDE}", id="list from 1800"),
]

REFS = [
    pytest.param(_person_add("T 009"), "ref: 'T 009' is not a single reference", id="space"),
    pytest.param(_person_add("T#009"), f"ref: 'T#009' {NOT_A_REF}", id="hash"),
    pytest.param(_person_add("Т009"), f"ref: 'Т009' {NOT_A_REF}", id="cyrillic letter"),
    pytest.param(("org", "add", "NHS North", "--name", "NHS North", "--region", "North"),
                 "code: 'NHS North' is not a single reference", id="organisation with a space"),
    pytest.param(("programme", "add", "MB\u200bCT", "--name", "MBCT again"), f"code: 'MB\\u200bCT' {NOT_A_REF}",
                 id="programme with zero width"),
]

NAMES = [
    pytest.param(_person_add("T009", "Nia \u202eyaH"), f"name: 'Nia \\u202eyaH' {INVISIBLE}", id="person name override"),
    pytest.param(("person", "update", "T001", "--name", "Tara\u200bOrd"), f"name: 'Tara\\u200bOrd' {INVISIBLE}",
                 id="person name zero width"),
    pytest.param(_person_add("T009", "Nia\tHay"), "name: 'Nia\\tHay' contains control characters", id="person name tab"),
    pytest.param(("org", "add", "NHS-W", "--name", "NHS West", "--region", "North\u2060"),
                 f"region: 'North\\u2060' {INVISIBLE}", id="region word joiner"),
    pytest.param(("org", "add", "NHS-W", "--name", "NHS\u2066 West", "--region", "West"),
                 f"name: 'NHS\\u2066 West' {INVISIBLE}", id="organisation isolate"),
    pytest.param(("programme", "add", "MBX", "--name", "\ufeffMB-X"), f"name: '\\ufeffMB-X' {INVISIBLE}",
                 id="programme byte order mark"),
    pytest.param(_retreat_log("5", "--led-by", "Anna\u200dL"), f"led_by: 'Anna\\u200dL' {INVISIBLE}",
                 id="retreat led by joiner"),
]

NUMBERS = [
    pytest.param(_cpd_log("1_0"), "hours: '1_0' is not a number", id="underscore"),
    pytest.param(_cpd_log("١٠"), "hours: '١٠' is not a number", id="arabic-indic"),
    pytest.param(_cpd_log("１０"), "hours: '１０' is not a number", id="full width"),
    pytest.param(_retreat_log("٥"), "days: '٥' is not a number", id="retreat days"),
    pytest.param(_session_log("--minutes", "٦٠"), "minutes: '٦٠' is not a whole number", id="session minutes arabic-indic"),
    pytest.param(_session_log("--minutes", "6_0"), "minutes: '6_0' is not a whole number", id="session minutes underscore"),
]


@pytest.mark.parametrize("args, error", DATES + REFS + NAMES + NUMBERS)
def test_a_value_that_breaks_a_value_rule_is_refused_by_the_command(service, engine, args, error):
    assert_refused(service, engine, *args, error=error)


def test_a_ref_of_letters_digits_and_the_four_marks_is_accepted(service):
    ok(service, *_person_add("nhs-n/staff_12.3"))
    assert ok_json(service, "person", "show", "nhs-n/staff_12.3")["ref"] == "nhs-n/staff_12.3"


def test_a_name_in_any_script_is_accepted(service):
    ok(service, *_person_add("T009", "فاطمة Ní Bhriain"))
    assert ok_json(service, "person", "show", "T009")["name"] == "فاطمة Ní Bhriain"


def test_a_choice_given_in_any_case_is_stored_in_lower_case(service):
    ok(service, "cpd", "log", "--person", "T001", "--date", "2026-11-02", "--hours", "1", "--category", "WorkShop")
    ok(service, *_session_log("--kind", "GROUP", "--mode", "Video"))
    assert {row["category"] for row in ok_json(service, "cpd", "list")} == {"reading", "workshop"}
    assert {(row["kind"], row["mode"]) for row in ok_json(service, "supervision", "sessions")} == {
        ("individual", None), ("group", "video")
    }


# --- emails ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("person", "add", "T009", "--name", "Nia Hay", "--org", "NHS-N", "--email", "RHONA@Example.org"),
        ("person", "update", "T001", "--email", "Rhona@example.ORG"),
    ],
    ids=["add", "update"],
)
def test_an_email_held_by_another_person_in_another_case_is_refused(service, engine, args):
    email = args[-1]
    assert_refused(service, engine, *args, error=f"email: {email!r} belongs to person 'R01'")


def test_an_email_is_stored_as_given_and_its_holder_may_change_its_case(service):
    ok(service, "person", "add", "T009", "--name", "Nia Hay", "--org", "NHS-N", "--email", "Nia.Hay@Example.NHS.uk")
    assert ok_json(service, "person", "show", "T009")["email"] == "Nia.Hay@Example.NHS.uk"
    ok(service, "person", "update", "R01", "--email", "Rhona@Example.org")
    assert ok_json(service, "person", "show", "R01")["email"] == "Rhona@Example.org"


# --- amend -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, error",
    [
        (("sessions", "1", "--set", "held_on=1850-01-01"), f"held_on: 1850-01-01 {OUTSIDE}"),
        (("cpd", "1", "--set", "hours=1_0"), "hours: '1_0' is not a number"),
        (("sessions", "1", "--set", "minutes=٦٠"), "minutes: '٦٠' is not a whole number"),
        (("people", "T001", "--set", "name=Tara \u202eOrd"), f"name: 'Tara \\u202eOrd' {INVISIBLE}"),
        (("people", "T001", "--set", "email=RHONA@example.org"), "email: 'RHONA@example.org' belongs to person 'R01'"),
        (("sessions", "1", "--set", "supervisee=T 002"), "supervisee: 'T 002' is not a single reference"),
    ],
    ids=["date 1850", "hours underscore", "minutes arabic-indic", "name override", "email in another case", "ref"],
)
def test_amend_holds_a_changed_value_to_the_same_rule(service, engine, args, error):
    assert_refused(service, engine, "amend", *args, *REASON, error=error)


def test_amend_stores_a_choice_given_in_any_case_in_lower_case(service):
    ok(service, "amend", "sessions", "1", "--set", "kind=GROUP", *REASON)
    assert [row["kind"] for row in ok_json(service, "supervision", "sessions")] == ["group"]


# --- import ------------------------------------------------------------------------


def _import_refused(run, engine, bundle, expected: list[str]) -> None:
    before_counts, before = table_counts(engine), table_contents(engine)
    result = run("import", str(bundle))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:-1] == expected
    assert lines[-1].startswith("Error: ")
    assert table_counts(engine) == before_counts  # every table, the audit log included
    assert table_contents(engine) == before


def _small_with(tmp_path, name: str, **changes: tuple[str, str]):
    files = dict(SMALL)
    for file, (old, new) in changes.items():
        assert files[f"{file}.csv"].count(old) == 1, old
        files[f"{file}.csv"] = files[f"{file}.csv"].replace(old, new)
    return write_bundle(tmp_path / name, files)


def test_import_reports_each_value_that_breaks_a_value_rule(run, engine, tmp_path):
    bundle = _small_with(
        tmp_path, "bad",
        people=("P3,Cat Teacher,", "P3,Cat\u202e Teacher,"),
        cpd=("P3,2025-05-01,2.5,", "P3,2025-05-01,2_5,"),
        sessions=("P2,P3,2025-01-10,60,", "P2,P3,1850-01-10,60,"),
        retreats=("Anna Lindqvist", "Anna\u200bLindqvist"),
        nominations=("P3,MBCT,South,", "P 3,MBCT,South,"),
    )
    _import_refused(run, engine, bundle, [
        f"people.csv:4: name: 'Cat\\u202e Teacher' {INVISIBLE}",
        f"sessions.csv:2: held_on: 1850-01-10 {OUTSIDE}",
        "cpd.csv:4: hours: '2_5' is not a number",
        f"retreats.csv:3: led_by: 'Anna\\u200bLindqvist' {INVISIBLE}",
        "nominations.csv:3: person: 'P 3' is not a single reference",
    ])


def test_import_refuses_emails_that_differ_only_in_case(run, engine, tmp_path):
    within = _small_with(tmp_path, "within", people=("P5,Eve Left,eve@example.org", "P5,Eve Left,Cat@Example.ORG"))
    _import_refused(run, engine, within, ["people.csv:6: email: 'Cat@Example.ORG' is also on line 4"])
    ok(run, "import", str(write_bundle(tmp_path / "small", SMALL)))
    newcomer = "ref,name,email,organisation,status\nP6,Fay New,ANN@example.org,ORG-B,active\n"
    _import_refused(run, engine, write_bundle(tmp_path / "against", {"people.csv": newcomer}),
                    ["people.csv:2: email: 'ANN@example.org' belongs to person 'P1' in the registry"])


def test_import_reads_choices_in_any_case_and_stores_them_in_lower_case(run, engine, tmp_path):
    shouted = _small_with(
        tmp_path, "shouted",
        people=("ORG-B,on_leave,", "ORG-B,On_Leave,"),
        stages=("P2,MBCT,supervisor,2014-01-01,P1,proficient", "P2,MBCT,SUPERVISOR,2014-01-01,P1,Proficient"),
        sessions=("60,individual,video,", "60,Individual,VIDEO,"),
        cpd=("12,conference,", "12,Conference,"),
        nominations=("ready_now", "Ready_Now"),
    )
    ok(run, "import", str(shouted))
    with engine.connect() as connection:
        assert connection.execute(select(models.Person.status).where(models.Person.ref == "P4")).scalar() == "on_leave"
        assert set(connection.execute(select(models.SupervisionSession.kind, models.SupervisionSession.mode)).all()) == {
            ("individual", "video"), ("group", "in_person"), ("individual", "phone")
        }
    # The same bundle in the exporter's lower case is the same records: nothing changes.
    result = run("import", str(write_bundle(tmp_path / "small", SMALL)), "--format", "json")
    assert result.exit_code == 0, result.output
    assert all(counts["added"] == counts["updated"] == 0 for counts in import_counts(result).values())
    ok(run, "export", str(tmp_path / "out"))
    exported = read_bundle(tmp_path / "out")
    assert "On_Leave" not in exported["people.csv"] and "SUPERVISOR" not in exported["stages.csv"]

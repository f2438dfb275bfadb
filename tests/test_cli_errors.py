"""The command line's honesty: filters that match nothing are errors naming the closest
known values, empty results say so in words, usage errors are one line, choices take any
case, no date arithmetic ends in a traceback, and updates that change nothing say so."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from mbp_registry.registry.models import AuditEntry
from tests.helpers import assert_refused, assert_usage_error, build_service, ok, ok_json, table_counts

KNOWN_PEOPLE = "R01, S01, T001, T002, T003"


@pytest.fixture
def service(run, engine):
    build_service(run, engine)
    return run


# --- filters that match nothing --------------------------------------------------------


@pytest.mark.parametrize(
    "args, error",
    [
        (("person", "list", "--region", "Nrth"), "region: no region 'Nrth' in the registry; closest: North"),
        (("person", "list", "--region", "West"), "region: no region 'West' in the registry; known: North, South"),
        (("person", "list", "--org", "NHS-X"), "organisation: no organisation 'NHS-X' in the registry; closest: NHS-N, NHS-S"),
        (("person", "list", "--programme", "MBTC"), "programme: no programme 'MBTC' in the registry; closest: MBCT"),
        (("person", "list", "--status", "gone"), "status: 'gone' is not one of active, on_leave, left, retired, erased"),
        (("person", "list", "--stage", "master"), "stage: 'master' is not one of trainee, teacher, supervisor, trainer, trainer_of_trainers"),
        (("cpd", "compliance", "--region", "north-east"), "region: no region 'north-east' in the registry; closest: North"),
        (("cpd", "compliance", "--org", "NOPE"), "organisation: no organisation 'NOPE' in the registry; known: NHS-N, NHS-S"),
        (("cpd", "compliance", "--programme", "mbsrr"), "programme: no programme 'mbsrr' in the registry; closest: MBSR"),
        (("cpd", "due", "--region", "Sout"), "region: no region 'Sout' in the registry; closest: South"),
        (("cpd", "summary", "--programme", "X"), "programme: no programme 'X' in the registry; known: MBCT, MBSR"),
        (("cpd", "list", "--person", "T01"), "person: no person 'T01' in the registry; closest: T001, R01, S01"),
        (("stage", "list", "--person", "NOPE"), f"person: no person 'NOPE' in the registry; known: {KNOWN_PEOPLE}"),
        (("supervision", "sessions", "--person", "NOPE"), f"person: no person 'NOPE' in the registry; known: {KNOWN_PEOPLE}"),
        (("supervision", "links", "--region", "Mars"), "region: no region 'Mars' in the registry; known: North, South"),
        (("course", "list", "--programme", "YOGA"), "programme: no programme 'YOGA' in the registry; known: MBCT, MBSR"),
        (("audit", "list", "--person", "NOPE"), f"person: no person 'NOPE' in the registry; known: {KNOWN_PEOPLE}"),
        (("org", "list", "--region", "Nowhere"), "region: no region 'Nowhere' in the registry; known: North, South"),
        (("succession", "nominations", "--region", "Nrth"), "region: no region 'Nrth' in the registry; closest: North"),
        (("succession", "what-if", "--without", "T0001"), "without: no person 'T0001' in the registry; closest: T001, T002, T003"),
        (("listing", "check", "T0001"), "person: no person 'T0001' in the registry; closest: T001, T002, T003"),
        (("lineage", "export", "--programme", "MBXX"), "programme: no programme 'MBXX' in the registry; known: MBCT, MBSR"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_a_filter_that_matches_nothing_names_the_closest_known_values(service, engine, args, error):
    assert_refused(service, engine, *args, error=error)


def test_a_filter_on_an_empty_registry_says_it_has_none(run, engine):
    assert_refused(run, engine, "person", "list", "--region", "North", error="region: no region 'North' in the registry (it has none yet)")


def test_a_value_that_differs_only_in_case_is_taken_as_the_registry_spells_it(service):
    exact = ok_json(service, "person", "list", "--region", "North", "--programme", "MBCT", "--stage", "teacher")
    assert [row["ref"] for row in exact] == ["T001"]
    assert ok_json(service, "person", "list", "--region", "north", "--programme", "mbct", "--stage", "TEACHER") == exact
    assert ok_json(service, "stage", "list", "--person", "t001") == ok_json(service, "stage", "list", "--person", "T001")
    assert ok(service, "cpd", "compliance", "--org", "nhs-s", "--format", "csv").stdout.splitlines()[1].startswith("T003,")


def test_a_value_matching_several_in_all_but_case_is_refused_naming_them(service, engine):
    ok(service, "person", "add", "Ab1", "--name", "Ann Upper", "--org", "NHS-N")
    ok(service, "person", "add", "aB1", "--name", "Ann Lower", "--org", "NHS-N")
    assert_refused(service, engine, "cpd", "list", "--person", "ab1", error="person: no person 'ab1' in the registry; closest: Ab1, aB1")
    assert ok_json(service, "cpd", "list", "--person", "aB1") == []  # the exact spelling is taken as it is


def test_the_audit_trail_knows_a_person_only_it_names(service, engine):
    # An entry about someone not (or no longer) in the people table is still found.
    with engine.begin() as connection:
        connection.execute(
            insert(AuditEntry).values(
                at=dt.datetime(2025, 1, 1), actor="tester", action="add", record_type="people", record_key="ref=GONE1",
                person_ref="GONE1",
            )
        )
    assert [entry["person"] for entry in ok_json(service, "audit", "list", "--person", "gone1")] == ["GONE1"]


# --- empty results say so ----------------------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (("person", "list", "--status", "left"), "No people match: status left."),
        (("person", "list", "--region", "south", "--stage", "supervisor"), "No people match: region South, stage supervisor."),
        (("supervision", "sessions", "--person", "T001"), "No sessions match: person T001."),
        (("supervision", "sessions"), "No sessions in the registry."),
        (("supervision", "links", "--current"), "No supervision links match: current."),
        (("cpd", "list", "--person", "T001", "--category", "Reading"), "No CPD records match: person T001, category reading."),
        (("training", "list"), "No training records in the registry."),
        (("retreat", "list", "--from", "2020-01-01"), "No retreats match: from 2020-01-01."),
        (("audit", "list", "--person", "T002", "--record-type", "cpd"), "No audit entries of cpd match: person T002."),
        (("succession", "nominations", "--programme", "MBSR"), "No nominations match: programme MBSR."),
        (("cpd", "compliance", "--region", "South", "--programme", "MBCT", "--as-of", "2026-12-03"),
         "No one is assessed for compliance in region South, programme MBCT on 2026-12-03."),
        (("cpd", "compliance", "--only-noncompliant", "--programme", "MBSR", "--as-of", "2020-01-01"),
         "No one assessed for compliance in programme MBSR on 2020-01-01 is non-compliant."),
        (("cpd", "due", "--region", "SOUTH", "--as-of", "2020-01-01", "--within", "30"),
         "No one assessed for compliance in region South lapses within 30 days of 2020-01-01."),
        (("cpd", "summary", "--org", "NHS-S", "--as-of", "2020-01-01"),
         "No one is assessed for compliance in organisation NHS-S on 2020-01-01."),
        (("listing", "check", "--as-of", "2010-01-01"),
         "No active person holds stage teacher or higher on 2010-01-01: nobody to check for listing."),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_an_empty_result_says_so_in_words(service, args, words):
    assert ok(service, *args).stdout == words + "\n"


def test_empty_results_stay_data_in_json_and_csv(service):
    assert ok_json(service, "person", "list", "--status", "left") == []
    assert ok_json(service, "cpd", "compliance", "--region", "South", "--as-of", "2020-01-01")["people"] == []
    assert ok(service, "cpd", "due", "--region", "South", "--format", "csv").stdout.startswith("lapses_on,person,")
    assert ok(service, "supervision", "sessions", "--format", "csv").stdout.count("\n") == 1  # the header only


# --- one-line usage errors, choices in any case --------------------------------------------


@pytest.mark.parametrize(
    "args, error",
    [
        (("cpd", "log", "--person", "T001", "--date", "2026-01-01", "--hours", "1", "--category", "yoga"),
         "Invalid value for '--category': 'yoga' is not one of 'course', 'workshop', 'conference', 'reading', "
         "'teaching_observation', 'other'."),
        (("cpd", "due", "--within", "-5"), "Invalid value for '--within': -5 is not in the range 0<=x<=3650."),
        (("cpd", "due", "--within", "1_0"), "Invalid value for '--within': '1_0' is not a valid whole number."),
        (("cpd", "due", "--within", "\u0661\u0660"), "Invalid value for '--within': '\u0661\u0660' is not a valid whole number."),
        (("report", "annual", "--year", "2_026"), "Invalid value for '--year': '2_026' is not a valid whole number."),
        (("succession", "nominate", "--post", "supervisor/MBCT", "--candidate", "T001", "--readiness", "ready_now"),
         "Invalid value for '--post': 'supervisor/MBCT' is not ROLE/PROGRAMME/REGION, e.g. trainer/MBCT/North"),
        (("report", "annual", "--year", "1800"), "Invalid value for '--year': 1800 is not in the range 1900<=x<=2200."),
        (("report", "annual", "--year", "9999"), "Invalid value for '--year': 9999 is not in the range 1900<=x<=2200."),
        (("person", "leave", "T001", "--on", "2025-01-01", "--status", "active"),
         "Invalid value for '--status': 'active' is not one of 'left', 'retired'."),
        (("org", "add", "NHS-W", "--name", "NHS West"), "Missing option '--region'."),
        (("person", "lst"), "No such command 'lst'. Did you mean 'list'?"),
        (("--colour", "person", "list"), "No such option '--colour'. Did you mean '--actor'?"),
        (("export",), "give a DIRECTORY, --xlsx FILE, or both"),
        (("person", "update", "T001"),
         "nothing to change: give at least one of --name, --organisation, --email, --status, --joined-on, "
         "--planned-leaving-on"),
        (("org", "update", "NHS-N"), "nothing to change: give at least one of --name, --region"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_a_usage_error_is_one_line_pointing_to_help(service, engine, args, error):
    assert_usage_error(service, engine, *args, error=error)


def test_a_group_without_a_command_still_shows_its_help(run):
    result = run("person")
    assert result.exit_code == 2
    assert result.stdout.startswith("Usage: ") or result.stderr.startswith("Usage: ")


def test_choices_are_taken_in_any_case(service, engine):
    ok(service, "cpd", "log", "--person", "T001", "--date", "2026-01-05", "--hours", "2", "--category", "Workshop",
       output="Logged 2 hours of CPD (workshop) for T001 on 2026-01-05.")
    assert [row["category"] for row in ok_json(service, "cpd", "list")] == ["workshop"]
    assert ok(service, "cpd", "list", "--category", "WORKSHOP", "--format", "CSV").stdout.count("\n") == 2


# --- dates far away: one line, never a traceback --------------------------------------------


DATED = [
    ("cpd", "due", "--as-of", "{}"),
    ("cpd", "compliance", "--as-of", "{}"),
    ("cpd", "summary", "--as-of", "{}"),
    ("listing", "check", "--as-of", "{}"),
    ("succession", "report", "--as-of", "{}"),
    ("succession", "what-if", "--without", "S01", "--as-of", "{}"),
    ("lineage", "show", "R01", "--as-of", "{}"),
    ("lineage", "export", "--as-of", "{}"),
    ("cpd", "list", "--from", "{}"),
    ("cpd", "log", "--person", "T001", "--date", "{}", "--hours", "1", "--category", "reading"),
    ("supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--from", "{}"),
    ("succession", "nominate", "--post", "supervisor/MBCT/North", "--candidate", "T001", "--readiness",
     "3_plus_years", "--on", "{}"),
    ("audit", "list", "--to", "{}"),
]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2201-01-01", "1899-12-31"])
@pytest.mark.parametrize("command", DATED, ids=lambda command: " ".join(command[:2]))
def test_a_date_out_of_range_is_one_error_line_naming_it(service, engine, command, day):
    args = [part.format(day) for part in command]
    before = table_counts(engine)
    result = service(*args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), result.stderr
    assert day in result.stderr
    assert table_counts(engine) == before


def test_the_furthest_dates_allowed_work(service):
    for day in ("1900-01-01", "2200-12-31"):
        ok(service, "cpd", "due", "--as-of", day, "--within", "3650")
        ok(service, "succession", "report", "--as-of", day)
        ok(service, "cpd", "compliance", "--as-of", day)


# --- an update with nothing to change --------------------------------------------------------


@pytest.mark.parametrize(
    "args, said",
    [
        (("person", "update", "T001", "--name", "Tara Ord", "--org", "NHS-N"), "No change: T001 already has these details."),
        (("org", "update", "NHS-N", "--region", "North"), "No change: organisation NHS-N already has this name and region."),
        (("programme", "update", "MBCT", "--name", "Mindfulness-Based Cognitive Therapy"),
         "No change: programme MBCT is already called Mindfulness-Based Cognitive Therapy."),
    ],
    ids=["person", "org", "programme"],
)
def test_an_update_that_changes_nothing_says_so_and_writes_nothing(service, engine, args, said):
    before = table_counts(engine)
    ok(service, *args, output=said)
    assert table_counts(engine) == before


def test_an_update_that_changes_something_says_so(service):
    ok(service, "org", "update", "NHS-N", "--name", "NHS Northern", output="Organisation NHS-N is now NHS Northern, North.")
    ok(service, "person", "update", "T001", "--email", "tara@example.org", output="Updated T001.")


def test_a_filter_of_bytes_that_were_not_utf8_is_one_error_line(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "cpd", "compliance", "--region", "\udcff",
                   error="region: '\\udcff' is not UTF-8 text")


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_an_empty_date_filter_is_one_error_line(run, engine, option):
    build_service(run, engine)
    assert_refused(run, engine, "cpd", "list", option, "", error=f"{option[2:]}: a value is required")

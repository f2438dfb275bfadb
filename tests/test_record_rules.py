"""Records that agree with each other: qualified supervision, a person's time in the
service, the pathway's order, links that do not overlap, consistent leaving, retreats
that have ended, nominations that mean something; the same rule and words for the
commands, `amend` and `import`; and `db check` listing old records that break a rule.

The service is build_service's: R01 trainer of trainers in MBCT (joined 2010-01-04),
S01 supervisor in MBCT from 2019-01-15 (joined 2014-03-01), T001 MBCT teacher from
2022-06-01 (joined 2020-09-01), T002 MBCT trainee from 2024-01-10 and T003 MBSR
teacher (both in the South, no joined_on).
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select

from mbp_registry.registry import models
from tests.bundle_helpers import SMALL, replace_once, write_bundle
from tests.helpers import TODAY, assert_refused, build_service, days_ago, ok, ok_json, table_counts

LINE_RULE = "a lower stage of the pathway is attained first"


def log(run, supervisor="S01", supervisee="T001", date=None, kind="individual"):
    return run("supervision", "log", "--supervisor", supervisor, "--supervisee", supervisee,
               "--date", date or days_ago(1), "--minutes", "60", "--kind", kind)


def link(run, supervisor="S01", supervisee="T001", start="2023-01-02"):
    return ok(run, "supervision", "link", "--supervisor", supervisor, "--supervisee", supervisee,
              "--programme", "MBCT", "--from", start)


def leave(run, ref="T002", on=None):
    return ok(run, "person", "leave", ref, "--on", on or days_ago(30))


def unqualified(supervisor, day):
    return (f"supervisor: {supervisor!r} held no stage supervisor or higher in any programme on {day}: "
            "the session is recorded but does not count towards supervision")


def unlinked(supervisor, supervisee, day):
    return f"supervisee: {supervisee!r} had no supervision link with {supervisor!r} current on {day}"


# --- 1. qualified supervision -----------------------------------------------------


def test_a_session_with_a_linked_supervisor_is_logged_without_a_warning(run, engine):
    build_service(run, engine)
    link(run)
    result = log(run)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_session_led_by_a_teacher_is_recorded_with_warnings_on_standard_error(run, engine):
    build_service(run, engine)
    before = table_counts(engine)["supervision_sessions"]
    result = log(run, supervisor="T001", supervisee="T002")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Logged a 60-minute individual session on {days_ago(1)}: T001 with T002.\n"
    assert result.stderr == (
        f"Warning: {unqualified('T001', days_ago(1))}\nWarning: {unlinked('T001', 'T002', days_ago(1))}\n"
    )
    assert table_counts(engine)["supervision_sessions"] == before + 1


def test_a_session_with_no_current_link_gets_a_warning(run, engine):
    build_service(run, engine)
    link(run)
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--on", days_ago(10))
    result = log(run)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Warning: {unlinked('S01', 'T001', days_ago(1))}\n"


def test_a_peer_session_needs_neither_a_supervisor_nor_a_link(run, engine):
    build_service(run, engine)
    result = log(run, supervisor="T001", supervisee="T002", kind="peer")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_session_after_the_supervisee_left_is_refused(run, engine):
    build_service(run, engine)
    leave(run)
    assert_refused(run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T002",
                   "--date", days_ago(1), "--minutes", "60", "--kind", "individual",
                   error=f"held_on: {days_ago(1)} is after supervisee 'T002' left on {days_ago(30)}")


def test_a_session_before_the_supervisor_joined_is_refused(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T002",
                   "--date", "2014-01-06", "--minutes", "60", "--kind", "individual",
                   error="held_on: 2014-01-06 is before supervisor 'S01' joined on 2014-03-01")


def test_a_session_before_1900_is_refused(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T002",
                   "--date", "1850-01-01", "--minutes", "60", "--kind", "individual",
                   error="held_on: 1850-01-01 is outside the years 1900 to 2200")


def test_a_link_before_the_supervisee_joined_is_refused(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001",
                   "--programme", "MBCT", "--from", "2019-06-03",
                   error="started_on: 2019-06-03 is before supervisee 'T001' joined on 2020-09-01")


def test_a_course_before_its_lead_joined_or_after_a_co_teacher_left_is_refused(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "course", "add", "C-1", "--programme", "MBCT", "--start-on", "2019-01-07",
                   "--lead", "T001", error="start_on: 2019-01-07 is before lead 'T001' joined on 2020-09-01")
    leave(run)
    assert_refused(run, engine, "course", "add", "C-2", "--programme", "MBCT", "--start-on", days_ago(5),
                   "--lead", "T001", "--co-teacher", "T002",
                   error=f"start_on: {days_ago(5)} is after co-teacher 'T002' left on {days_ago(30)}")


def test_stages_and_cpd_may_predate_joining_but_not_follow_leaving(run, engine):
    build_service(run, engine)
    ok(run, "stage", "add", "--person", "T001", "--programme", "MBSR", "--stage", "trainee", "--on", "2018-01-01")
    ok(run, "cpd", "log", "--person", "T001", "--date", "2019-05-01", "--hours", "3", "--category", "reading")
    leave(run)
    assert_refused(run, engine, "cpd", "log", "--person", "T002", "--date", days_ago(2), "--hours", "3",
                   "--category", "reading", error=f"date: {days_ago(2)} is after 'T002' left on {days_ago(30)}")


# --- 2. consistent dates and states ----------------------------------------------


def test_a_stage_attained_in_the_future_is_refused(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "stage", "add", "--person", "T002", "--programme", "MBCT", "--stage", "teacher",
                   "--on", days_ago(-10), error=f"attained_on: {days_ago(-10)} is in the future")


def test_stages_of_a_programme_come_in_the_pathways_order(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "stage", "add", "--person", "T001", "--programme", "MBCT", "--stage", "trainee",
                   "--on", "2023-01-02",
                   error=f"attained_on: trainee in MBCT on 2023-01-02 is after teacher on 2022-06-01; {LINE_RULE}")
    assert_refused(run, engine, "stage", "add", "--person", "T002", "--programme", "MBCT", "--stage", "teacher",
                   "--on", "2023-01-02",
                   error=f"attained_on: teacher in MBCT on 2023-01-02 is before trainee on 2024-01-10; {LINE_RULE}")
    ok(run, "stage", "add", "--person", "T001", "--programme", "MBCT", "--stage", "trainee", "--on", "2021-01-04")


def test_links_of_one_pair_in_one_programme_do_not_overlap(run, engine):
    build_service(run, engine)
    link(run)
    overlap = ("started_on: the link overlaps the MBCT link of 'S01' with 'T001' from 2023-01-02 ({}); "
               "links of one pair in one programme do not overlap")
    assert_refused(run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001",
                   "--programme", "MBCT", "--from", "2024-01-01", error=overlap.format("not ended"))
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--on", "2024-01-01")
    assert_refused(run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001",
                   "--programme", "MBCT", "--from", "2022-06-06", error=overlap.format("ended 2024-01-01"))
    link(run, start="2024-01-01")


def test_leaving_is_neither_in_the_future_nor_before_the_last_record(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "person", "leave", "T001", "--on", days_ago(-30),
                   error=f"left_on: {days_ago(-30)} is in the future; a leaving date to come is planned_leaving_on")
    assert_refused(run, engine, "person", "leave", "T001", "--on", "2021-01-04",
                   error="left_on: 2021-01-04 is before the last record of 'T001' (stage on 2022-06-01)")


def test_joining_is_not_after_the_first_work_in_the_service(run, engine):
    build_service(run, engine)
    link(run)
    assert_refused(run, engine, "person", "update", "T001", "--joined-on", "2024-01-01",
                   error="joined_on: 2024-01-01 is after the first session, course or link of 'T001' "
                         "(supervision link on 2023-01-02)")
    ok(run, "person", "update", "T001", "--joined-on", "2022-01-03")


def test_a_planned_leaving_date_is_not_before_joining(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "person", "add", "T009", "--name", "Ida Short", "--org", "NHS-N",
                   "--joined-on", "2024-01-01", "--planned-leaving-on", "2023-06-30",
                   error="planned_leaving_on: 2023-06-30 is before joined_on 2024-01-01")


def test_status_and_left_on_agree(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "person", "update", "T001", "--status", "left",
                   error="status: 'left' needs left_on, the day they left")
    leave(run)
    ok(run, "person", "update", "T002", "--status", "active")
    shown = ok_json(run, "person", "show", "T002")
    assert (shown["status"], shown["left_on"]) == ("active", None)


def test_a_retreat_has_ended_and_is_online_or_residential_not_both(run, engine):
    build_service(run, engine)
    ends = days_ago(-7)
    assert_refused(run, engine, "retreat", "log", "--person", "T001", "--start", days_ago(2), "--days", "10",
                   error=f"days: the 10-day retreat from {days_ago(2)} ends on {ends}, after today; "
                         "log it once it has ended")
    assert_refused(run, engine, "retreat", "log", "--person", "T001", "--start", days_ago(20), "--days", "5",
                   "--residential", "--online", error="online: a retreat is online or residential, not both")
    ok(run, "retreat", "log", "--person", "T001", "--start", days_ago(4), "--days", "5")


# --- 3. nominations that mean something --------------------------------------------


def nominate(post, candidate, readiness="ready_now", on="2025-01-06"):
    return ("succession", "nominate", "--post", post, "--candidate", candidate, "--readiness", readiness, "--on", on)


def test_a_post_holder_is_not_nominated_for_their_own_post(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, *nominate("supervisor/MBCT/North", "S01"),
                   error="person: 'S01' already holds the post supervisor/MBCT/North (stage supervisor on "
                         "2025-01-06); nominate a successor")
    ok(run, *nominate("supervisor/MBCT/South", "S01"))  # another region's post


def test_a_ready_now_candidate_holds_the_stage_just_below_the_posts_role(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, *nominate("trainer/MBCT/North", "T001"),
                   error="readiness: 'T001' holds stage teacher in MBCT on 2025-01-06; ready_now for the post "
                         "trainer/MBCT/North needs supervisor or higher")
    ok(run, *nominate("trainer/MBCT/North", "T001", readiness="1_2_years"))
    ok(run, *nominate("supervisor/MBCT/North", "T001"))


# --- the same rules for amend and import ---------------------------------------------


def test_amend_keeps_the_same_rules_with_the_same_words(run, engine):
    build_service(run, engine)
    link(run, supervisee="T002", start="2024-02-05")
    ok(run, "supervision", "log", "--supervisor", "S01", "--supervisee", "T002", "--date", days_ago(40),
       "--minutes", "60", "--kind", "individual")
    leave(run)
    (session,) = ok_json(run, "supervision", "sessions")
    reason = ("--reason", "a correction")
    assert_refused(run, engine, "amend", "sessions", str(session["id"]), "--set", f"held_on={days_ago(2)}", *reason,
                   error=f"held_on: {days_ago(2)} is after supervisee 'T002' left on {days_ago(30)}")
    assert_refused(run, engine, "amend", "people", "T001", "--set", "status=retired", *reason,
                   error="status: 'retired' needs left_on, the day they left")
    stage = next(s for s in ok_json(run, "stage", "list") if s["person"] == "S01" and s["stage"] == "teacher")
    assert_refused(run, engine, "amend", "stages", str(stage["id"]), "--set", "attained_on=2019-02-04", *reason,
                   error=f"attained_on: teacher in MBCT on 2019-02-04 is after supervisor on 2019-01-15; {LINE_RULE}")
    ok(run, "amend", "people", "T002", "--set", "status=active", *reason)
    assert ok_json(run, "person", "show", "T002")["left_on"] is None


def _broken_bundle(tmp_path):
    files = dict(SMALL)
    files["people.csv"] = replace_once(files["people.csv"], "ORG-B,on_leave,2020-01-01,,", "ORG-B,left,2020-01-01,,")
    files["stages.csv"] += "P3,MBCT,trainee,2017-01-02,,\n"
    files["supervision.csv"] += "P2,P3,MBCT,2020-01-06,\n"
    files["retreats.csv"] = replace_once(files["retreats.csv"], "5,Anna Lindqvist,true,false", "5,Anna Lindqvist,true,true")
    files["cpd.csv"] += "P5,2021-02-01,2,reading,After leaving\n"
    files["nominations.csv"] += "P1,MBCT,North,trainer,ready_now,false,2025-06-02\n"
    return write_bundle(tmp_path / "b", files)


def test_import_reports_the_same_rules_with_the_same_words(run, engine, tmp_path):
    before = table_counts(engine)
    result = run("import", str(_broken_bundle(tmp_path)))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "people.csv:5: status: 'left' needs left_on, the day they left",
        f"stages.csv:8: attained_on: trainee in MBCT on 2017-01-02 is after teacher on 2016-01-01; {LINE_RULE}",
        "supervision.csv:4: started_on: the link overlaps the MBCT link of 'P2' with 'P3' from 2016-02-01 "
        "(not ended); links of one pair in one programme do not overlap",
        "cpd.csv:5: date: 2021-02-01 is after 'P5' left on 2019-12-31",
        "retreats.csv:3: online: a retreat is online or residential, not both",
        "nominations.csv:4: person: 'P1' already holds the post trainer/MBCT/North (stage trainer on 2025-06-02); "
        "nominate a successor",
        "Error: the bundle has 6 error(s); nothing was imported",
    ]
    assert table_counts(engine) == before


def test_import_warns_of_sessions_that_do_not_count_with_a_count_and_examples(run, engine, tmp_path):
    files = dict(SMALL)
    files["sessions.csv"] += "".join(f"P3,P2,2025-0{month}-10,60,individual,video,MBCT,\n" for month in range(4, 9))
    result = run("import", str(write_bundle(tmp_path / "b", files)))
    assert result.exit_code == 0, result.output
    days = [f"2025-0{month}-10" for month in range(4, 7)]
    assert result.stderr.splitlines() == [
        "Warning: 5 sessions with a supervisor who held no stage supervisor or higher in any programme on the day "
        "(recorded, but not counted towards supervision); the first 3:",
        *[f"Warning: sessions.csv:{line}: {unqualified('P3', day)}" for line, day in zip((5, 6, 7), days)],
        "Warning: 5 sessions between two people with no supervision link current on the day; the first 3:",
        *[f"Warning: sessions.csv:{line}: {unlinked('P3', 'P2', day)}" for line, day in zip((5, 6, 7), days)],
    ]
    assert table_counts(engine)["supervision_sessions"] == 8


def test_the_sample_bundles_import_with_only_the_warning_of_its_unqualified_session(run, tmp_path):
    """The demo holds one session on purpose with a supervisor who is no supervisor (T006,
    a teacher): it is recorded, does not count, and is said so on import."""
    from tests.conftest import FIXTURES

    result = run("import", str(FIXTURES / "demo"), "--dry-run")
    assert result.exit_code == 0, result.output
    warnings = result.stderr.splitlines()
    assert len(warnings) == 4, result.stderr
    assert all(line.startswith("Warning: ") for line in warnings)
    assert "'T006' held no stage supervisor or higher in any programme on 2026-10-14" in warnings[1]
    assert "'T011' had no supervision link with 'T006' current on 2026-10-14" in warnings[3]


# --- 4. db check lists records kept before a rule ----------------------------------------


def test_db_check_lists_records_that_break_a_rule_without_failing(run, engine):
    build_service(run, engine)
    leave(run)
    with engine.begin() as connection:
        person = {ref: i for i, ref in connection.execute(select(models.Person.id, models.Person.ref))}
        session_id = connection.execute(
            insert(models.SupervisionSession)
            .values(supervisor_id=person["S01"], supervisee_id=person["T002"], held_on=TODAY, minutes=60, kind="individual")
            .returning(models.SupervisionSession.id)
        ).scalar_one()
    result = run("db", "check")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "records keep the rules          to correct  1 record to correct (amend TYPE ID), listed below" in lines
    assert lines[-1] == f"sessions {session_id}: held_on: {TODAY.isoformat()} is after supervisee 'T002' left on {days_ago(30)}"
    (rules,) = [row for row in json.loads(ok(run, "db", "check", "--format", "json").stdout) if "records" in row]
    assert rules["records"] == [
        {"type": "sessions", "id": str(session_id),
         "problem": f"held_on: {TODAY.isoformat()} is after supervisee 'T002' left on {days_ago(30)}"}
    ]

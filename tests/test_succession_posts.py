"""Key posts and bench strength: a nomination that cannot be a successor on the as-of date
(the post holder themselves, or a `ready_now` candidate without the stage just below the
post's role in its programme) is listed with its reason and never removes the "no
ready-now successor" risk, in the succession report, its text and the annual report.

Such nominations are refused when they are made; they are written here straight into the
database, as a registry made before that rule holds them."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from mbp_registry.registry.annual import annual_report
from mbp_registry.registry.policy import default_policy
from mbp_registry.registry.session import reading
from tests.succession_helpers import AS_OF, Service, day, report_json


@pytest.fixture(autouse=True)
def _no_policy_from_the_environment(monkeypatch):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)


def nominate(engine, ref: str, post: str, readiness: str, *, emergency: bool = False, on: str = "2024-01-01") -> None:
    """A nomination of `ref` for `post` (role/programme/region), written as it stands."""
    role, programme, region = post.split("/")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO nominations (person_id, programme_id, region, role, readiness, emergency, nominated_on) "
                "SELECT people.id, programmes.id, :region, :role, :readiness, :emergency, :on "
                "FROM people, programmes WHERE people.ref = :ref AND programmes.code = :programme"
            ),
            {"ref": ref, "programme": programme, "region": region, "role": role, "readiness": readiness,
             "emergency": emergency, "on": on},
        )


def trainer_post(run, as_of=AS_OF) -> dict:
    (post,) = [p for p in report_json(run, as_of)["posts"] if (p["role"], p["programme"]) == ("trainer", "MBCT")]
    return post


@pytest.fixture
def north(run, tmp_path):
    """T alone holds the MBCT trainer post of the North. S is an MBCT supervisor, D an MBCT
    teacher, M an MBSR supervisor who is only a teacher of MBCT, and L becomes an MBCT
    supervisor the day after the as-of date."""
    (
        Service()
        .person("T").stage("T", "trainer")
        .person("S").stage("S", "supervisor")
        .person("D").stage("D", "teacher")
        .person("M").stage("M", "teacher").stage("M", "supervisor", programme="MBSR")
        .person("L").stage("L", "teacher").stage("L", "supervisor", on=day(1))
    ).load(run, tmp_path)


def test_the_post_holder_nominated_for_their_own_post_is_no_successor(run, engine, north):
    nominate(engine, "T", "trainer/MBCT/North", "ready_now", emergency=True)
    assert trainer_post(run) == {
        "role": "trainer",
        "programme": "MBCT",
        "region": "North",
        "holders": ["T"],
        "successors": [{"person": "T", "readiness": "ready_now", "emergency": True, "not_counted": "holds_post"}],
        # Counting T would give 1 ready now, T as the emergency successor, and no risk.
        "ready_now": 0,
        "emergency": [],
        "at_risk": True,
    }


def test_a_ready_now_candidate_for_a_trainer_post_needs_supervisor_stage_in_its_programme(run, engine, north):
    nominate(engine, "D", "trainer/MBCT/North", "ready_now")  # a teacher
    nominate(engine, "M", "trainer/MBCT/North", "ready_now", emergency=True)  # a supervisor of MBSR only
    nominate(engine, "L", "trainer/MBCT/North", "ready_now")  # a supervisor only after the as-of date
    post = trainer_post(run)
    assert post["successors"] == [
        {"person": "D", "readiness": "ready_now", "emergency": False, "not_counted": "below_stage"},
        {"person": "L", "readiness": "ready_now", "emergency": False, "not_counted": "below_stage"},
        {"person": "M", "readiness": "ready_now", "emergency": True, "not_counted": "below_stage"},
    ]
    assert (post["ready_now"], post["emergency"], post["at_risk"]) == (0, [], True)
    # On the day L becomes a supervisor, L counts: one ready now, and the risk is gone.
    later = trainer_post(run, day(1))
    assert [s.get("not_counted") for s in later["successors"]] == ["below_stage", None, "below_stage"]
    assert (later["ready_now"], later["at_risk"]) == (1, False)


def test_a_candidate_further_off_needs_no_stage_and_a_supervisor_ready_now_removes_the_risk(run, engine, north):
    nominate(engine, "D", "trainer/MBCT/North", "1_2_years", emergency=True)
    post = trainer_post(run)
    # Not ready now: counted as a successor (and the emergency one), but the risk stays.
    assert post["successors"] == [{"person": "D", "readiness": "1_2_years", "emergency": True}]
    assert (post["ready_now"], post["emergency"], post["at_risk"]) == (0, ["D"], True)
    nominate(engine, "S", "trainer/MBCT/North", "ready_now")
    post = trainer_post(run)
    assert post["successors"][1] == {"person": "S", "readiness": "ready_now", "emergency": False}
    assert (post["ready_now"], post["at_risk"]) == (1, False)


def test_the_report_says_why_a_nomination_is_not_counted(run, engine, north):
    nominate(engine, "T", "trainer/MBCT/North", "ready_now")
    nominate(engine, "D", "trainer/MBCT/North", "ready_now")
    result = run("succession", "report", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert (
        "    - Post without a ready-now successor: trainer is held by T (Person T) alone; successors: "
        "D (ready now; not counted: not yet a supervisor in MBCT), "
        "T (ready now; not counted: holds the post already).\n"
    ) in result.stdout


def test_the_annual_report_counts_the_post_as_at_risk_too(run, engine, north):
    nominate(engine, "T", "trainer/MBCT/North", "ready_now")
    nominate(engine, "D", "trainer/MBCT/North", "ready_now")
    with reading(engine) as session:
        succession = annual_report(session, AS_OF.year, default_policy(), today=AS_OF)["succession"]
    at_risk = {(p["role"], p["programme"], p["region"]) for p in succession["current"]["posts_at_risk"]}
    assert ("trainer", "MBCT", "North") in at_risk
    counts = {row["kind"]: row["current"] for row in succession["counts"]}
    assert counts["posts_at_risk"] == len(at_risk) == len([p for p in report_json(run)["posts"] if p["at_risk"]])

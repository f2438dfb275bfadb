"""The `succession` commands beyond the contract's JSON: the table a board reads,
what-if, successor nominations, key posts and supervisor caseload."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.succession_helpers import AS_OF, Service, day, report_json


@pytest.fixture(autouse=True)
def _no_policy_from_the_environment(monkeypatch):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


# ------------------------------------------------------------ the table


def test_report_table_groups_risks_by_programme_and_region_with_one_line_explanations(run, tmp_path):
    service = (
        Service()
        # S (South) alone supervises X1 and X2 (North): a supervision SPOF, grouped under
        # S's region; S alone holds the supervisor post of MBCT/South with no successor.
        .person("S", org="ORG-S", name="Sam Supervisor").stage("S", "supervisor")
        .person("X2", name="Xia Teacher").stage("X2", "teacher")
        .person("X1", name="Xander Teacher").stage("X1", "teacher")
        .supervises("S", "X2")
        .supervises("S", "X1")
        # T is the only MBCT trainer of the East, where E1 and E2 practise: a training
        # SPOF. T holds the trainer post alone with no ready-now successor (E1 and E2 are
        # further off); the supervisor post of MBCT/East has E1 ready now: no line for it.
        .person("T", org="ORG-E", name="Tom Trainer", leaving=day(100)).stage("T", "trainer")
        .person("E1", org="ORG-E", name="Eve Teacher").stage("E1", "teacher")
        .person("E2", org="ORG-E", name="Eli Trainee").stage("E2", "trainee")
        .nominate("E1", "trainer", "MBCT", "East", "1_2_years")
        .nominate("E2", "trainer", "MBCT", "East", "3_plus_years")
        .nominate("E1", "supervisor", "MBCT", "East", "ready_now")
        # E1's only supervisor has retired: E1 has no active supervisor.
        .person("U", org="ORG-E", status="retired", name="Uma Gone").stage("U", "supervisor")
        .supervises("U", "E1")
    )
    service.load(run, tmp_path)
    result = _ok(run("succession", "report", "--as-of", AS_OF.isoformat()))
    assert result.stdout == (
        "Succession report on 2025-06-01\n"
        "\n"
        "Risks by programme and region\n"
        "  MBCT, East\n"
        "    - Training single point of failure: T (Tom Trainer) is the only active MBCT trainer in East, "
        "where 2 other people practise MBCT.\n"
        "    - Post without a ready-now successor: trainer is held by T (Tom Trainer) alone; "
        "successors: E1 (1-2 years), E2 (3+ years).\n"
        "    - No active supervisor: E1 (Eve Teacher) has no current supervisor who is active.\n"
        "  MBCT, South\n"
        "    - Supervision single point of failure: S (Sam Supervisor) is the only current supervisor of X1, X2, "
        "and nobody else in their region holds supervisor stage in MBCT.\n"
        "    - Post without a ready-now successor: supervisor is held by S (Sam Supervisor) alone; "
        "successors: none nominated.\n"
        "\n"
        "Trainer generations (ASPIRE asks for second and third generations)\n"
        "  MBCT: T (1) - missing generation 2 and 3\n"
        "\n"
        "Trainers with no successor (they have trained no active trainer)\n"
        "  MBCT: T (Tom Trainer)\n"
        "\n"
        "Leaving within 18 months (supervisors and trainers)\n"
        # 2025-06-01 + 100 days
        "  2025-09-09  T (Tom Trainer)\n"
    )


def test_report_table_of_a_service_with_no_risks_says_none(run, tmp_path):
    Service().person("A", name="Ann Teacher").stage("A", "teacher").load(run, tmp_path)
    result = _ok(run("succession", "report", "--as-of", AS_OF.isoformat()))
    assert result.stdout == (
        "Succession report on 2025-06-01\n"
        "\n"
        "Risks by programme and region\n"
        "  none\n"
        "\n"
        "Trainer generations (ASPIRE asks for second and third generations)\n"
        "  no programme has an active trainer\n"
        "\n"
        "Trainers with no successor (they have trained no active trainer)\n"
        "  none\n"
        "\n"
        "Leaving within 18 months (supervisors and trainers)\n"
        "  none\n"
    )


# ------------------------------------------------------------ what-if


def _what_if_service() -> Service:
    return (
        Service()
        # MBCT lineage R1 (South, 1) -> R2 (South, 2) -> W (North, 3).
        .person("R1", org="ORG-S").stage("R1", "trainer")
        .person("R2", org="ORG-S").stage("R2", "trainer")
        .person("W", name="Wyn Trainer").stage("W", "trainer")
        .trained("R1", "R2", on="2012-01-01")
        .trained("R2", "W", on="2014-01-01")
        # W, the only MBCT trainer of the North, alone supervises X; S2 (South) alone
        # supervises Y (North). While W is active, W could supervise Y in the North.
        .person("S2", org="ORG-S").stage("S2", "supervisor")
        .person("X").stage("X", "teacher")
        .person("Y").stage("Y", "teacher")
        .supervises("W", "X")
        .supervises("S2", "Y")
    )


def test_what_if_lists_the_risks_that_would_be_new_if_someone_left(run, tmp_path):
    _what_if_service().load(run, tmp_path)
    result = _ok(run("succession", "what-if", "--without", "W", "--as-of", AS_OF.isoformat(), "--format", "json"))
    data = json.loads(result.stdout)
    assert data["as_of"] == "2025-06-01"
    assert data["without"] == ["W"]
    assert data["new_risks"] == {
        # Without W, nobody in the North but Y can supervise: S2 now strands Y. (W's own
        # SPOF for X, and W's training SPOF in the North, disappear: they are not new.)
        "single_points_of_failure": [
            {"kind": "supervision", "person": "S2", "programme": "MBCT", "region": "South", "affected": ["Y"]}
        ],
        # W was the only active generation-3 trainer.
        "missing_generations": [{"programme": "MBCT", "generation": 3}],
        # R2's only lineage edge goes to W, who would no longer be active.
        "no_successor": [{"person": "R2", "programme": "MBCT"}],
        "leaving_soon": [],
        # X's only current supervisor would not be active.
        "unsupervised": [{"person": "X", "programme": "MBCT", "region": "North"}],
        # W was the North's only active MBCT trainer.
        "regions_without_trainer": [{"programme": "MBCT", "region": "North"}],
    }
    # The report after the departure is the report of that service.
    assert data["report"]["trainer_generations"] == {"MBCT": {"R1": 1, "R2": 2}}


def test_what_if_table_says_each_new_risk_in_one_line(run, tmp_path):
    _what_if_service().load(run, tmp_path)
    result = _ok(run("succession", "what-if", "--without", "W", "--as-of", AS_OF.isoformat()))
    assert result.stdout == (
        "If W (Wyn Trainer) left on 2025-06-01:\n"
        "\n"
        "  - X (Person X) would have no active supervisor in MBCT (North).\n"
        "  - North would have no active MBCT trainer.\n"
        "  - New supervision single point of failure: S2 (Person S2) in MBCT, South (affects Y).\n"
        "  - MBCT would have no generation-3 trainer.\n"
        "  - R2 (Person R2) would be a trainer of MBCT with no successor.\n"
    )


def test_what_if_without_someone_who_matters_to_nobody_has_no_new_risks(run, tmp_path):
    _what_if_service().person("Q", org="ORG-E").stage("Q", "teacher", "MBSR").load(run, tmp_path)
    result = _ok(run("succession", "what-if", "--without", "Q", "--as-of", AS_OF.isoformat()))
    assert result.stdout == "If Q (Person Q) left on 2025-06-01:\n\n  no new risks.\n"


def test_what_if_does_not_change_the_registry(run, tmp_path):
    _what_if_service().load(run, tmp_path)
    before = report_json(run)
    _ok(run("succession", "what-if", "--without", "W", "--without", "S2", "--as-of", AS_OF.isoformat()))
    assert report_json(run) == before


def test_what_if_with_an_unknown_person_is_refused_naming_them(run, tmp_path):
    _what_if_service().load(run, tmp_path)
    result = run("succession", "what-if", "--without", "W", "--without", "NOBODY", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: without: no person 'NOBODY' in the registry; known: R1, R2, S2, W, X, Y\n"


# ------------------------------------------------------------ nominations


def _post_service() -> Service:
    return (
        Service()
        .person("T").stage("T", "trainer")
        .person("Q").stage("Q", "supervisor")
        .person("C").stage("C", "supervisor")
        .person("D").stage("D", "teacher")
    )


# T holds the MBCT trainer post of the North alone, with C ready now (the emergency
# successor) and D in 1-2 years.
TRAINER_POST_WITH_C_READY_NOW = {
    "role": "trainer",
    "programme": "MBCT",
    "region": "North",
    "holders": ["T"],
    "successors": [
        {"person": "C", "readiness": "ready_now", "emergency": True},
        {"person": "D", "readiness": "1_2_years", "emergency": False},
    ],
    "ready_now": 1,
    "emergency": ["C"],
    "at_risk": False,
}


def test_nominate_then_list_nominations_as_json(run, tmp_path):
    _post_service().load(run, tmp_path)
    result = _ok(
        run(
            "succession", "nominate", "--post", "trainer/MBCT/North", "--candidate", "C",
            "--readiness", "ready_now", "--emergency",
        )
    )
    assert result.stdout == "Nominated C for trainer/MBCT/North (ready now, emergency).\n"
    _ok(run("succession", "nominate", "--post", "trainer/MBCT/North", "--candidate", "D", "--readiness", "1_2_years", "--on", "2025-01-15"))
    listed = json.loads(_ok(run("succession", "nominations", "--format", "json")).stdout)
    assert listed == [
        {
            "id": 1,
            "person": "C",
            "programme": "MBCT",
            "region": "North",
            "role": "trainer",
            "readiness": "ready_now",
            "emergency": True,
            # no --on: today
            "nominated_on": dt.date.today().isoformat(),
        },
        {
            "id": 2,
            "person": "D",
            "programme": "MBCT",
            "region": "North",
            "role": "trainer",
            "readiness": "1_2_years",
            "emergency": False,
            "nominated_on": "2025-01-15",
        },
    ]
    # The report of today counts C as the ready-now (and emergency) successor of T.
    (post,) = [p for p in report_json(run, dt.date.today())["posts"] if p["role"] == "trainer"]
    assert post == TRAINER_POST_WITH_C_READY_NOW


def test_withdraw_removes_the_nomination_and_a_second_withdraw_is_refused(run, tmp_path):
    _post_service().load(run, tmp_path)
    _ok(run("succession", "nominate", "--post", "trainer/MBCT/North", "--candidate", "C", "--readiness", "ready_now"))
    result = _ok(run("succession", "withdraw", "--post", "trainer/MBCT/North", "--candidate", "C"))
    assert result.stdout == "Withdrew C's nomination for trainer/MBCT/North.\n"
    assert json.loads(_ok(run("succession", "nominations", "--format", "json")).stdout) == []
    # T holds the trainer post alone again with no ready-now successor.
    (post,) = [p for p in report_json(run, dt.date.today())["posts"] if p["role"] == "trainer"]
    assert (post["successors"], post["ready_now"], post["at_risk"]) == ([], 0, True)
    again = run("succession", "withdraw", "--post", "trainer/MBCT/North", "--candidate", "C")
    assert again.exit_code == 1
    assert again.stderr == "Error: candidate: 'C' is not nominated for trainer/MBCT/North\n"


def test_nominate_and_withdraw_are_in_the_audit_trail(run, tmp_path):
    _post_service().load(run, tmp_path)
    _ok(run("succession", "nominate", "--post", "trainer/MBCT/North", "--candidate", "C", "--readiness", "ready_now"))
    _ok(run("succession", "withdraw", "--post", "trainer/MBCT/North", "--candidate", "C"))
    entries = json.loads(_ok(run("audit", "list", "--record-type", "nominations", "--format", "json")).stdout)
    key = "person=C; programme=MBCT; region=North; role=trainer"
    assert [(e["actor"], e["action"], e["record_type"], e["record"], e["person"]) for e in entries] == [
        ("tester", "add", "nominations", key, "C"),
        ("tester", "withdraw", "nominations", key, "C"),
    ]
    assert all(e["at"].startswith(dt.date.today().isoformat()) for e in entries)


@pytest.mark.parametrize("post", ["trainer/MBCT", "trainer/MBCT/North/extra", "trainer//North", " /MBCT/North", "trainer"])
def test_a_post_not_of_the_form_role_programme_region_is_a_usage_error(run, tmp_path, post):
    _post_service().load(run, tmp_path)
    result = run("succession", "nominate", "--post", post, "--candidate", "C", "--readiness", "ready_now")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"Invalid value for '--post': {post!r} is not ROLE/PROGRAMME/REGION" in result.stderr
    assert json.loads(_ok(run("succession", "nominations", "--format", "json")).stdout) == []


def test_a_post_with_an_unknown_role_is_refused_and_nothing_is_written(run, tmp_path):
    _post_service().load(run, tmp_path)
    result = run("succession", "nominate", "--post", "teacher/MBCT/North", "--candidate", "C", "--readiness", "ready_now")
    assert result.exit_code == 1
    assert result.stderr == "Error: role: 'teacher' is not one of supervisor, trainer, trainer_of_trainers\n"
    assert json.loads(_ok(run("succession", "nominations", "--format", "json")).stdout) == []


# ------------------------------------------------------------ posts in the report


def test_posts_show_holders_ready_now_successors_and_posts_at_risk(run, tmp_path):
    service = (
        Service()
        # MBCT North: T (trainer) and Q (supervisor) hold the supervisor post; T alone
        # holds the trainer post, with C ready now (emergency) and D in 1-2 years.
        .person("T").stage("T", "trainer")
        .person("Q").stage("Q", "supervisor")
        .person("C").stage("C", "supervisor")
        .person("D").stage("D", "teacher")
        .nominate("D", "trainer", "MBCT", "North", "1_2_years")
        .nominate("C", "trainer", "MBCT", "North", "ready_now", emergency=True)
        # MBSR South: U alone holds both posts. V is 3+ years off; Z, ready now, has
        # retired (an inactive candidate does not count); W's ready-now nomination is
        # dated after the report date (does not count yet).
        .person("U", org="ORG-S").stage("U", "trainer", "MBSR")
        .person("V", org="ORG-S").stage("V", "teacher", "MBSR")
        .person("Z", org="ORG-S", status="retired").stage("Z", "supervisor", "MBSR")
        .person("W", org="ORG-S").stage("W", "teacher", "MBSR", on=day(1))
        .nominate("V", "trainer", "MBSR", "South", "3_plus_years")
        .nominate("Z", "trainer", "MBSR", "South", "ready_now")
        .nominate("W", "supervisor", "MBSR", "South", "ready_now", on=day(1))
    )
    service.load(run, tmp_path)
    # C holds supervisor stage in MBCT in the North too, so the supervisor post has 3 holders.
    assert report_json(run)["posts"] == [
        {
            "role": "supervisor",
            "programme": "MBCT",
            "region": "North",
            "holders": ["C", "Q", "T"],
            "successors": [],
            "ready_now": 0,
            "emergency": [],
            "at_risk": False,  # three holders
        },
        TRAINER_POST_WITH_C_READY_NOW,  # one holder, but a ready-now successor
        {
            "role": "supervisor",
            "programme": "MBSR",
            "region": "South",
            "holders": ["U"],
            "successors": [],
            "ready_now": 0,
            "emergency": [],
            "at_risk": True,  # one holder, nobody ready now
        },
        {
            "role": "trainer",
            "programme": "MBSR",
            "region": "South",
            "holders": ["U"],
            "successors": [{"person": "V", "readiness": "3_plus_years", "emergency": False}],
            "ready_now": 0,
            "emergency": [],
            "at_risk": True,
        },
    ]


# ------------------------------------------------------------ caseload


def _caseload_service() -> Service:
    return (
        Service()
        .person("S", org="ORG-S").stage("S", "supervisor")
        .person("S2", org="ORG-S").stage("S2", "supervisor")
        .person("X").stage("X", "teacher")
        .person("Y").stage("Y", "teacher")
        .person("Z", status="left").stage("Z", "teacher")
        .person("V").stage("V", "teacher")
        # S: X and Y are current and active; Z has left; V's link has ended -> 2.
        .supervises("S", "X")
        .supervises("S", "Y")
        .supervises("S", "Z")
        .supervises("S", "V", ended="2024-01-01")
        # S2: one current supervisee.
        .supervises("S2", "V")
    )


def test_caseload_is_flagged_over_the_cap_set_by_a_policy_file(run, tmp_path):
    _caseload_service().load(run, tmp_path)
    policy = tmp_path / "policy.toml"
    policy.write_text("[caseload]\nmax_supervisees = 1\n", encoding="utf-8")
    data = report_json(run, AS_OF, "--policy", str(policy))
    assert data["caseload"] == [
        {"supervisor": "S", "programme": "MBCT", "region": "South", "supervisees": 2, "over_cap": True},
        {"supervisor": "S2", "programme": "MBCT", "region": "South", "supervisees": 1, "over_cap": False},
    ]
    table = _ok(run("succession", "report", "--as-of", AS_OF.isoformat(), "--policy", str(policy))).stdout
    assert table.endswith("\n\nSupervisors over the caseload cap\n  S (Person S): 2 supervisees in MBCT\n")


def test_caseload_is_never_over_cap_without_a_cap(run, tmp_path):
    _caseload_service().load(run, tmp_path)
    data = report_json(run)
    assert [(r["supervisor"], r["supervisees"], r["over_cap"]) for r in data["caseload"]] == [
        ("S", 2, False),
        ("S2", 1, False),
    ]
    table = _ok(run("succession", "report", "--as-of", AS_OF.isoformat())).stdout
    assert "caseload cap" not in table


def test_a_missing_policy_file_is_refused(run, tmp_path):
    _caseload_service().load(run, tmp_path)
    missing = tmp_path / "nope.toml"
    result = run("succession", "report", "--policy", str(missing), "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: policy: no file {str(missing)!r}\n"

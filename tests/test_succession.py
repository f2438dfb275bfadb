"""`succession report --format json`: every rule of the contract, on services built by hand.

Each test imports a tiny bundle and compares the exact contract keys of the report
(single_points_of_failure, trainer_generations, missing_generations, no_successor,
leaving_soon) with what the contract says, reasoned in comments. The report date is
AS_OF (2025-06-01) unless a test says otherwise. ORG-N and ORG-N2 are both in the
North region; ORG-S is South, ORG-E is East (see succession_helpers).
"""

from __future__ import annotations

import pytest

from tests.succession_helpers import (
    Service,
    contract_report,
    day,
    expected,
    gaps,
    supervision_spof,
    training_spof,
)

# ------------------------------------------------------------ supervision SPOF


def test_supervisor_stranding_two_teachers_is_one_spof_with_sorted_affected_and_the_supervisors_region(run, tmp_path):
    service = (
        Service()
        .person("S", org="ORG-S").stage("S", "supervisor")
        .person("T2").stage("T2", "teacher")
        .person("T1").stage("T1", "teacher")
        # T2's link is recorded first, so `affected` must be sorted, not in link order.
        .supervises("S", "T2")
        .supervises("S", "T1")
    )
    service.load(run, tmp_path)
    # S (South) is the only current supervisor of T1 and T2 (North) in MBCT, and nobody
    # in the North other than S and the teacher holds supervisor or higher in MBCT: both
    # are stranded by S. One entry for (S, MBCT); region is S's region, South.
    # No trainer anywhere: no training SPOF and empty generation keys.
    assert contract_report(run) == expected(spof=[supervision_spof("S", ["T1", "T2"], region="South")])


def test_one_supervisor_in_two_programmes_gives_one_spof_per_programme(run, tmp_path):
    service = (
        Service()
        .person("S", org="ORG-S").stage("S", "supervisor").stage("S", "supervisor", "MBSR")
        .person("X").stage("X", "teacher").stage("X", "teacher", "MBSR")
        .supervises("S", "X", programme="MBSR")
        .supervises("S", "X", programme="MBCT")
    )
    service.load(run, tmp_path)
    # A SPOF is a pair (S, P): X is stranded by S in MBCT and again in MBSR. Sorted by
    # kind, then programme: MBCT before MBSR.
    assert contract_report(run) == expected(
        spof=[
            supervision_spof("S", ["X"], programme="MBCT", region="South"),
            supervision_spof("S", ["X"], programme="MBSR", region="South"),
        ]
    )


def _one_link(started: str = "2020-01-01", ended: str = "") -> Service:
    return (
        Service()
        .person("S", org="ORG-S").stage("S", "supervisor")
        .person("X").stage("X", "teacher")
        .supervises("S", "X", started=started, ended=ended)
    )


@pytest.mark.parametrize(
    ("ended", "current"),
    [
        # ended_on == as-of: the link has ended on the as-of date, so it is not current.
        (day(0), False),
        # ended_on the day after: "ended_on null or after the as-of date" -> current.
        (day(1), True),
        # ended before the as-of date: not current.
        (day(-1), False),
        # no end: current.
        ("", True),
    ],
)
def test_a_link_is_current_only_when_it_ends_after_the_as_of_date(run, tmp_path, ended, current):
    _one_link(ended=ended).load(run, tmp_path)
    spof = [supervision_spof("S", ["X"], region="South")] if current else []
    assert contract_report(run) == expected(spof=spof)


@pytest.mark.parametrize(
    ("started", "current"),
    [
        # started on the as-of date: "the link has started" -> current.
        (day(0), True),
        # started the day after: a link started after the as-of date does not count.
        (day(1), False),
    ],
)
def test_a_link_counts_only_once_it_has_started(run, tmp_path, started, current):
    _one_link(started=started).load(run, tmp_path)
    spof = [supervision_spof("S", ["X"], region="South")] if current else []
    assert contract_report(run) == expected(spof=spof)


def test_a_second_current_supervisor_who_is_active_removes_the_supervisee_from_affected(run, tmp_path):
    service = (
        Service()
        .person("S1", org="ORG-S").stage("S1", "supervisor")
        .person("S2", org="ORG-S").stage("S2", "supervisor")
        .person("X").stage("X", "teacher")
        .person("Y").stage("Y", "teacher")
        .supervises("S1", "X")
        .supervises("S2", "X")
        .supervises("S1", "Y")
    )
    service.load(run, tmp_path)
    # X has another current link in MBCT with an active supervisor (S2), so X is stranded
    # by nobody. Y has only S1 and nobody in the North can supervise: S1 strands Y alone.
    # S2 strands nobody, so S2 is not listed.
    assert contract_report(run) == expected(spof=[supervision_spof("S1", ["Y"], region="South")])


def test_a_second_supervisor_who_is_not_active_does_not_protect_the_supervisee(run, tmp_path):
    service = (
        Service()
        .person("S1", org="ORG-S").stage("S1", "supervisor")
        .person("S2", org="ORG-S", status="on_leave").stage("S2", "supervisor")
        .person("X").stage("X", "teacher")
        .supervises("S1", "X")
        .supervises("S2", "X")
    )
    service.load(run, tmp_path)
    # X's other link is with S2, who is on leave: "no other such link in P with an
    # active supervisor" holds, so S1 strands X. S2 is not active: not a SPOF.
    assert contract_report(run) == expected(spof=[supervision_spof("S1", ["X"], region="South")])


def test_a_second_supervisor_in_another_programme_does_not_protect_the_supervisee(run, tmp_path):
    service = (
        Service()
        .person("S1", org="ORG-S").stage("S1", "supervisor")
        .person("S2", org="ORG-S").stage("S2", "supervisor", "MBSR")
        .person("X").stage("X", "teacher").stage("X", "teacher", "MBSR")
        .supervises("S1", "X")
        .supervises("S2", "X", programme="MBSR")
    )
    service.load(run, tmp_path)
    # The other link must be in the same programme P. In MBCT, X has only S1; in MBSR
    # X has only S2 (and nobody in the North holds MBSR supervisor): two SPOFs.
    assert contract_report(run) == expected(
        spof=[
            supervision_spof("S1", ["X"], programme="MBCT", region="South"),
            supervision_spof("S2", ["X"], programme="MBSR", region="South"),
        ]
    )


@pytest.mark.parametrize(
    ("org", "status", "stage", "programme", "protects"),
    [
        # an active MBCT supervisor in X's region, in another organisation of the North:
        # the rule is about region(X), so X could be supervised by Q -> no risk.
        ("ORG-N2", "active", "supervisor", "MBCT", True),
        # "supervisor or higher": a trainer_of_trainers protects too.
        ("ORG-N", "active", "trainer_of_trainers", "MBCT", True),
        # in another region (South, S's own region): does not protect X in the North.
        ("ORG-S", "active", "supervisor", "MBCT", False),
        # in X's region but not active: does not count.
        ("ORG-N", "retired", "supervisor", "MBCT", False),
        ("ORG-N", "on_leave", "supervisor", "MBCT", False),
        # in X's region but only a teacher: below supervisor.
        ("ORG-N", "active", "teacher", "MBCT", False),
        # in X's region, a supervisor in another programme only.
        ("ORG-N", "active", "supervisor", "MBSR", False),
    ],
)
def test_another_possible_supervisor_in_the_supervisees_region_removes_the_risk(
    run, tmp_path, org, status, stage, programme, protects
):
    service = _one_link().person("Q", org=org, status=status).stage("Q", stage, programme)
    service.load(run, tmp_path)
    report = contract_report(run)
    spof = [] if protects else [supervision_spof("S", ["X"], region="South")]
    # (A trainer_of_trainers Q is also a training SPOF for X in the North: not the rule
    # under test, so only the supervision entries are compared.)
    assert [r for r in report["single_points_of_failure"] if r["kind"] == "supervision"] == spof


def test_the_supervisee_and_the_supervisor_do_not_count_as_someone_else_who_could_supervise(run, tmp_path):
    service = (
        Service()
        # S is in the North, the region of X: S's own supervisor stage there must not count.
        .person("S", org="ORG-N").stage("S", "supervisor")
        # X holds supervisor stage themselves (a supervisor in supervision): excluded too.
        .person("X", org="ORG-N2").stage("X", "supervisor")
        .supervises("S", "X")
    )
    service.load(run, tmp_path)
    # "no active person other than S and X in region(X)" -> nobody: X is stranded.
    assert contract_report(run) == expected(spof=[supervision_spof("S", ["X"], region="North")])


def test_a_supervisor_who_is_not_active_is_not_a_spof(run, tmp_path):
    service = (
        Service()
        .person("S", org="ORG-S", status="on_leave").stage("S", "supervisor")
        .person("X").stage("X", "teacher")
        .supervises("S", "X")
    )
    service.load(run, tmp_path)
    # A SPOF is "an active person S": S is on leave, so no SPOF (X is unsupervised,
    # which the contract keys do not report).
    assert contract_report(run) == expected()


def test_a_supervisee_who_is_not_active_is_not_affected(run, tmp_path):
    service = (
        Service()
        .person("S", org="ORG-S").stage("S", "supervisor")
        .person("X", status="left").stage("X", "teacher")
        .person("Y").stage("Y", "teacher")
        .person("Z", org="ORG-S", status="retired").stage("Z", "teacher")
        .supervises("S", "X")
        .supervises("S", "Y")
        .supervises("S", "Z")
    )
    service.load(run, tmp_path)
    # Only an active X can be stranded: X (left) and Z (retired) are not; Y is.
    assert contract_report(run) == expected(spof=[supervision_spof("S", ["Y"], region="South")])


def test_a_supervisor_stranding_only_inactive_people_is_not_a_spof(run, tmp_path):
    service = (
        Service()
        .person("S", org="ORG-S").stage("S", "supervisor")
        .person("X", status="retired").stage("X", "teacher")
        .supervises("S", "X")
    )
    service.load(run, tmp_path)
    assert contract_report(run) == expected()


def test_a_supervisor_stage_attained_after_the_as_of_date_does_not_protect(run, tmp_path):
    service = _one_link().person("Q").stage("Q", "teacher").stage("Q", "supervisor", on=day(1))
    service.load(run, tmp_path)
    # On AS_OF, Q's stage is teacher (the supervisor stage comes tomorrow): X is stranded.
    assert contract_report(run) == expected(spof=[supervision_spof("S", ["X"], region="South")])
    # The day after, Q holds supervisor in the North: nobody is stranded.
    assert contract_report(run, day(1)) == expected(day(1))


# ------------------------------------------------------------ training SPOF


def test_the_only_active_trainer_in_a_region_with_other_practitioners_is_a_training_spof(run, tmp_path):
    service = (
        Service()
        .person("T").stage("T", "trainer")
        # other active people of the North with a stage in MBCT: any stage counts,
        # whatever the organisation within the region.
        .person("B", org="ORG-N2").stage("B", "trainee")
        .person("A").stage("A", "teacher")
        .person("C").stage("C", "supervisor")
        # not counted: inactive, another programme, another region, no stage at all.
        .person("E", status="retired").stage("E", "teacher")
        .person("D").stage("D", "teacher", "MBSR")
        .person("F", org="ORG-S").stage("F", "teacher")
        .person("G")
    )
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        # exactly one active trainer+ in (North, MBCT): T; affected: A, B, C sorted.
        # The South has MBCT practitioners but no trainer: not "exactly one".
        spof=[training_spof("T", ["A", "B", "C"], region="North")],
        # T has no incoming lineage edge: generation 1.
        generations={"MBCT": {"T": 1}},
        # no active MBCT trainer of generation 2 or higher (nor 3).
        missing=gaps("MBCT", 2, 3),
        # T trained nobody: no successor.
        no_successor=[{"person": "T", "programme": "MBCT"}],
    )


@pytest.mark.parametrize("second", ["trainer", "trainer_of_trainers"])
def test_two_active_trainers_in_a_region_are_no_training_risk(run, tmp_path, second):
    service = (
        Service()
        .person("T1").stage("T1", "trainer")
        .person("T2", org="ORG-N2").stage("T2", second)
        .person("A").stage("A", "teacher")
    )
    service.load(run, tmp_path)
    # Two active people of trainer stage or higher in (North, MBCT): not "exactly one".
    assert contract_report(run) == expected(
        generations={"MBCT": {"T1": 1, "T2": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "T1", "programme": "MBCT"}, {"person": "T2", "programme": "MBCT"}],
    )


def test_a_second_trainer_who_is_not_active_does_not_remove_the_training_risk(run, tmp_path):
    service = (
        Service()
        .person("T1").stage("T1", "trainer")
        .person("T2", status="on_leave").stage("T2", "trainer")
        .person("A").stage("A", "teacher")
    )
    service.load(run, tmp_path)
    # "exactly one *active* person ... trainer or higher": T1. T2 is not active, so T2
    # is neither a second trainer nor one of the affected (who must be active).
    assert contract_report(run) == expected(
        spof=[training_spof("T1", ["A"], region="North")],
        generations={"MBCT": {"T1": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "T1", "programme": "MBCT"}],
    )


def test_a_trainer_alone_in_their_region_and_programme_is_no_training_risk(run, tmp_path):
    service = (
        Service()
        .person("T").stage("T", "trainer")
        # a North practitioner of another programme, and an MBCT teacher of the South:
        # neither is "another active person in R with a stage in P".
        .person("M").stage("M", "teacher", "MBSR")
        .person("Y", org="ORG-S").stage("Y", "teacher")
    )
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        generations={"MBCT": {"T": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "T", "programme": "MBCT"}],
    )


def test_a_trainer_stage_attained_after_the_as_of_date_does_not_count(run, tmp_path):
    service = (
        Service()
        .person("T").stage("T", "supervisor").stage("T", "trainer", on=day(1))
        .person("A").stage("A", "teacher")
    )
    service.load(run, tmp_path)
    # On AS_OF, T is a supervisor: no trainer at all, so no training SPOF and no
    # programme with an active trainer (empty generations, nothing missing).
    assert contract_report(run) == expected()
    # The day after, T is the only MBCT trainer of the North, where A practises.
    assert contract_report(run, day(1)) == expected(
        day(1),
        spof=[training_spof("T", ["A"], region="North")],
        generations={"MBCT": {"T": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "T", "programme": "MBCT"}],
    )


def test_a_practitioner_whose_only_stage_is_after_the_as_of_date_is_not_affected(run, tmp_path):
    service = Service().person("T").stage("T", "trainer").person("B").stage("B", "trainee", on=day(1))
    service.load(run, tmp_path)
    # On AS_OF, B has no stage in MBCT: T is alone, no risk.
    assert contract_report(run)["single_points_of_failure"] == []
    # From the next day B practises MBCT in the North: T becomes a training SPOF.
    assert contract_report(run, day(1))["single_points_of_failure"] == [training_spof("T", ["B"], region="North")]


# ------------------------------------------------------------ ordering of SPOFs


def test_single_points_of_failure_are_sorted_by_kind_then_programme_then_person(run, tmp_path):
    service = (
        Service()
        # supervision SPOFs: supervisors in the South, supervisees in the North, where
        # nobody holds supervisor stage.
        .person("SC", org="ORG-S").stage("SC", "supervisor", "MBSR")
        .person("SB", org="ORG-S").stage("SB", "supervisor")
        .person("SA", org="ORG-S").stage("SA", "supervisor")
        .person("X1").stage("X1", "teacher")
        .person("X2").stage("X2", "teacher")
        .person("X3").stage("X3", "teacher", "MBSR")
        .supervises("SC", "X3", programme="MBSR")
        .supervises("SB", "X1")
        .supervises("SA", "X2")
        # training SPOFs, in the East: TZ alone in MBCT, TA alone in MBSR.
        .person("TZ", org="ORG-E").stage("TZ", "trainer")
        .person("TA", org="ORG-E").stage("TA", "trainer", "MBSR")
        .person("E1", org="ORG-E").stage("E1", "teacher")
        .person("E2", org="ORG-E").stage("E2", "teacher", "MBSR")
    )
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        # "supervision" < "training"; within a kind, MBCT < MBSR; within both, by person.
        # (By person alone TA would come before TZ; by programme TZ's MBCT comes first.)
        spof=[
            supervision_spof("SA", ["X2"], region="South"),
            supervision_spof("SB", ["X1"], region="South"),
            supervision_spof("SC", ["X3"], programme="MBSR", region="South"),
            training_spof("TZ", ["E1"], region="East"),
            training_spof("TA", ["E2"], programme="MBSR", region="East"),
        ],
        generations={"MBCT": {"TZ": 1}, "MBSR": {"TA": 1}},
        missing=gaps("MBCT", 2, 3) + gaps("MBSR", 2, 3),
        no_successor=[{"person": "TZ", "programme": "MBCT"}, {"person": "TA", "programme": "MBSR"}],
    )


# ------------------------------------------------------------ trainer generations


def test_a_trainer_with_no_incoming_lineage_edge_is_generation_one(run, tmp_path):
    service = Service().person("R", org="ORG-S").stage("R", "trainer_of_trainers")
    service.load(run, tmp_path)
    # Alone in the South: no training risk. First generation, nobody trained: no successor.
    assert contract_report(run) == expected(
        generations={"MBCT": {"R": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "R", "programme": "MBCT"}],
    )


def _trainers(service: Service, *refs: str, status: dict | None = None, org: str = "ORG-S") -> Service:
    """Active trainers (trainer stage since 2010), all in the South unless told."""
    for ref in refs:
        service.person(ref, org=org, status=(status or {}).get(ref, "active")).stage(ref, "trainer")
    return service


def test_a_co_trained_trainer_is_one_more_than_the_smallest_generation_of_their_trainers(run, tmp_path):
    service = _trainers(Service(), "A", "B", "D")
    service.trained("A", "B", on="2012-01-01")  # B: 2
    service.trained("B", "D", on="2013-01-01")  # trained by B (2) ...
    service.trained("A", "D", on="2014-01-01")  # ... and by A (1): D is 1 + min(1, 2) = 2, not 3.
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        generations={"MBCT": {"A": 1, "B": 2, "D": 2}},
        # generation 2 exists; nobody reaches 3.
        missing=gaps("MBCT", 3),
        # A -> B, A -> D and B -> D reach active trainers; D trained nobody.
        no_successor=[{"person": "D", "programme": "MBCT"}],
    )


def test_an_inactive_trainer_keeps_their_place_in_the_lineage_but_is_not_listed(run, tmp_path):
    service = _trainers(Service(), "A", "B", "C", status={"A": "retired"})
    service.trained("A", "B", on="2012-01-01")
    service.trained("B", "C", on="2014-01-01")
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        # A (retired) is still generation 1, so B is 2 and C is 3; only active
        # trainers are listed, so A is not.
        generations={"MBCT": {"B": 2, "C": 3}},
        # active trainers reach generations 2 and 3: nothing missing.
        # B trained C (active): B has a successor; C trained nobody; A is not active.
        no_successor=[{"person": "C", "programme": "MBCT"}],
    )


def test_training_towards_a_stage_below_trainer_makes_no_lineage_edge(run, tmp_path):
    service = _trainers(Service(), "A", "B", "C", "D")
    service.trained("A", "B", stage="teacher", on="2012-01-01")
    service.trained("A", "C", stage="supervisor", on="2012-01-01")
    service.trained("A", "C", stage="trainee", on="2011-01-01")
    # towards trainer_of_trainers does make an edge.
    service.trained("A", "D", stage="trainer_of_trainers", on="2012-01-01")
    service.load(run, tmp_path)
    # B and C became trainers without a training record towards a trainer stage: no
    # incoming edge, generation 1. D has the edge A -> D: generation 2.
    assert contract_report(run) == expected(
        generations={"MBCT": {"A": 1, "B": 1, "C": 1, "D": 2}},
        missing=gaps("MBCT", 3),
        # A's only lineage edge is to D; B, C, D trained nobody towards trainer.
        no_successor=[{"person": p, "programme": "MBCT"} for p in ("B", "C", "D")],
    )


def test_training_given_after_the_as_of_date_makes_no_lineage_edge(run, tmp_path):
    service = _trainers(Service(), "A", "B")
    service.trained("A", "B", on=day(1))
    service.load(run, tmp_path)
    # On AS_OF the training record does not count: A and B are both generation 1.
    assert contract_report(run) == expected(
        generations={"MBCT": {"A": 1, "B": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "A", "programme": "MBCT"}, {"person": "B", "programme": "MBCT"}],
    )
    # The day after, A -> B counts.
    assert contract_report(run, day(1)) == expected(
        day(1),
        generations={"MBCT": {"A": 1, "B": 2}},
        missing=gaps("MBCT", 3),
        no_successor=[{"person": "B", "programme": "MBCT"}],
    )


def test_a_lineage_edge_needs_both_people_to_hold_trainer_stage_on_the_as_of_date(run, tmp_path):
    service = _trainers(Service(), "A")
    # B was trained towards trainer before AS_OF but is only assessed as trainer after it.
    service.person("B", org="ORG-S").stage("B", "supervisor").stage("B", "trainer", on=day(1))
    service.trained("A", "B", on="2020-01-01")
    service.load(run, tmp_path)
    # On AS_OF, B is a supervisor: no edge, and B is not a trainer. B practises MBCT in
    # the South where A is the only trainer: a training SPOF.
    assert contract_report(run) == expected(
        spof=[training_spof("A", ["B"], region="South")],
        generations={"MBCT": {"A": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "A", "programme": "MBCT"}],
    )
    assert contract_report(run, day(1))["trainer_generations"] == {"MBCT": {"A": 1, "B": 2}}


def test_trainer_generations_list_only_active_trainers_of_programmes_with_an_active_trainer(run, tmp_path):
    service = (
        Service()
        .person("A", org="ORG-S").stage("A", "trainer")
        .person("S", org="ORG-S").stage("S", "supervisor")  # active, but not a trainer
        .person("L", org="ORG-S", status="left").stage("L", "trainer")  # not active
        # MBSR: its only trainer is retired, so MBSR has no active trainer.
        .person("R", org="ORG-E", status="retired").stage("R", "trainer", "MBSR")
        .person("M", org="ORG-E").stage("M", "teacher", "MBSR")
    )
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        # A is the only active MBCT trainer; S (South, MBCT supervisor) is another
        # active practitioner there: a training SPOF.
        spof=[training_spof("A", ["S"], region="South")],
        # no MBSR key: MBSR has no active trainer.
        generations={"MBCT": {"A": 1}},
        # missing generations only for programmes with an active trainer: not MBSR.
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "A", "programme": "MBCT"}],
    )


def test_missing_generations_are_sorted_by_programme_then_generation(run, tmp_path):
    service = Service()
    # MBSR: only generation 1. MBCT: generations 1 and 2.
    service.person("P", org="ORG-E").stage("P", "trainer", "MBSR")
    _trainers(service, "A", "B")
    service.trained("A", "B", on="2015-01-01")
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        generations={"MBCT": {"A": 1, "B": 2}, "MBSR": {"P": 1}},
        # MBCT has an active generation-2 trainer: only 3 is missing. MBSR misses 2 and 3.
        missing=gaps("MBCT", 3) + gaps("MBSR", 2, 3),
        no_successor=[{"person": "B", "programme": "MBCT"}, {"person": "P", "programme": "MBSR"}],
    )


def test_a_generation_is_missing_only_when_no_active_trainer_reaches_it_or_higher(run, tmp_path):
    service = _trainers(Service(), "A", "B", "C", status={"B": "retired"})
    service.trained("A", "B", on="2012-01-01")
    service.trained("B", "C", on="2014-01-01")
    service.load(run, tmp_path)
    # Active trainers: A (1) and C (3). No active trainer has generation 2 exactly, but C
    # has "generation g or higher" for g = 2 and g = 3: nothing is missing.
    assert contract_report(run) == expected(
        generations={"MBCT": {"A": 1, "C": 3}},
        # A's only edge goes to B, who is not active: A has no successor.
        no_successor=[{"person": "A", "programme": "MBCT"}, {"person": "C", "programme": "MBCT"}],
    )


def test_no_successor_lists_active_trainers_without_an_edge_to_an_active_trainer_sorted(run, tmp_path):
    service = Service()
    # MBSR (listed first in the bundle, but sorted after MBCT): Z trained Y; Y trained nobody.
    for ref in ("Z", "Y"):
        service.person(ref, org="ORG-E").stage(ref, "trainer", "MBSR")
    service.trained("Z", "Y", programme="MBSR", on="2015-01-01")
    # MBCT: K trained J, who left; H trained G, active; G and F trained nobody.
    _trainers(service, "K", "H", "G", "F")
    service.person("J", org="ORG-S", status="left").stage("J", "trainer")
    service.trained("K", "J", on="2015-01-01")
    service.trained("H", "G", on="2015-01-01")
    service.load(run, tmp_path)
    report = contract_report(run)
    # K -> J does not count (J not active); H -> G does. Sorted by programme, then person.
    assert report["no_successor"] == [
        {"person": "F", "programme": "MBCT"},
        {"person": "G", "programme": "MBCT"},
        {"person": "K", "programme": "MBCT"},
        {"person": "Y", "programme": "MBSR"},
    ]
    assert report["trainer_generations"] == {"MBCT": {"F": 1, "G": 2, "H": 1, "K": 1}, "MBSR": {"Y": 2, "Z": 1}}
    assert report["missing_generations"] == gaps("MBCT", 3) + gaps("MBSR", 3)


# ------------------------------------------------------------ leaving soon


def test_leaving_soon_covers_active_supervisors_and_trainers_leaving_within_548_days(run, tmp_path):
    service = (
        Service()
        # in: supervisor leaving exactly 548 days after AS_OF (the last day counted).
        .person("L1", leaving=day(548)).stage("L1", "supervisor")
        # in: same date, supervisor in MBSR only ("in some programme"); sorted after L1.
        .person("L0", leaving=day(548)).stage("L0", "supervisor", "MBSR").stage("L0", "teacher")
        # out: 549 days after.
        .person("L2", leaving=day(549)).stage("L2", "supervisor")
        # out: on the as-of date itself ("after the as-of date").
        .person("L3", leaving=day(0)).stage("L3", "supervisor")
        # out: already past.
        .person("L4", leaving=day(-30)).stage("L4", "supervisor")
        # out: a teacher only.
        .person("L5", leaving=day(10)).stage("L5", "teacher")
        # out: supervisor, but retired.
        .person("L6", status="retired", leaving=day(10)).stage("L6", "supervisor")
        # out: supervisor stage attained after AS_OF (a teacher on AS_OF).
        .person("L7", leaving=day(5)).stage("L7", "teacher").stage("L7", "supervisor", on=day(1))
        # out: supervisor with no planned date.
        .person("L8").stage("L8", "supervisor")
        # in: a trainer (higher than supervisor) leaving tomorrow; alone in the East.
        .person("R9", org="ORG-E", leaving=day(1)).stage("R9", "trainer")
    )
    service.load(run, tmp_path)
    assert contract_report(run) == expected(
        generations={"MBCT": {"R9": 1}},
        missing=gaps("MBCT", 2, 3),
        no_successor=[{"person": "R9", "programme": "MBCT"}],
        # sorted by date, then person: R9 (tomorrow), then L0 and L1 (both day 548).
        leaving=[
            {"person": "R9", "planned_leaving_on": day(1)},
            {"person": "L0", "planned_leaving_on": day(548)},
            {"person": "L1", "planned_leaving_on": day(548)},
        ],
    )


def test_the_548_day_boundary_is_counted_from_the_as_of_date(run, tmp_path):
    service = Service().person("L", leaving="2026-12-01").stage("L", "supervisor")
    service.load(run, tmp_path)
    # 2025-06-01 + 548 days = 2026-12-01: in. From 2025-05-31 it is 549 days: out.
    assert contract_report(run, "2025-06-01")["leaving_soon"] == [{"person": "L", "planned_leaving_on": "2026-12-01"}]
    assert contract_report(run, "2025-05-31")["leaving_soon"] == []
    # On the leaving date itself it is no longer "after the as-of date".
    assert contract_report(run, "2026-12-01")["leaving_soon"] == []
    assert contract_report(run, "2026-11-30")["leaving_soon"] == [{"person": "L", "planned_leaving_on": "2026-12-01"}]


def test_the_report_date_defaults_to_today_and_is_echoed_in_iso_form(run, tmp_path):
    import datetime as dt
    import json

    Service().person("A").stage("A", "teacher").load(run, tmp_path)
    result = run("succession", "report", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == dt.date.today().isoformat()


def test_a_bad_as_of_date_is_refused_with_a_one_line_message(run):
    result = run("succession", "report", "--as-of", "2025-13-01", "--format", "json")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "2025-13-01" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr

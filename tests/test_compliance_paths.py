"""The compliance report computed by the database equals the one computed from each
person's dated records, on random histories around every boundary, with sessions given
by supervisors who are qualified, never qualified, or qualified from a day in or near
the window (in the session's programme or in another), and assessments of teaching in
either programme dated around the N years of a policy that asks for one (29 February
among them, and some after the as-of date)."""

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.orm import Session

from mbp_registry.registry import models
from mbp_registry.registry.compliance import compliance_report, due
from mbp_registry.registry.policy import Policy, default_policy
from mbp_registry.registry.queries import years_after
from mbp_registry.registry.vocab import TAC_DOMAINS

AS_OF = dt.date(2026, 6, 30)
PEOPLE = 4

# Days before the as-of date, dense around the window's edge (364 in, 365 out).
ages = st.one_of(st.integers(0, 400), st.sampled_from([0, 1, 363, 364, 365, 366]))
events = st.lists(st.tuples(st.integers(1, PEOPLE), ages), max_size=40)

# Who gives a session: T1 (an assessed teacher of P, a supervisor of Q from a drawn day,
# or never), SUPERVISOR (supervisor of P since 2020), TEACHER (teacher only: never
# qualified) or TRAINER (trainee of P, then a trainer from a drawn day).
SUPERVISOR, TEACHER, TRAINER = PEOPLE + 1, PEOPLE + 2, PEOPLE + 3
supervisors = st.sampled_from([1, SUPERVISOR, SUPERVISOR, TEACHER, TRAINER])
# Days before the as-of date of an assessment: around 1, 2 and 3 years back, 2024-02-29
# (852), and after the as-of date (negative).
LEAP_DAY = (AS_OF - dt.date(2024, 2, 29)).days
assessment_ages = st.one_of(
    st.integers(-30, 1200), st.sampled_from([0, -1, 364, 365, 366, 729, 730, 731, 1095, 1096, LEAP_DAY])
)


@st.composite
def histories(draw):
    return {
        "cpd": draw(st.lists(st.tuples(st.integers(1, PEOPLE), ages, st.sampled_from([0.25, 2.5, 7.75, 10, 15]),
                                        st.sampled_from(["course", "reading"])), max_size=20)),
        "retreats": draw(st.lists(st.tuples(st.integers(1, PEOPLE), ages, st.sampled_from([0.5, 2.5, 5]),
                                            st.sampled_from([None, "A Leader"])), max_size=8)),
        # People trained by an assessed person (who is then practising): (trainer, age).
        "training": draw(st.lists(st.tuples(st.integers(1, PEOPLE), ages), max_size=3)),
        "sessions": draw(st.lists(st.tuples(st.integers(1, PEOPLE), ages, st.sampled_from(["individual", "group", "peer"]), supervisors), max_size=40)),
        "courses": draw(st.lists(st.tuples(st.integers(1, PEOPLE), ages), max_size=4)),
        # Days before the as-of date on which T1 becomes a supervisor in programme Q
        # and TRAINER a trainer in P (None: never, for T1).
        "qualified": draw(st.tuples(st.one_of(st.none(), ages), ages)),
        # Assessments of teaching by SUPERVISOR: (person, age, programme 1 or 2).
        "assessments": draw(st.lists(st.tuples(st.integers(1, PEOPLE), assessment_ages, st.sampled_from([1, 2])),
                                     max_size=6)),
    }


NO_FLOOR = dict(cpd_hours=0, retreat_days=0, sessions_when_not_practising=0)
policies = st.sampled_from(
    [
        default_policy(),
        Policy(cpd_hours=10, retreat_days=2.5, sessions_when_practising=3, sessions_when_not_practising=1, window_days=90),
        Policy(cpd_hours=0, retreat_days=0, sessions_when_practising=2, sessions_when_not_practising=0),
        # practising by teaching only, or by no work at all
        Policy(practising_work=("teaching",), sessions_when_practising=3, cpd_hours=10, retreat_days=2.5),
        Policy(practising_work=(), sessions_when_practising=3, sessions_when_not_practising=2),
        # CPD events and teacher-led retreats
        Policy(cpd_hours=10, cpd_event_hours=7.5, cpd_event_categories=("course",), retreat_teacher_led=True,
               retreat_days=2.5, sessions_when_practising=2),
        # new teachers, with group and peer time counted by BACP's formula: new for the
        # whole look-ahead (teachers since 2020 + 10 years), or until 2027-01-01 (+ 7)
        Policy(new_teacher_years=10, new_teacher_hours_per_course=1, group_time="half", group_half_up_to=1,
               counted_kinds=("individual", "group", "peer"), sessions_when_practising=1, **NO_FLOOR),
        Policy(new_teacher_years=7, new_teacher_hours_per_course=2.5, group_time="divided", sessions_when_practising=0,
               **NO_FLOOR),
        # an assessment of teaching within 1, 2 or 3 years, alone or with the other rules
        Policy(assessment_required_within_years=1, **NO_FLOOR, sessions_when_practising=0),
        Policy(assessment_required_within_years=2, cpd_hours=10, retreat_days=2.5, sessions_when_practising=3),
        Policy(assessment_required_within_years=3, new_teacher_years=10, new_teacher_hours_per_course=1,
               sessions_when_practising=1, window_days=90, **NO_FLOOR),
    ]
)


def given_sessions(history) -> set[tuple]:
    """The sessions of a history as (supervisor, supervisee, age, kind), SUPERVISOR when
    none is drawn, nobody supervising themselves."""
    sessions = {(*by, p, age, kind) if by else (SUPERVISOR, p, age, kind) for p, age, kind, *by in history["sessions"]}
    return {row for row in sessions if row[0] != row[1]}


def qualifying(history, policy: Policy) -> dict[int, int]:
    """Worked out apart from the registry: each person's qualifying sessions in the
    window (a counted kind, and a supervisor who held supervisor or higher that day);
    the supervisors are assessed too, and are nobody's supervisee."""
    supervisor_of_q, trainer_of_p = history.get("qualified", (None, 400))
    # The oldest age (days before the as-of date) at which each supervisor was qualified.
    qualified_from = {SUPERVISOR: 10**6, TRAINER: trainer_of_p, 1: -1 if supervisor_of_q is None else supervisor_of_q}
    counts = {p: 0 for p in range(1, TRAINER + 1)}
    for by, p, age, kind in given_sessions(history):
        if kind in policy.counted_kinds and age < policy.window_days and age <= qualified_from.get(by, -1):
            counts[p] += 1
    return counts


def short_of_assessment(history, policy: Policy) -> set[int]:
    """Worked out apart from the registry: who has no assessment dated on or before the
    as-of date and after the same day N years back (none, under a policy without the rule)."""
    years = policy.assessment_required_within_years
    if not years:
        return set()
    since = years_after(AS_OF, -years)
    recent = {p for p, age, _ in history.get("assessments", []) if since < AS_OF - dt.timedelta(days=age) <= AS_OF}
    return set(range(1, TRAINER + 1)) - recent


def fill(engine, history) -> None:
    day = lambda age: AS_OF - dt.timedelta(days=age)  # noqa: E731
    with engine.begin() as c:
        for table in reversed(models.Base.metadata.sorted_tables):
            c.execute(table.delete())
        c.execute(insert(models.Organisation), [{"id": 1, "code": "O", "name": "O", "region": "R"}])
        c.execute(insert(models.Programme), [{"id": 1, "code": "P", "name": "P"}])
        c.execute(insert(models.Programme), [{"id": 2, "code": "Q", "name": "Q"}])
        people = [{"id": i, "ref": f"T{i}", "name": f"T{i}", "organisation_id": 1, "status": "active", "email": None} for i in range(1, PEOPLE + 4)]
        c.execute(insert(models.Person), people)
        since = dt.date(2020, 1, 1)
        supervisor_of_q, trainer_of_p = history.get("qualified", (None, 400))
        stages = [(i, 1, "teacher", since) for i in range(1, PEOPLE + 1)] + [
            (SUPERVISOR, 1, "supervisor", since), (TEACHER, 1, "teacher", since),
            (TRAINER, 1, "trainee", since), (TRAINER, 1, "trainer", day(trainer_of_p)),
        ]
        if supervisor_of_q is not None:
            stages.append((1, 2, "supervisor", day(supervisor_of_q)))
        c.execute(insert(models.Stage), [
            {"person_id": p, "programme_id": programme, "stage": stage, "attained_on": on} for p, programme, stage, on in stages
        ])
        cpd = {(p, age, h, *category) for p, age, h, *category in history["cpd"]}
        if cpd:
            c.execute(insert(models.CpdActivity), [
                {"person_id": p, "date": day(age), "hours": h, "category": (category or ["course"])[0], "description": f"{n}"}
                for n, (p, age, h, *category) in enumerate(sorted(cpd, key=str))
            ])
        retreats = {(p, age): (d, *led_by) for p, age, d, *led_by in history["retreats"]}
        if retreats:
            c.execute(insert(models.Retreat), [
                {"person_id": p, "start_on": day(age), "days": d, "led_by": (led_by or [None])[0]}
                for (p, age), (d, *led_by) in retreats.items()
            ])
        training = dict(history.get("training", []))  # one training of TEACHER by each trainer
        if training:
            c.execute(insert(models.Training), [
                {"trainer_id": p, "trainee_id": TEACHER, "programme_id": 1, "stage": "teacher", "trained_on": day(age)}
                for p, age in training.items()
            ])
        sessions = given_sessions(history)
        if sessions:
            c.execute(insert(models.SupervisionSession), [
                {"supervisor_id": by, "supervisee_id": p, "held_on": day(age), "minutes": 60, "kind": kind}
                for by, p, age, kind in sessions
            ])
        assessments = {(p, age, programme) for p, age, programme in history.get("assessments", [])}
        if assessments:
            levels = dict.fromkeys(TAC_DOMAINS, "competent")
            c.execute(insert(models.Assessment), [
                {"person_id": p, "programme_id": programme, "on": day(age), "assessor_id": SUPERVISOR, **levels}
                for p, age, programme in sorted(assessments)
            ])
        if history["courses"]:
            c.execute(insert(models.Course), [
                {"code": f"C{n}", "programme_id": 1, "start_on": day(age), "lead_id": p} for n, (p, age) in enumerate(history["courses"])
            ])


TEACHING_ENDS_WITH_A_SESSION = {
    # A course and a session on the same day: when both leave the window, teaching ends
    # and the requirement falls to 1, which the newer session still meets.
    "cpd": [],
    "retreats": [],
    "sessions": [(1, 100, "individual"), (1, 50, "group")],
    "courses": [(1, 100)],
}
SMALL_POLICY = Policy(cpd_hours=0, retreat_days=0, sessions_when_practising=2, sessions_when_not_practising=1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories(), policy=policies)
@example(history=TEACHING_ENDS_WITH_A_SESSION, policy=SMALL_POLICY)
def test_the_database_and_the_per_person_pass_give_the_same_report(engine, history, policy):
    fill(engine, history)
    with Session(engine) as session:
        in_database = compliance_report(session, as_of=AS_OF, policy=policy)
        per_person = compliance_report(session, as_of=AS_OF, policy=policy, in_database=False)
        assert in_database == per_person
        counted = {row["person"]: row["supervision_sessions"] for row in in_database["people"]}
        assert counted == {f"T{p}": n for p, n in qualifying(history, policy).items()}
        short = {row["person"] for row in in_database["people"] if "assessment" in row["shortfalls"]}
        assert short == {f"T{p}" for p in short_of_assessment(history, policy)}
        for within in (30, 365):
            assert due(session, as_of=AS_OF, within=within, policy=policy) == due(
                session, as_of=AS_OF, within=within, policy=policy, in_database=False
            )


def test_teaching_ending_on_the_day_a_session_leaves_lowers_the_requirement_first(engine):
    fill(engine, TEACHING_ENDS_WITH_A_SESSION)
    with Session(engine) as session:
        report = compliance_report(session, as_of=AS_OF, policy=SMALL_POLICY)
    # The session of age 50 leaves on AS_OF - 50 + 365; until then 1 session meets the
    # requirement of 1 that applies once the course (age 100) has left the window.
    assert report["people"][0]["lapses_on"] == AS_OF + dt.timedelta(days=365 - 50)

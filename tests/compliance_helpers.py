"""Small hand-made histories for the compliance tests, loaded with `mbp-registry import`.

Every test writes the few rows it needs: people, stages, and CPD, retreat, session and
course rows, all dated relative to one fixed as-of day in the past (AS_OF), so that the
expected numbers can be worked out by hand. Organisations and programmes are fixed:

- ORG-A (North), ORG-B (South), ORG-C (North);
- MBCT and MBSR.

A supervisor "SUP" (ORG-A) is always present to give supervision sessions: a supervisor
of MBCT since SUPERVISOR_SINCE, so that their sessions qualify, and on leave from
teaching, so never assessed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session

from mbp_registry.registry.compliance import compliance_report, due
from mbp_registry.registry.policy import load_policy
from mbp_registry.registry.vocab import LEAVING_STATUSES, TAC_DOMAINS
from tests.helpers import csv_of, ok

AS_OF = "2026-06-30"
AS_OF_DATE = dt.date.fromisoformat(AS_OF)

ORGANISATIONS = [("ORG-A", "Org A", "North"), ("ORG-B", "Org B", "South"), ("ORG-C", "Org C", "North")]
PROGRAMMES = [("MBCT", "Mindfulness-Based Cognitive Therapy"), ("MBSR", "Mindfulness-Based Stress Reduction")]
SUPERVISOR_SINCE = "2010-01-01"
# When people made with a leaving status left (after every record the tests give them).
LEFT_ON = "2026-06-01"


def before(days: int, as_of: dt.date = AS_OF_DATE) -> str:
    """The ISO date `days` days before `as_of` (AS_OF by default)."""
    return (as_of - dt.timedelta(days=days)).isoformat()


def plus(day: str, days: int) -> str:
    """The ISO date `days` days after the ISO date `day`."""
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def teacher(ref: str, org: str = "ORG-A", *, status: str = "active", stage: str = "teacher",
            programme: str = "MBCT", attained_on: str = "2020-01-01", name: str | None = None,
            stages: list[tuple[str, str, str]] | None = None) -> dict:
    """One person with one stage, or with `stages`: (programme, stage, attained_on) each."""
    return {"ref": ref, "name": name or f"Name {ref}", "org": org, "status": status,
            "stages": stages if stages is not None else [(programme, stage, attained_on)]}


def load(run, directory: Path, *, people: list[dict], cpd=(), retreats=(), sessions=(), courses=(), training=(),
         assessments=()) -> None:
    """Import a bundle of `people` (made by `teacher`) and their records.

    - cpd: (person, date, hours), or (person, date, hours, category)
    - retreats: (person, start_on, days), or (person, start_on, days, led_by)
    - training: (trainer, trainee, programme, stage, trained_on)
    - sessions: (supervisee, held_on, minutes, kind) given by SUP, or
      (supervisor, supervisee, held_on, minutes, kind)
    - courses: (code, programme, start_on, lead, [co_teachers], supervised)
    - assessments: (person, programme, on) by SUP, or (person, programme, on, assessor),
      `competent` on every MBI:TAC domain
    """
    people_rows = [["SUP", "Sue Pervisor", "ORG-A", "on_leave", ""]]
    stage_rows = [["SUP", "MBCT", "supervisor", SUPERVISOR_SINCE]]
    for p in people:
        people_rows.append([p["ref"], p["name"], p["org"], p["status"], LEFT_ON if p["status"] in LEAVING_STATUSES else ""])
        for programme, stage, attained_on in p["stages"]:
            stage_rows.append([p["ref"], programme, stage, attained_on])
    session_rows = []
    for row in sessions:
        if len(row) == 4:
            row = ("SUP", *row)
        supervisor, supervisee, held_on, minutes, kind = row
        session_rows.append([supervisor, supervisee, held_on, minutes, kind])
    files = {
        "organisations.csv": csv_of([["code", "name", "region"], *ORGANISATIONS]),
        "programmes.csv": csv_of([["code", "name"], *PROGRAMMES]),
        "people.csv": csv_of([["ref", "name", "organisation", "status", "left_on"], *people_rows]),
        "stages.csv": csv_of([["person", "programme", "stage", "attained_on"], *stage_rows]),
        "cpd.csv": csv_of([
            ["person", "date", "hours", "category", "description"],
            *([person, date, hours, (category or ["course"])[0], f"cpd {i}"]
              for i, (person, date, hours, *category) in enumerate(cpd)),
        ]),
        "retreats.csv": csv_of([["person", "start_on", "days", "led_by"],
                                *([*r[:3], r[3] if len(r) > 3 else ""] for r in retreats)]),
        "training.csv": csv_of([["trainer", "trainee", "programme", "stage", "trained_on"], *training]),
        "sessions.csv": csv_of([["supervisor", "supervisee", "held_on", "minutes", "kind"], *session_rows]),
        "courses.csv": csv_of([
            ["code", "programme", "start_on", "lead", "co_teachers", "supervised"],
            *([code, programme, start, lead, ";".join(co), "true" if supervised else "false"]
              for code, programme, start, lead, co, supervised in courses),
        ]),
        "assessments.csv": csv_of([
            ["person", "programme", "on", "assessor", "course", *TAC_DOMAINS],
            *([person, programme, on, (assessor or ["SUP"])[0], "", *["competent"] * len(TAC_DOMAINS)]
              for person, programme, on, *assessor in assessments),
        ]),
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8", newline="")
    ok(run, "import", str(directory))


def baseline(ref: str, *, cpd_on: str = "2026-01-15", retreat_on: str = "2026-02-01",
             sessions_on: tuple[str, ...] = ("2026-03-01",)) -> dict:
    """Records that make a non-teaching person compliant: 30 h CPD, 5 retreat days, and
    one individual session of 60 minutes per date in `sessions_on` (no "sessions" key
    when there are none, so that a test can pass its own)."""
    records = {"cpd": [(ref, cpd_on, 30)], "retreats": [(ref, retreat_on, 5)]}
    if sessions_on:
        records["sessions"] = [(ref, day, 60, "individual") for day in sessions_on]
    return records


def monthly(ref: str, first: str, count: int, minutes: int = 60, kind: str = "individual") -> list[tuple]:
    """`count` sessions for `ref` given by SUP on the same day of `count` successive months
    from the ISO date `first`."""
    day = dt.date.fromisoformat(first)
    rows = []
    for i in range(count):
        month = day.month - 1 + i
        rows.append((ref, dt.date(day.year + month // 12, month % 12 + 1, day.day).isoformat(), minutes, kind))
    return rows


def merge(*parts: dict) -> dict:
    """Concatenate the record lists of several `baseline`-like dicts."""
    merged: dict[str, list] = {}
    for part in parts:
        for key, rows in part.items():
            merged.setdefault(key, []).extend(rows)
    return merged


def compliance(run, *args: str, as_of: str = AS_OF) -> dict:
    """`cpd compliance --as-of AS_OF --format json ARGS`, parsed."""
    return json.loads(ok(run, "cpd", "compliance", "--as-of", as_of, "--format", "json", *args).stdout)


def people_of(run, *args: str, as_of: str = AS_OF) -> list[dict]:
    return compliance(run, *args, as_of=as_of)["people"]


def row(person: str, *, compliant: bool, cpd_hours: float, retreat_days: float, supervision_sessions: int,
        supervision_required: int, teaching: bool, shortfalls: list[str], lapses_on: str | None,
        name: str | None = None, organisation: str = "ORG-A", region: str = "North",
        practising: bool | None = None, practising_as: list[str] = ()) -> dict:
    """The whole expected person object of the compliance report (practising when
    teaching, unless `practising` is given; `practising_as` the reasons)."""
    return {
        "person": person,
        "name": name or f"Name {person}",
        "organisation": organisation,
        "region": region,
        "compliant": compliant,
        "cpd_hours": cpd_hours,
        "retreat_days": retreat_days,
        "supervision_sessions": supervision_sessions,
        "supervision_required": supervision_required,
        "teaching": teaching,
        "practising": teaching if practising is None else practising,
        "shortfalls": shortfalls,
        "lapses_on": lapses_on,
        "practising_as": list(practising_as),
    }


def engines_agree(engine, path: str | None = None, as_of: dt.date = AS_OF_DATE) -> None:
    """The database's closed form and the per-person pass give the same report, and the
    same people due within a year, under the policy file `path` (or the default)."""
    policy = load_policy(path)
    with Session(engine) as session:
        assert compliance_report(session, as_of=as_of, policy=policy) == compliance_report(
            session, as_of=as_of, policy=policy, in_database=False
        )
        assert due(session, as_of=as_of, within=365, policy=policy) == due(
            session, as_of=as_of, within=365, policy=policy, in_database=False
        )


def by_ref(report: dict, *keys: str) -> dict:
    return {p["person"]: tuple(p[k] for k in keys) for p in report["people"]}


def policy_file(tmp_path, text: str) -> str:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)

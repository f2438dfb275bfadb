"""The floor for `cpd compliance`: the same report by one hand-written SQL statement.

Run as a script against a registry database; prints the report as JSON lines
(person, compliant, lapses_on) so the benchmark can check it equals the command's.
Only the standard library and the database driver: no SQLAlchemy, no Click.

The rule is the contract's: only qualifying sessions count (a kind that counts, with a
supervisor who held stage supervisor or higher in some programme that day), and a
person who taught, supervised in a qualifying session or trained someone in the window
is practising and needs 12, until the last of that work leaves the window.

    python benchmarks/floor.py sqlite PATH AS_OF
    python benchmarks/floor.py postgresql CONNINFO AS_OF

With a number of days after AS_OF, it is the floor for `cpd due --within DAYS`: the
same statement, and only the compliant people who lapse within those days, soonest
first (person and lapses_on).
"""

from __future__ import annotations

import datetime as dt
import json
import sys

WINDOW = 365
CPD, RETREAT, PRACTISING, NOT_PRACTISING = 3000, 50, 12, 1  # hundredths of hours, tenths of days, sessions

SQL = """
WITH qualified AS (
  SELECT person_id, MIN(attained_on) AS since FROM stages
  WHERE stage IN ('supervisor', 'trainer', 'trainer_of_trainers') GROUP BY person_id
),
counted AS (
  SELECT s.supervisor_id, s.supervisee_id, s.held_on FROM supervision_sessions s
  JOIN qualified q ON q.person_id = s.supervisor_id AND s.held_on >= q.since
  WHERE s.held_on > {start} AND s.held_on <= {as_of} AND s.kind IN ('individual', 'group')
),
assessed AS (
  SELECT p.id, p.ref FROM people p
  WHERE p.status = 'active' AND EXISTS (
    SELECT 1 FROM stages s WHERE s.person_id = p.id AND s.attained_on <= {as_of}
      AND s.stage IN ('teacher', 'supervisor', 'trainer', 'trainer_of_trainers'))
),
cpd AS (
  SELECT person_id, SUM(a) AS total, MIN(CASE WHEN newer < {cpd} THEN day END) AS binding,
         MAX(CASE WHEN newer < {cpd} THEN newer END) AS left_then
  FROM (SELECT person_id, day, a, SUM(a) OVER (PARTITION BY person_id ORDER BY day DESC ROWS UNBOUNDED PRECEDING) - a AS newer
        FROM (SELECT person_id, {day_date} AS day, SUM(CAST(ROUND(hours * 100) AS INTEGER)) AS a
              FROM cpd_activities WHERE date > {start} AND date <= {as_of} GROUP BY person_id, date) d) r
  GROUP BY person_id
),
retreat AS (
  SELECT person_id, SUM(a) AS total, MIN(CASE WHEN newer < {retreat} THEN day END) AS binding
  FROM (SELECT person_id, day, a, SUM(a) OVER (PARTITION BY person_id ORDER BY day DESC ROWS UNBOUNDED PRECEDING) - a AS newer
        FROM (SELECT person_id, {day_start} AS day, SUM(CAST(ROUND(days * 10) AS INTEGER)) AS a
              FROM retreats WHERE start_on > {start} AND start_on <= {as_of} GROUP BY person_id, start_on) d) r
  GROUP BY person_id
),
supervision AS (
  SELECT person_id, SUM(a) AS total,
         MIN(CASE WHEN newer < {practising} THEN day END) AS binding_practising,
         MIN(CASE WHEN newer < {not_practising} THEN day END) AS binding_other
  FROM (SELECT person_id, day, a, SUM(a) OVER (PARTITION BY person_id ORDER BY day DESC ROWS UNBOUNDED PRECEDING) - a AS newer
        FROM (SELECT supervisee_id AS person_id, {day_held} AS day, COUNT(*) AS a
              FROM counted GROUP BY supervisee_id, held_on) d) r
  GROUP BY person_id
),
practice AS (
  SELECT person_id, MAX(day) AS last_day FROM (
    SELECT lead_id AS person_id, {day_course} AS day FROM courses WHERE start_on > {start} AND start_on <= {as_of}
    UNION ALL SELECT cc.person_id, {day_course_c} FROM course_co_teachers cc JOIN courses c ON c.id = cc.course_id
      WHERE c.start_on > {start} AND c.start_on <= {as_of}
    UNION ALL SELECT supervisor_id, {day_held} FROM counted
    UNION ALL SELECT trainer_id, {day_trained} FROM training WHERE trained_on > {start} AND trained_on <= {as_of}) t
  GROUP BY person_id
),
supervisees AS (
  SELECT supervisor_id AS person_id, COUNT(DISTINCT supervisee_id) AS n FROM counted GROUP BY supervisor_id
)
SELECT a.ref, COALESCE(c.total, 0), COALESCE(r.total, 0), COALESCE(s.total, 0), t.last_day,
       c.binding, r.binding, s.binding_practising, s.binding_other, n.n
FROM assessed a
LEFT JOIN supervisees n ON n.person_id = a.id
LEFT JOIN cpd c ON c.person_id = a.id
LEFT JOIN retreat r ON r.person_id = a.id
LEFT JOIN supervision s ON s.person_id = a.id
LEFT JOIN practice t ON t.person_id = a.id
ORDER BY a.ref
"""


# Why a person is practising, in the report's words: courses and trainees in the window.
WORK_SQL = """
SELECT p.ref, 'teaching', g.code, c.code FROM (
    SELECT lead_id AS person_id, id AS course_id FROM courses
    UNION ALL SELECT person_id, course_id FROM course_co_teachers) t
  JOIN courses c ON c.id = t.course_id JOIN programmes g ON g.id = c.programme_id JOIN people p ON p.id = t.person_id
  WHERE c.start_on > {start} AND c.start_on <= {as_of}
UNION ALL
SELECT p.ref, 'training', NULL, e.ref FROM training x JOIN people p ON p.id = x.trainer_id JOIN people e ON e.id = x.trainee_id
  WHERE x.trained_on > {start} AND x.trained_on <= {as_of}
"""


def listed(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown if len(names) <= 3 else f"{shown} and {len(names) - 3} more"


def phrases(work: dict, supervisees) -> list[str]:
    said = []
    if "teaching" in work:
        said.append("taught " + " and ".join(
            f"{code} course{'s' if len(named) > 1 else ''} {listed(named)}" for code, named in work["teaching"].items()))
    if supervisees:
        said.append(f"supervises {supervisees} {'person' if supervisees == 1 else 'people'}")
    if "training" in work:
        said.append(f"trained {listed(list(dict.fromkeys(work['training'])))}")
    return said


def work_of(connection, sql: str) -> dict:
    work: dict = {}
    for ref, kind, programme, name in connection.execute(sql).fetchall():
        entry = work.setdefault(ref, {})
        if kind == "teaching":
            entry.setdefault("teaching", {}).setdefault(programme, []).append(name)
        else:
            entry.setdefault("training", []).append(name)
    return work


def day_sql(backend: str, column: str) -> str:
    if backend == "sqlite":
        return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"
    return f"({column} - DATE '0001-01-01' + 1)"


def report(rows, work: dict) -> list[dict]:
    result = []
    for ref, cpd, retreat, sessions, last_day, cpd_b, retreat_b, teach_b, other_b, supervisees in rows:
        practising = last_day is not None
        required = PRACTISING if practising else NOT_PRACTISING
        compliant = cpd >= CPD and retreat >= RETREAT and sessions >= required
        lapses = None
        if compliant:
            days = [b + WINDOW for b in (cpd_b, retreat_b) if b is not None]
            if practising and teach_b is not None and teach_b + WINDOW < last_day + WINDOW:
                days.append(teach_b + WINDOW)
            elif other_b is not None:
                days.append(other_b + WINDOW)
            lapses = dt.date.fromordinal(min(days)).isoformat() if days else None
        said = phrases(work.get(ref, {}), supervisees) if practising else []
        result.append({"person": ref, "compliant": compliant, "lapses_on": lapses, "practising": practising,
                       "practising_as": said})
    return result


def due(people: list[dict], as_of: dt.date, within: int) -> list[dict]:
    """Who lapses within `within` days of `as_of`, soonest first (then by person)."""
    last = (as_of + dt.timedelta(days=within)).isoformat()
    lapsing = [p for p in people if p["compliant"] and p["lapses_on"] is not None and p["lapses_on"] <= last]
    return [{"person": p["person"], "lapses_on": p["lapses_on"]} for p in sorted(lapsing, key=lambda p: (p["lapses_on"], p["person"]))]


def main(backend: str, target: str, as_of_text: str, within: str | None = None) -> None:
    as_of = dt.date.fromisoformat(as_of_text)
    start = as_of - dt.timedelta(days=WINDOW)
    literal = "'{}'" if backend == "sqlite" else "DATE '{}'"
    sql = SQL.format(
        as_of=literal.format(as_of),
        start=literal.format(start),
        cpd=CPD,
        retreat=RETREAT,
        practising=PRACTISING,
        not_practising=NOT_PRACTISING,
        day_date=day_sql(backend, "date"),
        day_start=day_sql(backend, "start_on"),
        day_held=day_sql(backend, "held_on"),
        day_course=day_sql(backend, "start_on"),
        day_course_c=day_sql(backend, "c.start_on"),
        day_trained=day_sql(backend, "trained_on"),
    )
    if backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(target)
    else:
        import psycopg

        connection = psycopg.connect(target)
    rows = connection.execute(sql).fetchall()
    literal_as_of, literal_start = literal.format(as_of), literal.format(start)
    work = work_of(connection, WORK_SQL.format(as_of=literal_as_of, start=literal_start) + "ORDER BY 1, 2, 3, 4")
    people = report(rows, work)
    for row in people if within is None else due(people, as_of, int(within)):
        print(json.dumps(row))


if __name__ == "__main__":
    main(*sys.argv[1:5])

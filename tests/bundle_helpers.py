"""Shared helpers for the bundle import/export tests: a small valid bundle, CSV edits, table contents."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, select

from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.models import Base
from tests.helpers import csv_of

# The order files are read and errors are listed in.
BUNDLE_ORDER = [record_type.file for record_type in rt.ALL]

# A small valid bundle of five people touching every file and rule. Every date is
# well in the past. It is written in the exporter's form (rows sorted by key,
# numbers without trailing zeros), so an export of it gives the same text.
SMALL = {
    "organisations.csv": """\
code,name,region
ORG-A,Org A,North
ORG-B,Org B,South
""",
    "programmes.csv": """\
code,name
MBCT,Mindfulness-Based Cognitive Therapy
MBSR,Mindfulness-Based Stress Reduction
""",
    "people.csv": """\
ref,name,email,organisation,status,joined_on,left_on,planned_leaving_on
P1,Ann Trainer,ann@example.org,ORG-A,active,2008-01-01,,2030-06-30
P2,Ben Supervisor,ben@example.org,ORG-A,active,2012-01-01,,
P3,Cat Teacher,cat@example.org,ORG-B,active,2015-01-01,,
P4,Dan Trainee,,ORG-B,on_leave,2020-01-01,,
P5,Eve Left,eve@example.org,ORG-A,left,2011-01-01,2019-12-31,
""",
    "stages.csv": """\
person,programme,stage,attained_on,assessed_by,tac_level
P1,MBCT,teacher,2008-01-01,,
P1,MBCT,trainer,2010-01-01,,advanced
P2,MBCT,supervisor,2014-01-01,P1,proficient
P2,MBCT,teacher,2012-06-01,P1,competent
P3,MBCT,teacher,2016-01-01,P1,competent
P4,MBCT,trainee,2020-02-01,,
""",
    "training.csv": """\
trainer,trainee,programme,stage,trained_on
P1,P2,MBCT,teacher,2012-03-01
P1,P3,MBCT,teacher,2015-09-01
P1,P4,MBCT,trainee,2020-01-15
""",
    "supervision.csv": """\
supervisor,supervisee,programme,started_on,ended_on
P2,P3,MBCT,2016-02-01,
P2,P4,MBCT,2020-03-01,2021-03-01
""",
    "sessions.csv": """\
supervisor,supervisee,held_on,minutes,kind,mode,programme,notes
P2,P3,2025-01-10,60,individual,video,MBCT,
P2,P3,2025-03-10,90,group,in_person,MBCT,Discussed inquiry
P2,P4,2020-04-01,45,individual,phone,,
""",
    "cpd.csv": """\
person,date,hours,category,description
P2,2025-06-01,12,conference,UK network conference
P3,2025-02-01,6,workshop,Compassion workshop
P3,2025-05-01,2.5,reading,
""",
    "retreats.csv": """\
person,start_on,days,led_by,residential,online
P2,2024-09-01,7.5,,false,true
P3,2025-04-01,5,Anna Lindqvist,true,false
""",
    "courses.csv": """\
code,programme,start_on,lead,co_teachers,participants,supervised,setting,completed
C-2025-01,MBCT,2025-01-13,P3,P2,12,true,primary care,
C-2025-02,MBCT,2025-04-14,P2,P3;P4,10,false,,8
""",
    "nominations.csv": """\
person,programme,region,role,readiness,emergency,nominated_on
P2,MBCT,North,trainer,1_2_years,true,2025-06-02
P3,MBCT,South,supervisor,ready_now,false,2025-06-02
""",
    "status_history.csv": """\
person,on,status,organisation
P1,2008-01-01,active,ORG-A
P2,2012-01-01,active,ORG-A
P3,2015-01-01,active,ORG-A
P3,2018-01-01,active,ORG-B
P4,2020-01-01,active,ORG-B
P4,2021-03-02,on_leave,ORG-B
P5,2011-01-01,active,ORG-A
P5,2019-12-31,left,ORG-A
""",
    "assessments.csv": """\
person,programme,on,assessor,course,coverage,relational,embodiment,guiding,inquiry,holding
P3,MBCT,2025-02-20,P2,C-2025-01,competent,proficient,competent,competent,advanced_beginner,competent
P3,MBCT,2025-05-20,P1,,proficient,proficient,competent,proficient,competent,competent
""",
    "course_outcomes.csv": """\
course,measure,before,after,measured
C-2025-02,PHQ-9,12.4,7.9,7
C-2025-02,WEMWBS,43.5,48,8
""",
}

# The rows each file of SMALL adds to its table (course_co_teachers: 3).
SMALL_ROWS = {name: content.count("\n") - 1 for name, content in SMALL.items()}


def write_bundle(directory: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (name -> text or bytes) into a new folder `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return directory


def read_bundle(directory: Path) -> dict[str, str]:
    """Every file of a folder as text, by name, but an export's manifest.json (its
    checksums are tested on their own)."""
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(directory.iterdir())
        if path.name != "manifest.json"
    }


def replace_once(content: str, old: str, new: str) -> str:
    """`content` with the one occurrence of `old` replaced (fails when not exactly one)."""
    assert content.count(old) == 1, f"{old!r} occurs {content.count(old)} times"
    return content.replace(old, new)


def rows_of(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content, newline="")))


def map_rows(content: str, change: Callable[[list[str]], list[str]]) -> str:
    """The CSV text with `change` applied to every row, the header included."""
    return csv_of([change(row) for row in rows_of(content)])


def drop_column(content: str, name: str) -> str:
    index = rows_of(content)[0].index(name)
    return map_rows(content, lambda row: row[:index] + row[index + 1 :])


def blank_column(content: str, name: str) -> str:
    """The CSV text with every cell of column `name` emptied (the header kept)."""
    index = rows_of(content)[0].index(name)
    rows = rows_of(content)
    return csv_of([rows[0]] + [row[:index] + [""] + row[index + 1 :] for row in rows[1:]])


def table_contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every registry table except the audit log, ids left out, sorted."""
    contents = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            rows = connection.execute(select(table)).mappings().all()
            contents[table.name] = sorted(
                tuple(sorted((k, repr(v)) for k, v in row.items() if k != "id")) for row in rows
            )
    return contents


def truncate_all(engine: Engine) -> None:
    """Empty every registry table, the audit log included (a fresh registry on any backend).

    DELETE in dependency order rather than TRUNCATE: on PostgreSQL it is much faster for
    the few rows these tests hold, and ids need not restart.
    """
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def import_counts(result) -> dict[str, dict[str, int]]:
    """The JSON output of `import --format json` as {file: {added, updated, unchanged}}."""
    return {row["file"]: {k: row[k] for k in ("added", "updated", "unchanged")} for row in json.loads(result.stdout)}

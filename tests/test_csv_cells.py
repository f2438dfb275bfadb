"""Every CSV the commands print protects cells a spreadsheet would run as a formula, as
the bundle export does (fields.neutralise_formula): a leading `'` on text starting with
`=`, `+`, `-`, `@`, a tab or a carriage return, a list's cell included; numbers stay numbers.

References start with a letter or a digit, so such text reaches a list only through a
change made around the registry (here raw SQL, as a hostile login with psql could).
"""

from __future__ import annotations

import csv
import io

from mbp_registry.cli.output import csv_text
from tests.helpers import build_service, ok
from tests.test_damaged_data import raw_sql

FORMULA = "=cmd|' /C calc'!A0"


def _column(stdout: str, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(stdout))]


def test_course_list_protects_a_co_teacher_list_whose_first_ref_is_a_formula(run, engine):
    build_service(run, engine)
    ok(run, "course", "add", "C1", "--programme", "MBCT", "--start-on", "2024-02-01", "--lead", "S01", "--co-teacher", "T001")
    raw_sql(
        engine,
        f"INSERT INTO people (ref, name, organisation_id, status) SELECT '{FORMULA.replace(chr(39), chr(39) * 2)}', 'X', organisation_id, 'active' "
        "FROM people WHERE ref = 'T001'",
        "INSERT INTO course_co_teachers (course_id, person_id) SELECT courses.id, people.id FROM courses, people "
        f"WHERE courses.code = 'C1' AND people.ref = '{FORMULA.replace(chr(39), chr(39) * 2)}'",
    )
    listed = ok(run, "course", "list", "--format", "csv").stdout
    assert _column(listed, "co_teachers") == [f"'{FORMULA}; T001"]
    assert _column(listed, "lead") == ["S01"]


def test_person_list_protects_a_stages_cell_starting_with_plus(run, engine):
    build_service(run, engine)
    raw_sql(
        engine,
        "INSERT INTO programmes (code, name) VALUES ('+SUM(A1)', 'Formula')",
        "INSERT INTO stages (person_id, programme_id, stage, attained_on) SELECT people.id, programmes.id, 'teacher', "
        "'2020-01-01' FROM people, programmes WHERE people.ref = 'T003' AND programmes.code = '+SUM(A1)'",
    )
    listed = ok(run, "person", "list", "--format", "csv").stdout
    stages = dict(zip(_column(listed, "ref"), _column(listed, "stages")))
    assert stages["T003"] == "'+SUM(A1) teacher; MBSR teacher"
    assert stages["T001"] == "MBCT teacher"


def test_text_is_protected_and_numbers_are_not():
    rows = [{"text": "-1", "number": -2.5, "whole": -3, "tab": "\tx", "at": "@x", "list": ["-P9", "P1"], "plain": "P1; -P9"}]
    keys = list(rows[0])
    (header, cells) = list(csv.reader(io.StringIO(csv_text(rows, keys))))
    assert header == keys
    assert cells == ["'-1", "-2.5", "-3", "'\tx", "'@x", "'-P9; P1", "P1; -P9"]
    assert csv_text([{"cr": "\rx"}], ["cr"]) == "cr\n'\rx"

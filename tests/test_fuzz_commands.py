"""Property: a command given hostile values either writes exactly what it was asked to
(one row, or one per supervisee, and its audit entry) or is refused with one clear
`Error:` line and nothing written; never a traceback.

The values mix plausible ones with huge and negative numbers, zero durations, far-past
and future dates, empty and very long text, control characters, bytes that were not
UTF-8, SQL and spreadsheet-formula injection, and unknown choices. The importer meets
the same kinds of value in tests/test_bundle_fuzz.py.

Each test keeps one database for all its examples and compares row counts before and
after each command.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mbp_registry.registry.fields import FORMULA_STARTS
from mbp_registry.registry.models import CpdActivity, Organisation, Person, Retreat, SupervisionSession
from tests.helpers import built_once, ok, table_counts

TODAY = dt.date.today()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
PEOPLE = ["P1", "P2", "P3", "P4"]

HOSTILE_TEXT = [
    "", " ", "\t", "x" * 201, "x" * 501, "n" * 10_001, "y" * 100_000,
    "\x00", "a\x01b", "\x1b[31mred\x1b[0m", "two\nlines", "cr\rhere", "\u202eevil", "é", "漢字", "🙂", "\udcff", "a\udcffb",
    "'; DROP TABLE people; --", "Robert'); DROP TABLE audit_log;--", "1 OR 1=1", '" OR ""="', "%s%s%n", "{0}", "NULL",
    "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)", '=HYPERLINK("http://x")', "'=1+1", "'",
    "P1;P2", "P1,P2", "P1 ", " P1", "-x",
]  # fmt: skip
HOSTILE_NUMBERS = [
    "0", "-0", "-1", "-0.5", "0.001", "0.25", "1e3", "1e308", "1e999999", "-1e-999999", "NaN", "inf", "-inf",
    "99999999999999999999", "0x10", "1_000", " 5 ", "5.", ".5", "٣", "²", "1,5", "+5", "--5", "", "600", "601",
    "100", "100.01", "60", "60.5", "61", "1.25", "2.5", "=1+1", "\x00",
]  # fmt: skip
HOSTILE_DATES = [
    "0001-01-01", "1000-01-01", "1900-02-29", "2000-02-29", "2024-02-30", "2025-13-01", "9999-12-31", TOMORROW,
    "3000-01-01", "today", "", "2024-1-1", "2024/01/01", "01/02/2024", "2024-01-01T00:00", "2025-W02-5",
    "+2024-01-01", " 2024-01-01 ", "20240101", "-2024-01-01", "2024-01-01\x00",
]  # fmt: skip

def mostly(valid, hostile):
    """Three in four draws valid, so that writes are tried as often as refusals."""
    return st.integers(0, 3).flatmap(lambda i: valid if i < 3 else hostile)


hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
plain_text = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P", "S")), min_size=1, max_size=60)
past_date = st.dates(min_value=dt.date(1980, 1, 1), max_value=TODAY).map(dt.date.isoformat)
date_value = mostly(past_date, st.sampled_from(HOSTILE_DATES))
person_ref = mostly(st.sampled_from(PEOPLE), st.one_of(st.sampled_from(["NOPE", "p1", "", " P1 "]), hostile_text))


def maybe(strategy):
    """An option left out (None) or given."""
    return st.one_of(st.none(), strategy)


def option_args(options: dict) -> list[str]:
    args = []
    for name, value in options.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            args += [name, item]
    return args


def stored_text(raw: str | None) -> str | None:
    """What the registry keeps of a text value: stripped, an export's formula guard removed."""
    if raw is None:
        return None
    value = raw.strip()
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        value = value[1:]
    return value or None


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def service(run, engine):
    """One organisation, one programme and four people; P1 a supervisor."""

    def build() -> None:
        for args in [
            ("org", "add", "ORG", "--name", "Org", "--region", "North"),
            ("programme", "add", "MBCT", "--name", "MBCT"),
            *[("person", "add", ref, "--name", f"Person {ref}", "--org", "ORG", "--joined-on", "1970-01-01") for ref in PEOPLE],
            ("stage", "add", "--person", "P1", "--programme", "MBCT", "--stage", "supervisor", "--on", "1975-01-01"),
        ]:
            ok(run, *args)

    built_once("fuzzed service", engine, build)
    return run


def run_checked(run, engine, args: list[str], *, table: str, rows: int = 1):
    """Run a command; check it either wrote `rows` rows (and as many audit entries) or
    was refused cleanly with nothing written. Returns the result."""
    before = table_counts(engine)
    result = run(*args)
    shown = f"{args!r}\nexit {result.exit_code}\n{result.output[-2000:]}"
    assert "Traceback" not in result.output, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), f"{result.exception!r}: {shown}"
    after = table_counts(engine)
    if result.exit_code == 0:
        assert all(line.startswith("Warning: ") for line in result.stderr.splitlines()), shown
        assert result.stdout.startswith(("Added ", "Logged ")), shown
        expected = {**before, table: before[table] + rows, "audit_log": before["audit_log"] + rows}
        if table == "people":  # a person added starts their status history
            expected["status_history"] = before["status_history"] + rows
        assert after == expected, shown
        return result
    assert result.exit_code in (1, 2), shown
    assert result.stdout == "", shown
    lines = result.stderr.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("Error: "), shown  # one clear line
    if result.exit_code == 2:
        assert lines[0].endswith(" (see --help)"), shown  # Click's own usage errors too
    assert after == before, shown
    return result


def newest(engine, model):
    with engine.connect() as connection:
        return connection.execute(select(model).order_by(model.id.desc()).limit(1)).mappings().one()


def ref_of(engine, person_id: int) -> str:
    with engine.connect() as connection:
        return connection.execute(select(Person.ref).where(Person.id == person_id)).scalar_one()


@given(
    person=person_ref,
    date=date_value,
    hours=mostly(st.decimals(min_value="0.25", max_value="100", places=2).map(str), st.sampled_from(HOSTILE_NUMBERS)),
    category=mostly(st.sampled_from(["course", "workshop", "reading", "other"]), st.sampled_from(["", "READING", "nap", "reading "])),
    description=maybe(mostly(plain_text, hostile_text)),
)
@FUZZ
def test_cpd_log_writes_what_it_is_given_or_refuses_cleanly(service, engine, person, date, hours, category, description):
    args = ["cpd", "log", *option_args({"--person": person, "--date": date, "--hours": hours, "--category": category, "--description": description})]
    result = run_checked(service, engine, args, table="cpd_activities")
    if result.exit_code == 0:
        row = newest(engine, CpdActivity)
        assert ref_of(engine, row["person_id"]) == person.strip()
        assert row["date"] == dt.date.fromisoformat(date.strip())
        assert Decimal(str(row["hours"])) == Decimal(hours.strip())
        assert 0 < row["hours"] <= 100
        assert row["category"] == category.lower()  # a choice is taken in any case
        assert row["description"] == (stored_text(description) or "")


@given(
    person=person_ref,
    start=date_value,
    days=mostly(st.integers(1, 120).map(lambda n: str(n / 2)), st.sampled_from(HOSTILE_NUMBERS)),
    led_by=maybe(mostly(plain_text, hostile_text)),
    residential=st.sampled_from([None, "--residential", "--not-residential"]),
    online=st.sampled_from([None, "--online", "--in-person"]),
)
@FUZZ
def test_retreat_log_writes_what_it_is_given_or_refuses_cleanly(service, engine, person, start, days, led_by, residential, online):
    flags = [flag for flag in (residential, online) if flag]
    args = ["retreat", "log", *option_args({"--person": person, "--start": start, "--days": days, "--led-by": led_by}), *flags]
    result = run_checked(service, engine, args, table="retreats")
    if result.exit_code == 0:
        row = newest(engine, Retreat)
        assert ref_of(engine, row["person_id"]) == person.strip()
        assert row["start_on"] == dt.date.fromisoformat(start.strip())
        assert Decimal(str(row["days"])) == Decimal(days.strip()) and 0 < row["days"] <= 60
        assert row["led_by"] == stored_text(led_by)
        assert row["residential"] == {None: None, "--residential": True, "--not-residential": False}[residential]
        assert row["online"] == {None: None, "--online": True, "--in-person": False}[online]


@given(
    supervisor=mostly(st.just("P1"), person_ref),
    supervisees=mostly(
        st.lists(st.sampled_from(PEOPLE[1:]), min_size=1, max_size=3, unique=True),
        st.lists(person_ref, min_size=1, max_size=3),
    ),
    date=date_value,
    minutes=mostly(st.integers(1, 600).map(str), st.sampled_from(HOSTILE_NUMBERS)),
    kind=mostly(st.sampled_from(["group", "peer", "individual"]), st.sampled_from(["Group", "", "solo", "individual "])),
    mode=maybe(mostly(st.sampled_from(["in_person", "video", "phone"]), st.sampled_from(["fax", ""]))),
    programme=maybe(mostly(st.just("MBCT"), st.sampled_from(["MBSR", "", "MBCT;MBSR"]))),
    notes=maybe(mostly(plain_text, hostile_text)),
)
@FUZZ
def test_supervision_log_writes_a_row_per_supervisee_or_refuses_cleanly(
    service, engine, supervisor, supervisees, date, minutes, kind, mode, programme, notes
):
    options = {
        "--supervisor": supervisor, "--supervisee": supervisees, "--date": date, "--minutes": minutes,
        "--kind": kind, "--mode": mode, "--programme": programme, "--notes": notes,
    }  # fmt: skip
    args = ["supervision", "log", *option_args(options)]
    result = run_checked(service, engine, args, table="supervision_sessions", rows=len(supervisees))
    if result.exit_code == 0:
        with engine.connect() as connection:
            rows = connection.execute(
                select(SupervisionSession).order_by(SupervisionSession.id.desc()).limit(len(supervisees))
            ).mappings().all()
        assert sorted(ref_of(engine, row["supervisee_id"]) for row in rows) == sorted(s.strip() for s in supervisees)
        for row in rows:
            assert ref_of(engine, row["supervisor_id"]) == supervisor.strip()
            assert row["held_on"] == dt.date.fromisoformat(date.strip())
            assert row["minutes"] == int(minutes) and 1 <= row["minutes"] <= 600
            assert (row["kind"], row["mode"]) == (kind.lower(), mode or None)
            assert row["notes"] == stored_text(notes)


@given(
    ref=mostly(st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=12), hostile_text),
    name=mostly(plain_text, hostile_text),
    organisation=mostly(st.just("ORG"), st.sampled_from(["NOPE", "", "org", "ORG;ORG"])),
    email=maybe(mostly(st.emails().map(str), st.one_of(st.sampled_from(["no-at-sign", "a b@c.d", "@", "x@" + "y" * 300]), hostile_text))),
    status=maybe(mostly(st.sampled_from(["active", "on_leave", "left", "retired"]), st.sampled_from(["gone", ""]))),
    joined_on=maybe(date_value),
    planned_leaving_on=maybe(st.one_of(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)).map(dt.date.isoformat), st.sampled_from(HOSTILE_DATES))),
)
@FUZZ
def test_person_add_writes_what_it_is_given_or_refuses_cleanly(
    service, engine, ref, name, organisation, email, status, joined_on, planned_leaving_on
):
    options = {
        "--name": name, "--org": organisation, "--email": email, "--status": status,
        "--joined-on": joined_on, "--planned-leaving-on": planned_leaving_on,
    }  # fmt: skip
    args = ["person", "add", ref, *option_args(options)]
    if ref.startswith("-"):
        args = ["person", "add", *option_args(options), "--", ref]
    result = run_checked(service, engine, args, table="people")
    if result.exit_code == 0:
        row = newest(engine, Person)
        assert (row["ref"], row["name"], row["email"]) == (stored_text(ref), stored_text(name), stored_text(email))
        assert row["status"] == (status or "active")
        assert row["joined_on"] == (dt.date.fromisoformat(joined_on.strip()) if stored_text(joined_on) else None)


@given(
    code=mostly(st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=12), hostile_text),
    name=mostly(plain_text, hostile_text),
    region=mostly(st.sampled_from(["North", "South"]), hostile_text),
)
@FUZZ
def test_org_add_writes_what_it_is_given_or_refuses_cleanly(service, engine, code, name, region):
    args = ["org", "add", "--name", name, "--region", region, "--", code]
    result = run_checked(service, engine, args, table="organisations")
    if result.exit_code == 0:
        row = newest(engine, Organisation)
        assert (row["code"], row["name"], row["region"]) == (stored_text(code), stored_text(name), stored_text(region))


# --- exports neutralise cells a spreadsheet would run as formulas


def _csv_cells(text: str, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(text))]


def test_a_description_starting_with_equals_is_exported_as_a_quoted_cell(service, engine, tmp_path):
    formula = "=cmd|' /C calc'!A0"
    run_checked(service, engine, ["cpd", "log", "--person", "P2", "--date", "2024-01-02", "--hours", "1",
                                  "--category", "other", "--description", formula], table="cpd_activities")  # fmt: skip
    listed = service("cpd", "list", "--format", "csv")
    assert listed.exit_code == 0
    assert _csv_cells(listed.stdout, "description") == ["'" + formula]
    exported = service("export", str(tmp_path / "bundle"))
    assert exported.exit_code == 0, exported.output
    assert _csv_cells((tmp_path / "bundle" / "cpd.csv").read_text(), "description") == ["'" + formula]
    # The guard is taken off again on import: the same bundle changes nothing.
    before = table_counts(engine)
    again = service("import", str(tmp_path / "bundle"), "--format", "json")
    assert again.exit_code == 0, again.output
    assert all(row["added"] == row["updated"] == 0 for row in json.loads(again.stdout))
    assert {k: v for k, v in table_counts(engine).items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    with engine.connect() as connection:
        assert connection.execute(select(CpdActivity.description)).scalar_one() == formula


@given(
    start=st.sampled_from(FORMULA_STARTS),
    rest=st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S")), max_size=30),
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_text_a_spreadsheet_would_run_is_listed_with_a_leading_apostrophe(service, engine, start, rest):
    led_by = start + rest
    with engine.connect() as connection:
        n = connection.execute(select(func.count()).select_from(Retreat)).scalar_one()
    day = (TODAY - dt.timedelta(days=1 + n)).isoformat()
    run_checked(service, engine, ["retreat", "log", "--person", "P3", "--start", day, "--days", "1", "--led-by", led_by], table="retreats")
    listed = service("retreat", "list", "--person", "P3", "--from", day, "--to", day, "--format", "csv")
    assert listed.exit_code == 0
    assert _csv_cells(listed.stdout, "led_by") == ["'" + led_by.strip()]


# --- reports and lists: any filter value or date answers, or is refused in one line

# Each read command with the filter options it takes.
READERS = [
    (("cpd", "compliance"), ("--region", "--org", "--programme", "--as-of")),
    (("cpd", "due"), ("--region", "--org", "--programme", "--as-of")),
    (("cpd", "summary"), ("--region", "--org", "--programme", "--as-of")),
    (("cpd", "list"), ("--person", "--region", "--org", "--programme", "--from", "--to")),
    (("person", "list"), ("--region", "--org", "--programme", "--status", "--stage")),
    (("supervision", "sessions"), ("--person", "--region", "--programme", "--from", "--to")),
    (("supervision", "links"), ("--person", "--region", "--org", "--programme")),
    (("audit", "list"), ("--person", "--from", "--to")),
    (("org", "list"), ("--region",)),
    (("succession", "nominations"), ("--region", "--programme")),
    (("succession", "report"), ("--as-of",)),
    (("listing", "check"), ("--as-of",)),
    (("lineage", "export"), ("--programme", "--as-of")),
]  # fmt: skip
filter_value = st.one_of(
    st.sampled_from(["North", "north", "NORTH ", "Nrth", "ORG", "org", "MBCT", "mbct", "P1", "p1", "teacher", "Active", "left"]),
    hostile_text,
    st.sampled_from(HOSTILE_DATES),
    past_date,
)


@given(
    reader=st.sampled_from(READERS),
    picks=st.lists(st.tuples(st.integers(0, 5), filter_value), min_size=1, max_size=3),
    fmt=st.sampled_from(["table", "csv", "json", "JSON"]),
)
@FUZZ
def test_a_report_or_list_answers_or_refuses_any_filter_in_one_line(service, engine, reader, picks, fmt):
    command, options = reader
    args = [*command]
    for index, value in picks:
        args += [options[index % len(options)], value]
    if command not in (("succession", "report"),):
        args += ["--format", fmt]
    before = table_counts(engine)
    result = service(*args)
    shown = f"{args!r}\nexit {result.exit_code}\n{result.output[-2000:]}"
    assert "Traceback" not in result.output, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), f"{result.exception!r}: {shown}"
    assert table_counts(engine) == before, shown
    if result.exit_code == 0:
        assert result.stderr == "", shown
        assert result.stdout.strip(), shown  # an answer, in words when nobody matches
        return
    lines = result.stderr.rstrip("\n").split("\n")
    assert result.exit_code in (1, 2) and len(lines) == 1 and lines[0].startswith("Error: "), shown
    assert result.stdout == "", shown


# --- hostile values that once crashed a command or slipped through, tried every run


@pytest.mark.parametrize(
    "args, table, error",
    [
        (["org", "add", "\udcff", "--name", "x", "--region", "North"], "organisations", "code: '\\udcff' is not UTF-8 text"),
        (["org", "add", "C1", "--name", "a\x9b31mb", "--region", "North"], "organisations", "name: 'a\\x9b31mb' contains control characters"),
        (["org", "add", "C2", "--name", "x", "--region", "Nor\x85th"], "organisations", "region: 'Nor\\x85th' contains control characters"),
        (["cpd", "log", "--person", "P1", "--date", "2024-01-01", "--hours", "1", "--category", "other", "--description", "b\udcffad"],
         "cpd_activities", "description: 'b\\udcffad' is not UTF-8 text"),
        (["--actor", "\udcff", "org", "add", "C3", "--name", "x", "--region", "North"], "organisations", "actor: '\\udcff' is not UTF-8 text"),
        (["--actor", "forged\n2026-01-01 admin", "org", "add", "C4", "--name", "x", "--region", "North"], "organisations",
         "actor: 'forged\\n2026-01-01 admin' is not a single line"),
        (["--actor", "a" * 101, "org", "add", "C5", "--name", "x", "--region", "North"], "organisations",
         "actor: text of 101 characters is longer than 100"),
    ],
)  # fmt: skip
def test_values_that_are_not_text_are_refused_in_one_line(service, engine, args, table, error):
    result = run_checked(service, engine, args, table=table)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {error}\n"


def test_a_database_file_name_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "\udcff.db"), "db", "info"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("Error: not a database URL or file name: ")
    assert len(result.stderr.splitlines()) == 1

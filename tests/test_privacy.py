"""Personal data: `person export-data` gives everything held about one person, and
`person erase` removes what identifies them while the counts reports need stay true.
Both leave an audit entry."""

from __future__ import annotations

import csv
import json
import os
import stat

import pytest
from sqlalchemy import select

from mbp_registry.registry.demo import demo_bundle
from mbp_registry.registry.models import Person, SupervisionSession
from tests.helpers import table_counts
from tests.safety_helpers import load_demo, text_cells_containing

REF, NAME, EMAIL = "T012", "Rachel Young", "rachel.young@example.nhs.uk"
# Where a person can appear in each bundle file of the demo.
PERSON_COLUMNS = {
    "stages": ("person", "assessed_by"),
    "training": ("trainer", "trainee"),
    "supervision": ("supervisor", "supervisee"),
    "sessions": ("supervisor", "supervisee"),
    "cpd": ("person",),
    "retreats": ("person",),
    "courses": ("lead", "co_teachers"),
    "nominations": ("person",),
}


def _ok(run, *args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def demo(run, engine):
    load_demo(run, engine)


def _demo_rows_about(ref: str) -> dict[str, list[dict]]:
    found = {}
    for name, columns in PERSON_COLUMNS.items():
        with (demo_bundle() / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            found[name] = [row for row in csv.DictReader(handle) if any(ref in row[c].split(";") for c in columns)]
    return found


def _audit(run, *filters) -> list[dict]:
    return json.loads(_ok(run, "audit", "list", *filters, "--format", "json").stdout)


def test_export_data_holds_the_person_and_every_record_about_them(run, demo):
    _ok(run, "cpd", "log", "--person", REF, "--date", "2026-01-05", "--hours", "2", "--category", "reading", "--description", "Self-study")
    data = json.loads(_ok(run, "person", "export-data", REF).stdout)
    assert data["person"] == {
        "ref": REF, "name": NAME, "email": EMAIL, "organisation": "NHS-GGC", "status": "active",
        "joined_on": "2018-06-18", "left_on": None, "planned_leaving_on": None,
    }  # fmt: skip
    expected = _demo_rows_about(REF)
    expected["cpd"].append({"person": REF, "date": "2026-01-05", "hours": "2", "category": "reading", "description": "Self-study"})
    for name, rows in expected.items():
        assert len(data[name]) == len(rows), name
    assert len(data["sessions"]) == 54 and len(data["cpd"]) == 16 and len(data["courses"]) == 7
    assert all(REF in (row["supervisor"], row["supervisee"]) for row in data["sessions"])
    # Their supervision notes are part of what is held about them.
    notes = {row["held_on"]: row["notes"] for row in data["sessions"] if row["notes"]}
    assert notes == {
        "2024-02-07": "Talked through a participant dropping out in week 2",
        "2026-08-24": "Reviewed MBI:TAC feedback on recorded session",
    }
    assert {row["date"] for row in data["cpd"]} == {row["date"] for row in expected["cpd"]}
    assert {row["code"] for row in data["courses"]} == {row["code"] for row in expected["courses"]}
    assert [(entry["action"], entry["record_type"], entry["person"]) for entry in data["audit"]] == [("add", "cpd", REF)]
    # Nobody else's records.
    assert all(row["person"] == REF for row in data["cpd"] + data["retreats"])


def test_export_data_to_a_file_is_owner_only_and_audited(run, demo, tmp_path):
    out = tmp_path / "sar.json"
    out.write_text("readable by all before")
    out.chmod(0o644)
    result = _ok(run, "person", "export-data", REF, "--out", str(out))
    assert result.stdout == f"Wrote everything held about {REF} to {out}.\n"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    data = json.loads(out.read_text())
    assert data["person"]["ref"] == REF and len(data["sessions"]) == 54
    entries = _audit(run, "--person", REF)
    assert [(e["actor"], e["action"], e["record_type"], e["record"]) for e in entries] == [
        ("tester", "export", "people", f"ref={REF}")
    ]
    new = tmp_path / "new.json"
    _ok(run, "person", "export-data", REF, "--out", str(new))
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o600
    # The second export holds the audit entry of the first.
    assert [e["action"] for e in json.loads(new.read_text())["audit"]] == ["export"]


def test_export_data_of_an_unknown_person_is_refused_and_writes_nothing(run, demo, engine, tmp_path):
    before = table_counts(engine)
    result = run("person", "export-data", "NOPE", "--out", str(tmp_path / "x.json"))
    assert result.exit_code == 1
    assert result.stderr == "Error: ref: no person 'NOPE' in the registry\n"
    assert table_counts(engine) == before
    assert not (tmp_path / "x.json").exists()


def _unordered(value):
    """Lists as sorted lists: a report sorted by ref lists an erased person elsewhere."""
    if isinstance(value, dict):
        return {key: _unordered(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_unordered(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _reports(run) -> dict:
    return _unordered(
        {
            "cpd summary": json.loads(_ok(run, "cpd", "summary", "--format", "json").stdout),
            "cpd compliance": json.loads(_ok(run, "cpd", "compliance", "--format", "json").stdout),
            "succession": json.loads(_ok(run, "succession", "report", "--format", "json").stdout),
        }
    )


def test_erase_removes_identifying_details_and_keeps_the_counts_reports_need(run, demo, engine):
    # Records that mention the person in other people's records and in the audit trail.
    _ok(run, "person", "update", REF, "--email", "rachel@new.example.org", "--planned-leaving-on", "2030-01-01")
    _ok(run, "supervision", "log", "--supervisor", "R04", "--supervisee", REF, "--supervisee", "T001",
        "--date", "2026-01-10", "--minutes", "60", "--kind", "group", "--notes", "Group check-in")  # fmt: skip
    _ok(run, "course", "add", "MBCT-ERASE-1", "--programme", "MBCT", "--start-on", "2026-01-12",
        "--lead", "T001", "--co-teacher", REF)  # fmt: skip
    _ok(run, "person", "export-data", REF)
    before = table_counts(engine)
    reports = _reports(run)
    with engine.connect() as connection:
        person_id = connection.execute(select(Person.id).where(Person.ref == REF)).scalar_one()

    result = _ok(run, "person", "erase", REF, "--yes")
    anonymous = f"ERASED-{person_id:06d}"
    assert result.stdout == f"Erased {REF}: their records remain, anonymous, as {anonymous}.\n"

    after = table_counts(engine)
    assert after == {**before, "audit_log": before["audit_log"] + 1}
    with engine.connect() as connection:
        person = connection.execute(select(Person).where(Person.id == person_id)).mappings().one()
        notes = connection.execute(
            select(SupervisionSession.notes).where(SupervisionSession.supervisee_id == person_id)
        ).scalars().all()
    assert (person["ref"], person["name"], person["email"], person["planned_leaving_on"]) == (anonymous, "(erased)", None, None)
    assert len(notes) == 55 and set(notes) == {None}

    # Reports count the same records: only the ref and name they show have changed.
    anonymised = _unordered(json.loads(json.dumps(reports).replace(f'"{REF}"', f'"{anonymous}"').replace(NAME, "(erased)")))
    assert _reports(run) == anonymised

    entries = _audit(run, "--person", anonymous)
    assert entries[-1]["action"] == "erase" and entries[-1]["record"] == f"ref={anonymous}"
    assert json.loads(entries[-1]["details"]) == {"erased": ["ref", "name", "email", "planned_leaving_on", "session notes"]}
    for needle in (REF, NAME, EMAIL, "rachel@new.example.org", "Rachel"):
        assert text_cells_containing(engine, needle) == [], needle

    shown = run("person", "show", REF)
    assert shown.exit_code == 1
    assert shown.stderr == f"Error: ref: no person '{REF}' in the registry\n"
    assert _ok(run, "person", "show", anonymous, "--format", "json")


def test_erase_asks_first_and_changes_nothing_when_refused(run, demo, engine):
    before = table_counts(engine)
    result = run("person", "erase", REF, input="n\n")
    assert result.exit_code == 1
    assert "Aborted!" in result.output
    assert table_counts(engine) == before
    assert text_cells_containing(engine, NAME)


def test_erase_of_an_unknown_person_is_refused(run, demo, engine):
    before = table_counts(engine)
    result = run("person", "erase", "NOPE", "--yes")
    assert result.exit_code == 1
    assert result.stderr == "Error: ref: no person 'NOPE' in the registry\n"
    assert table_counts(engine) == before

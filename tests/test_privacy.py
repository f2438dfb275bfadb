"""Personal data: `person export-data` gives everything held about one person, and
`person erase` removes what identifies them while the counts reports need stay true.
Both leave an audit entry."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat

import pytest
from sqlalchemy import select, text

from mbp_registry.registry.annual import annual_report
from mbp_registry.registry.demo import demo_bundle
from mbp_registry.registry.models import Person, SupervisionSession
from mbp_registry.registry.policy import default_policy
from mbp_registry.registry.session import reading
from tests.compliance_helpers import AS_OF, baseline, load, teacher
from tests.helpers import load_demo, table_counts
from tests.safety_helpers import text_cells_containing

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


def test_erase_removes_identifying_details_keeps_the_records_and_ends_assessment(run, demo, engine):
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
    # One audit entry, and the day they were erased (left) added to their status history.
    assert after == {**before, "audit_log": before["audit_log"] + 1, "status_history": before["status_history"] + 1}
    with engine.connect() as connection:
        person = connection.execute(select(Person).where(Person.id == person_id)).mappings().one()
        notes = connection.execute(
            select(SupervisionSession.notes).where(SupervisionSession.supervisee_id == person_id)
        ).scalars().all()
    assert (person["ref"], person["name"], person["email"], person["planned_leaving_on"]) == (anonymous, "(erased)", None, None)
    assert len(notes) == 55 and set(notes) == {None}
    # Erased and gone from today (they had not left before).
    assert (person["status"], person["left_on"]) == ("erased", dt.date.today())

    # The records stay, but the person is no longer assessed or active: the compliance
    # report lists everyone else as before, the summary assesses one person fewer, and
    # the succession report is the same but for R04, who supervised them.
    after_reports = _reports(run)
    assert after_reports["cpd compliance"] == {
        **reports["cpd compliance"],
        "people": [row for row in reports["cpd compliance"]["people"] if row["person"] != REF],
    }
    assert after_reports["cpd summary"]["assessed"] == reports["cpd summary"]["assessed"] - 1
    assert anonymous not in json.dumps(after_reports["succession"])
    caseload = [
        {**row, "supervisees": row["supervisees"] - ((row["supervisor"], row["programme"]) == ("R04", "MBCT"))}
        for row in reports["succession"]["caseload"]
    ]
    assert after_reports["succession"] == _unordered({**reports["succession"], "caseload": caseload})

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


# ------------------------------------------------------------ erasure ends assessment


def _json(run, *args):
    return json.loads(_ok(run, *args, "--format", "json").stdout)


def _annual_workforce(engine) -> tuple[dict, list[str]]:
    with reading(engine) as session:
        report = annual_report(session, dt.date.today().year, default_policy())
    return report["workforce"]["total"], [p["person"] for p in report["movement"]["leavers"]]


def test_an_erased_teacher_leaves_every_assessed_and_active_set_and_the_counts_drop_by_one(run, engine, tmp_path, monkeypatch):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)
    # NC: an active MBCT supervisor in the North with no record (not compliant) who alone
    # supervises OK (compliant); NB: a South teacher with no record.
    load(run, tmp_path / "b", people=[teacher("NC", stage="supervisor"), teacher("OK"), teacher("NB", "ORG-B")],
         **baseline("OK"))
    _ok(run, "supervision", "link", "--supervisor", "NC", "--supervisee", "OK", "--programme", "MBCT", "--from", "2024-01-01")
    as_of = ("--as-of", AS_OF)
    assert [p["person"] for p in _json(run, "cpd", "compliance", *as_of)["people"]] == ["NB", "NC", "OK"]
    assert _json(run, "cpd", "summary", *as_of)["assessed"] == 3
    assert [r["person"] for r in _json(run, "listing", "check", *as_of)] == ["NB", "NC", "OK"]
    before = _json(run, "succession", "report", *as_of)
    assert [r["person"] for r in before["single_points_of_failure"]] == ["NC"]
    assert [(p["role"], p["holders"], p["at_risk"]) for p in before["posts"]] == [("supervisor", ["NC"], True)]
    assert before["caseload"][0]["supervisees"] == 1
    total_before, leavers_before = _annual_workforce(engine)

    anonymous = _ok(run, "person", "erase", "NC", "--yes").stdout.split()[-1].rstrip(".")

    assert [p["person"] for p in _json(run, "cpd", "compliance", *as_of)["people"]] == ["NB", "OK"]
    # 2 assessed (was 3), 1 compliant; each requirement short for NB alone (was NB and NC).
    short = {"short_of_cpd": 1, "short_of_retreat": 1, "short_of_supervision": 1}
    assert _json(run, "cpd", "summary", *as_of) == {
        "as_of": AS_OF,
        "assessed": 2,
        "compliant": 1,
        "rate": 0.5,
        "by_requirement": [{"requirement": r, "short": 1} for r in ("cpd", "retreat", "supervision")],
        "by_region": [
            {"region": "North", "assessed": 1, "compliant": 1, "rate": 1.0, **dict.fromkeys(short, 0)},
            {"region": "South", "assessed": 1, "compliant": 0, "rate": 0.0, **short},
        ],
        "by_organisation": [
            {"organisation": "ORG-A", "assessed": 1, "compliant": 1, "rate": 1.0, **dict.fromkeys(short, 0)},
            {"organisation": "ORG-B", "assessed": 1, "compliant": 0, "rate": 0.0, **short},
        ],
    }
    assert [r["person"] for r in _json(run, "listing", "check", *as_of)] == ["NB", "OK"]
    after = _json(run, "succession", "report", *as_of)
    # No longer a supervisor anyone can count on: OK has no active supervisor now.
    assert (after["single_points_of_failure"], after["posts"], after["caseload"]) == ([], [], [])
    assert after["unsupervised"] == [{"person": "OK", "programme": "MBCT", "region": "North"}]
    # They leave today: in post at the start of the year, not at its end, and counted as a leaver.
    total_after, leavers_after = _annual_workforce(engine)
    assert total_after == {**total_before, "end": total_before["end"] - 1, "change": total_before["change"] - 1}
    assert leavers_after == [*leavers_before, anonymous]
    # Listed by their status, which erasure alone gives.
    assert [p["ref"] for p in _json(run, "person", "list", "--status", "erased")] == [anonymous]
    before_refusal = table_counts(engine)
    for command in (("person", "update", "OK"), ("person", "add", "NEW", "--name", "New", "--org", "ORG-A")):
        refused = run(*command, "--status", "erased")
        assert refused.exit_code == 2 and "'erased'" in refused.stderr and refused.stdout == ""
    assert table_counts(engine) == before_refusal


def test_people_erased_before_revision_0005_are_given_the_erased_status_by_init(empty_db_url):
    from alembic import command
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli
    from mbp_registry.registry import schema
    from mbp_registry.registry.db import create_registry_engine, resolve_url

    engine = create_registry_engine(resolve_url(empty_db_url))
    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), "0004")
        connection.execute(text("INSERT INTO organisations (id, code, name, region) VALUES (1, 'O', 'O', 'North')"))
        connection.execute(
            text("INSERT INTO people (id, ref, name, organisation_id, status, joined_on, left_on) VALUES (:id, :ref, :name, 1, :status, :joined, :left)"),
            [
                # erased on 2025-03-04 (their audit entry), while active
                {"id": 1, "ref": "ERASED-000001", "name": "(erased)", "status": "active", "joined": "2019-01-01", "left": None},
                # erased after they had left: their leaving date stays
                {"id": 2, "ref": "ERASED-000002", "name": "(erased)", "status": "retired", "joined": None, "left": "2023-05-01"},
                # no audit entry, and joined after today: they leave on the day they joined
                {"id": 3, "ref": "ERASED-000003", "name": "(erased)", "status": "on_leave", "joined": "2199-01-01", "left": None},
                # not erased: an anonymous-looking ref alone, or a ref that is not their own
                {"id": 4, "ref": "ERASED-000004", "name": "Real Name", "status": "active", "joined": None, "left": None},
                {"id": 5, "ref": "ERASED-000009", "name": "(erased)", "status": "active", "joined": None, "left": None},
            ],
        )
        connection.execute(
            text("INSERT INTO audit_log (at, actor, action, record_type, record_key, person_ref) VALUES (:at, 'a', 'erase', 'people', :key, :ref)"),
            [{"at": dt.datetime(2025, 3, 4, 10, 0), "key": "ref=ERASED-000001", "ref": "ERASED-000001"}],
        )
    result = CliRunner().invoke(cli, ["--db", empty_db_url, "init"])
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        people = connection.execute(text("SELECT id, status, left_on FROM people ORDER BY id")).all()
    engine.dispose()
    day = dt.date.fromisoformat
    assert [(i, status, left_on if left_on is None else day(str(left_on))) for i, status, left_on in people] == [
        (1, "erased", day("2025-03-04")),
        (2, "erased", day("2023-05-01")),
        (3, "erased", day("2199-01-01")),
        (4, "active", None),
        (5, "active", None),
    ]


def test_the_scan_for_names_reads_json_held_as_text_with_its_escapes_decoded(engine):
    # The audit's details are JSON kept as text; a name beyond ASCII in them may be escaped.
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, record_type, record_key, details) "
                "VALUES (:at, 'lead', 'update', 'person', 'ref=Z1', :details)"
            ),
            {"at": dt.datetime(2026, 1, 1), "details": json.dumps({"name": "Zoë Öhlund"})},
        )
    assert json.dumps({"name": "Zoë Öhlund"}) == '{"name": "Zo\\u00eb \\u00d6hlund"}'
    assert [cell[:2] for cell in text_cells_containing(engine, "ZOË ÖHLUND")] == [("audit_log", "details")]
    assert text_cells_containing(engine, "Zoe") == []

"""Erasure that erases: the person's name, email and ref leave every text of the
registry (and, on SQLite, the database file), a subject access export holds only the
notes about the person, and an erasure never interleaves with a write about the same
person (the race runs on both databases)."""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.demo import demo_bundle
from mbp_registry.registry.errors import Conflict, NotFound
from mbp_registry.registry.models import AuditEntry, Person, Retreat, SupervisionSession
from mbp_registry.registry.privacy import erase
from mbp_registry.registry.records import add_record
from mbp_registry.registry.session import writing
from mbp_registry.registry.supervision_log import log_session
from tests.helpers import assert_refused, days_ago, load_demo, ok, ok_json
from tests.safety_helpers import text_cells_containing

REF, NAME, EMAIL = "R05", "Hamish Kerr", "hamish.kerr@example.nhs.uk"


@pytest.fixture
def demo(run, engine):
    load_demo(run, engine)


def _person_id(engine, ref: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(Person.id).where(Person.ref == ref)).scalar_one()


def ok_as(actor: str, run, *args: str):
    """Run a command with `--actor ACTOR`; it must succeed."""
    result = run(*args, actor=actor)
    assert result.exit_code == 0, result.output
    return result


def _demo_sessions(**where: str) -> list[dict]:
    with (demo_bundle() / "sessions.csv").open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if all(row[k] == v for k, v in where.items())]


# ------------------------------------------------------------ subject access export


def test_export_data_holds_notes_about_the_person_only_and_counts_the_others(run, demo):
    # One more session on each side, each with notes.
    ok(run, "supervision", "log", "--supervisor", REF, "--supervisee", "T001", "--date", days_ago(3),
       "--minutes", "60", "--kind", "individual", "--notes", "About T001 only")  # fmt: skip
    ok(run, "supervision", "log", "--supervisor", "R01", "--supervisee", REF, "--date", days_ago(4),
       "--minutes", "60", "--kind", "individual", "--notes", "About Hamish's own practice")  # fmt: skip
    led, attended = _demo_sessions(supervisor=REF), _demo_sessions(supervisee=REF)
    assert (len(led), sum(1 for r in led if r["notes"]), len(attended)) == (110, 1, 52)

    data = json.loads(ok(run, "person", "export-data", REF).stdout)

    mine = [row for row in data["sessions"] if row["supervisee"] == REF]
    theirs = [row for row in data["sessions"] if row["supervisor"] == REF]
    assert (len(mine), len(theirs)) == (53, 111)
    assert [row["notes"] for row in mine if row["notes"]] == ["About Hamish's own practice"]
    assert all("notes" not in row for row in theirs)
    assert "About T001 only" not in json.dumps(data)
    assert data["not_included"] == [
        "sessions you led as supervisor: 111, 2 of them with notes; "
        "their notes are about the people you supervised and are not included"
    ]


# ------------------------------------------------------------ erasure takes them out of every text


def test_erasure_takes_the_name_email_and_ref_out_of_every_text(run, demo, engine):
    anonymous = f"ERASED-{_person_id(engine, REF):06d}"
    other_notes = "T001 reflected on feedback from hamish kerr (hamish.kerr@example.nhs.uk)"
    ok(run, "supervision", "log", "--supervisor", REF, "--supervisee", "T001", "--date", days_ago(3),
       "--minutes", "60", "--kind", "individual", "--notes", other_notes)  # fmt: skip
    ok_as(NAME, run, "cpd", "log", "--person", "T001", "--date", days_ago(2), "--hours", "2", "--category", "workshop",
          "--description", "Inquiry day led by HAMISH KERR")  # fmt: skip
    ok(run, "person", "update", REF, "--email", "h.kerr@new.example.org", "--name", "Hamish J. Kerr")
    session_id = ok_json(run, "supervision", "sessions", "--person", "T001", "--from", days_ago(3), "--to", days_ago(3))[0]["id"]
    ok_as(EMAIL, run, "amend", "sessions", str(session_id), "--set", "minutes=45", "--reason", f"{EMAIL} asked for it")
    assert len(text_cells_containing(engine, NAME)) >= 18 + 1 + 1 + 1
    with engine.connect() as connection:
        led_by_before = connection.execute(select(Retreat.id).where(Retreat.led_by == NAME)).scalars().all()
    assert len(led_by_before) == 18

    result = ok_as("Hamish Kerr", run, "person", "erase", REF, "--yes")

    assert result.stdout == f"Erased {REF}: their records remain, anonymous, as {anonymous}.\n"
    for needle in (NAME, "Hamish J. Kerr", EMAIL, "h.kerr@new.example.org", "Hamish", REF):
        assert text_cells_containing(engine, needle) == [], needle
    with engine.connect() as connection:
        led_by = dict(connection.execute(select(Retreat.id, Retreat.led_by).where(Retreat.id.in_(led_by_before))).all())
        notes = connection.execute(select(SupervisionSession.notes).where(SupervisionSession.id == session_id)).scalar_one()
        actors = connection.execute(select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id)).all()[-4:]
    assert set(led_by.values()) == {anonymous}
    # Notes of a session they led are about T001: kept, without naming them.
    assert notes == f"T001 reflected on feedback from {anonymous} ({anonymous})"
    assert [tuple(row) for row in actors] == [
        (anonymous, "add"), ("tester", "update"), (anonymous, "amend"), (anonymous, "erase")
    ]


def test_erasure_of_a_person_whose_ref_begins_another_keeps_the_other(run, engine):
    ok(run, "org", "add", "ORG", "--name", "Org", "--region", "North")
    for ref, name in (("P1", "Al Bo"), ("P1.5", "Cy Do"), ("P10", "Ed Fa")):
        ok(run, "person", "add", ref, "--name", name, "--organisation", "ORG")
    ok(run, "retreat", "log", "--person", "P10", "--start", days_ago(30), "--days", "2", "--led-by", "Al Bo and Cy Do")
    anonymous = f"ERASED-{_person_id(engine, 'P1'):06d}"
    ok(run, "person", "erase", "P1", "--yes")
    assert [p["ref"] for p in ok_json(run, "person", "list")] == [anonymous, "P1.5", "P10"]
    assert ok_json(run, "retreat", "list")[0]["led_by"] == f"{anonymous} and Cy Do"
    assert {row["record"] for row in ok_json(run, "audit", "list")} >= {"ref=P1.5", "ref=P10", f"ref={anonymous}"}


def test_erasure_takes_out_a_name_and_email_written_in_letters_beyond_ascii(run, engine):
    name, email = "Ólafur Þórsson", "Ólafur.Th@Example.org"
    ok(run, "org", "add", "ORG", "--name", "Org", "--region", "North")
    ok(run, "person", "add", "OT", "--name", "Other Person", "--organisation", "ORG")
    ok(run, "person", "add", "OL", "--name", name, "--organisation", "ORG", "--email", email)
    ok(run, "retreat", "log", "--person", "OT", "--start", days_ago(30), "--days", "2", "--led-by", name)
    ok_as(name, run, "cpd", "log", "--person", "OT", "--date", days_ago(3), "--hours", "2", "--category", "reading",
          "--description", f"with {email}")  # fmt: skip
    mixed = ("ÓLAFUR þórsson", "ólafur ÞÓRSSON", "ÓlAfUr ÞóRsSoN")  # any mix of capitals names them too
    for number, written in enumerate(mixed, 1):
        ok(run, "cpd", "log", "--person", "OT", "--date", days_ago(3 + number), "--hours", "1", "--category", "reading",
           "--description", f"Read with {written}")  # fmt: skip
    assert len(text_cells_containing(engine, name)) >= 4  # people, retreats, the audit's actor and values
    ok(run, "person", "erase", "OL", "--yes")
    for needle in (name, "ólafur", "ÓLAFUR", email, "Þórsson", *mixed):
        assert text_cells_containing(engine, needle) == [], needle


# ------------------------------------------------------------ nothing more about an erased person


def test_writes_about_an_erased_person_are_refused_and_corrections_of_their_records_are_not(run, demo, engine):
    anonymous = f"ERASED-{_person_id(engine, REF):06d}"
    ok(run, "supervision", "log", "--supervisor", "R01", "--supervisee", REF, "--date", days_ago(4),
       "--minutes", "60", "--kind", "individual")  # fmt: skip
    (attended,) = ok_json(run, "supervision", "sessions", "--person", REF, "--from", days_ago(4), "--to", days_ago(4))
    ok(run, "person", "erase", REF, "--yes")
    gone = f"{anonymous!r} has been erased; nothing more is recorded about them"
    log = ("--date", days_ago(5), "--minutes", "60", "--kind", "individual")
    assert_refused(run, engine, "supervision", "log", "--supervisor", "R01", "--supervisee", anonymous, *log,
                   error=f"supervisee: {gone}")  # fmt: skip
    assert_refused(run, engine, "supervision", "log", "--supervisor", anonymous, "--supervisee", "T001", *log,
                   error=f"supervisor: {gone}")  # fmt: skip
    assert_refused(run, engine, "cpd", "log", "--person", anonymous, "--date", days_ago(5), "--hours", "1",
                   "--category", "reading", error=f"person: {gone}")  # fmt: skip
    assert_refused(run, engine, "person", "update", anonymous, "--name", "Hamish Kerr", error=f"ref: {gone}")
    assert_refused(run, engine, "person", "erase", anonymous, "--yes", error=f"ref: {anonymous!r} is erased already")
    assert_refused(run, engine, "amend", "sessions", str(attended["id"]), "--set", "notes=Back again", "--reason", "r",
                   error=f"notes: {anonymous!r} has been erased; their sessions keep no notes")  # fmt: skip
    # Their records are kept, and can be corrected or removed as any other.
    ok(run, "amend", "sessions", str(attended["id"]), "--set", "minutes=45", "--reason", "logged wrong")
    ok(run, "remove", "sessions", str(attended["id"]), "--reason", "logged twice")


# ------------------------------------------------------------ the race (both databases)

ROUNDS = 20
LOGGERS = 2


def _set_up_race(engine) -> None:
    with writing(engine) as session:
        add_record(session, rt.ORGANISATION, {"code": "ORG", "name": "Org", "region": "North"}, actor="t")
        add_record(session, rt.PERSON, {"ref": "SUP", "name": "Sam Sup", "organisation": "ORG", "status": "active"}, actor="t")


def _race(engine, n: int) -> tuple[str, list, list, list]:
    """Loggers log sessions with notes about a new person while that person is erased;
    returns the anonymous ref, the sessions logged, the refusals and any other failure."""
    ref = f"RACER{n:02d}"
    with writing(engine) as session:
        add_record(session, rt.PERSON, {"ref": ref, "name": f"Vera Racer{n:02d}", "email": f"racer{n:02d}@example.org",
                                        "organisation": "ORG", "status": "active"}, actor="t")  # fmt: skip
    logged, refused, failures = [], [], []

    def logger(number: int) -> None:
        for k in range(300):
            try:
                with writing(engine) as session:
                    log_session(session, supervisor="SUP", supervisees=[ref], held_on=days_ago(1 + number * 300 + k),
                                minutes=60, kind="individual", notes=f"confidential about {ref} #{k}", actor=ref)  # fmt: skip
                logged.append(k)
                time.sleep(0.02)  # room for the erasure to start (SQLite's busy wait polls)
            except (Conflict, NotFound) as refusal:
                refused.append(str(refusal))
                return
            except Exception as error:  # noqa: BLE001 - any other failure fails the test
                failures.append(repr(error))
                return

    threads = [threading.Thread(target=logger, args=(number,)) for number in range(LOGGERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(logged) < LOGGERS and time.monotonic() < deadline and not failures:
        time.sleep(0.002)
    with writing(engine) as session:
        anonymous = erase(session, ref, actor=f"Vera Racer{n:02d}").anonymous
    for thread in threads:
        thread.join(timeout=20)
    return anonymous, logged, refused, failures


def test_an_erasure_racing_sessions_logged_about_the_person_leaves_nothing_of_them(engine):
    _set_up_race(engine)
    for n in range(ROUNDS):
        anonymous, logged, refused, failures = _race(engine, n)
        assert failures == []
        ref = f"RACER{n:02d}"
        assert len(refused) == LOGGERS and all(
            message in (f"supervisee: no person {ref!r} in the registry", f"supervisee: {ref!r} has been erased; "
                        "nothing more is recorded about them")
            for message in refused
        ), refused  # fmt: skip
        with engine.connect() as connection:
            notes = connection.execute(
                select(SupervisionSession.notes).join(Person, Person.id == SupervisionSession.supervisee_id)
                .where(Person.ref == anonymous)
            ).scalars().all()  # fmt: skip
        # Every session logged is kept (none lost), and none keeps its notes.
        assert len(notes) == len(logged) >= LOGGERS and set(notes) == {None}
        assert text_cells_containing(engine, ref, f"Vera Racer{n:02d}", f"racer{n:02d}@example.org") == [], n


# ------------------------------------------------------------ SQLite: the old values leave the file

SECRET_NAME, SECRET_EMAIL = "Quilla Zarrowby", "quilla.zarrowby@example.org"


# Parts of the name and of both emails: what is left of an overwritten value in a free
# page can be cut short.
FRAGMENTS = ("zarrowby", "quilla@old")


def _in_files(path) -> set[str]:
    """The FRAGMENTS found, in any case, in the bytes of the database file or its log."""
    data = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()).lower()
    return {fragment for fragment in FRAGMENTS if fragment.encode() in data}


def _without_secure_delete(monkeypatch) -> None:
    """Connections as an SQLite built with the upstream default have them."""
    from sqlalchemy import event

    from mbp_registry.registry import db

    configure = db._configure_sqlite

    def upstream_default(engine, *settings):
        configure(engine, *settings)
        event.listen(engine, "connect", lambda connection, _: connection.execute("PRAGMA secure_delete = OFF"))

    monkeypatch.setattr(db, "_configure_sqlite", upstream_default)


@pytest.mark.parametrize("without", [None, "secure_delete", "checkpoint"])
def test_the_erased_name_and_email_leave_the_sqlite_file(run, engine, backend, monkeypatch, without):
    if backend != "sqlite":
        pytest.skip("the database file and its write-ahead log are SQLite's")
    from mbp_registry.registry import privacy

    if without == "secure_delete":
        _without_secure_delete(monkeypatch)
    if without == "checkpoint":
        monkeypatch.setattr(privacy, "_empty_the_log_after_commit", lambda session, erased: None)
    ok(run, "org", "add", "ORG", "--name", "Org", "--region", "North")
    with writing(engine) as session:  # a service of some size: pages with other rows in them
        for n in range(30):
            person = {"ref": f"P{n:02d}", "name": f"Person {n}", "email": f"p{n}@example.org", "organisation": "ORG"}
            add_record(session, rt.PERSON, {**person, "status": "active"}, actor="t")
    ok(run, "person", "add", "QZ", "--name", SECRET_NAME, "--organisation", "ORG", "--email", "quilla@old.example.org")
    # The email they had before is overwritten by this change, not left in a free page.
    ok(run, "person", "update", "QZ", "--email", SECRET_EMAIL)
    ok(run, "person", "add", "OT", "--name", "Other Person", "--organisation", "ORG")
    ok(run, "retreat", "log", "--person", "OT", "--start", days_ago(30), "--days", "2", "--led-by", SECRET_NAME)
    ok_as(SECRET_NAME, run, "cpd", "log", "--person", "QZ", "--date", days_ago(3), "--hours", "2", "--category", "reading")
    path = Path(engine.url.database)
    # Someone else has the database open (idle), as in a service: SQLite does not
    # empty the log itself when the last connection closes.
    with engine.connect() as _other_user:
        assert _in_files(path) == set(FRAGMENTS)
        ok(run, "person", "erase", "QZ", "--yes")
        left = _in_files(path)
    assert text_cells_containing(engine, SECRET_NAME) == []
    if without is None:
        assert left == set()
        assert path.with_name(path.name + "-wal").stat().st_size == 0
    else:
        # Each of the two steps is needed: without it the file still holds them.
        assert left, without

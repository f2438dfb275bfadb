"""`reminders send` against a real SMTP server in the test process: what each person
receives (recipients, Cc, subject, lapse date, what to do), the record of what was
sent, the 14-day rule, the dry run, and a server that stops taking messages half way.

The service is tests/reminder_helpers.py's: T1 and T2 are due within 60 days of AS_OF
(T3 has no email, T4 an address mail cannot go to), T6 is already short."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from tests.helpers import assert_refused, ok, ok_json, table_counts
from tests.mail_helpers import PASSWORD, USER, certificates, smtp_server
from tests.reminder_helpers import (  # noqa: F401 (fixtures)
    SEND, everything_stored, no_mail_settings, reminders_sent, service,
)

SKIPPED_T3_T4 = [
    "Skipped T3 (Una Three): no email address.",
    "Skipped T4 (Val Four): 'val@localhost' is not a valid email address.",
]
NOT_COPIED_S2 = "Not copied: S2 (Stan Second), 'stan@localhost' is not a valid email address."


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return certificates(tmp_path_factory.mktemp("certs"))


def test_each_person_due_gets_one_message_copied_to_their_supervisors(service, engine, certs, monkeypatch):
    ca, certificate, key = certs
    monkeypatch.setenv("MBP_REGISTRY_SMTP_CAFILE", str(ca))
    with smtp_server(tls="starttls", cert=(certificate, key), login=True) as inbox:
        result = ok(service, *SEND, "--smtp", inbox.url)
    assert inbox.logins == [(USER, PASSWORD)]
    assert result.stdout.splitlines() == [
        f"Sent to T1 (Tara One), copied to S1: lapses on 2026-07-25. {NOT_COPIED_S2}",
        f"Sent to T2 (Tom Two): lapses on 2026-08-04. {NOT_COPIED_S2}",
        *SKIPPED_T3_T4,
        "Sent 2 reminders; skipped 2: 1 with no email address, 1 with an email address that is not valid.",
    ]
    tara, tom = inbox.received
    assert (tara.sender, tara.recipients) == ("lead@example.org", ["tara.one@example.org", "sue.pervisor@example.org"])
    assert (tom.sender, tom.recipients) == ("lead@example.org", ["tom.two@example.org"])
    assert tara.message["To"] == "Tara One <tara.one@example.org>"
    assert tara.message["Cc"] == "Sue Pervisor <sue.pervisor@example.org>"
    assert tara.message["From"] == "Training Lead <lead@example.org>"
    assert tom.message["Cc"] is None
    assert tara.message["Subject"] == "Your CPD, retreat and supervision record lapses on 25 July 2026"
    assert tom.message["Subject"] == "Your CPD, retreat and supervision record lapses on 4 August 2026"
    # What to do by when, in the words of `cpd due`, in the text and in its HTML alternative.
    said, html = tara.text(), tara.html()
    assert "but on 25 July 2026 (2026-07-25) it will no longer meet it" in said
    assert "What to do by 24 July 2026:\n  - needs 30 more CPD hours\n" in said
    assert "Your supervisor is copied:\n  Sue Pervisor <sue.pervisor@example.org>\n" in said
    assert "reply to this message\n(Training Lead <lead@example.org>) or talk to your supervisor." in said
    assert "on <strong>25 July 2026</strong> (2026-07-25)" in html
    assert "What to do by <strong>24 July 2026</strong>" in html and "<li>needs 30 more CPD hours</li>" in html
    assert "What to do by 3 August 2026:\n  - needs 3 more retreat days\n" in tom.text()
    assert "<li>needs 3 more retreat days</li>" in tom.html()
    assert reminders_sent(engine) == [("T1", "2026-07-25", "cpd", ["S1"]), ("T2", "2026-08-04", "retreat", [])]
    entries = [e for e in ok_json(service, "audit", "list") if e["action"] == "remind"]
    assert [(e["actor"], e["record_type"], e["record"], e["person"]) for e in entries] == [
        ("tester", "reminders", "person=T1; lapses_on=2026-07-25", "T1"),
        ("tester", "reminders", "person=T2; lapses_on=2026-08-04", "T2"),
    ]
    # The password reached the server's login, and nowhere else.
    stored = everything_stored(engine)
    for place in (result.output, stored, *(message.data.decode() for message in inbox.received)):
        assert PASSWORD not in place


def test_nobody_is_reminded_twice_for_the_same_lapse_date_within_14_days(service, engine):
    with smtp_server() as inbox:
        ok(service, *SEND, "--smtp", inbox.url)
        again = ok(service, *SEND, "--smtp", inbox.url)
        assert len(inbox.received) == 2
    lines = again.stdout.splitlines()
    assert lines[0].startswith("Skipped T1 (Tara One): already reminded on ")
    assert lines[0].endswith(" UTC (at most once in 14 days).")
    assert lines[-1] == (
        "Sent 0 reminders; skipped 4: 1 with no email address, 1 with an email address that is not valid, "
        "2 reminded in the last 14 days."
    )
    # T1's reminder 13 days ago still counts; T2's 15 days ago no longer does; a reminder
    # for another lapse date does not count.
    with engine.begin() as connection:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for ref, days in (("T1", 13), ("T2", 15)):
            connection.execute(
                text("UPDATE reminders SET sent_at = :at WHERE person_id = (SELECT id FROM people WHERE ref = :ref)"),
                {"at": now - dt.timedelta(days=days), "ref": ref},
            )
    with smtp_server() as inbox:
        third = ok(service, *SEND, "--smtp", inbox.url)
    assert [message.recipients[0] for message in inbox.received] == ["tom.two@example.org"]
    assert third.stdout.splitlines()[-1].startswith("Sent 1 reminder; skipped 3:")
    with engine.begin() as connection:
        connection.execute(text("UPDATE reminders SET lapses_on = '2026-07-24'"))
    with smtp_server() as inbox:
        ok(service, *SEND, "--smtp", inbox.url)
    assert sorted(message.recipients[0] for message in inbox.received) == ["tara.one@example.org", "tom.two@example.org"]


def test_a_dry_run_prints_each_message_and_sends_and_writes_nothing(service, engine):
    before = table_counts(engine)
    with smtp_server() as inbox:
        result = ok(service, *SEND, "--smtp", inbox.url, "--dry-run")
    assert inbox.received == []
    assert table_counts(engine) == before
    out = result.stdout
    assert out.startswith(
        "--- Reminder 1 of 2 ---\n"
        "From: Training Lead <lead@example.org>\n"
        "To: Tara One <tara.one@example.org>\n"
        "Cc: Sue Pervisor <sue.pervisor@example.org>\n"
        "Subject: Your CPD, retreat and supervision record lapses on 25 July 2026\n"
        f"{NOT_COPIED_S2[:-1]}\n"
        "\nDear Tara One,\n"
    )
    assert "--- Reminder 2 of 2 ---\nFrom: Training Lead <lead@example.org>\nTo: Tom Two <tom.two@example.org>\nSubject: " in out
    assert out.splitlines()[-3:] == [
        *SKIPPED_T3_T4,
        "Dry run: would send 2 reminders; skipped 2: 1 with no email address, 1 with an email address that is not "
        "valid. Nothing was sent or recorded.",
    ]
    # No mail server is needed to see what would be sent.
    assert ok(service, *SEND, "--dry-run").stdout == out


def test_those_already_short_are_written_to_when_asked_at_most_once_in_14_days(service, engine):
    with smtp_server() as inbox:
        ok(service, *SEND, "--smtp", inbox.url, "--include-noncompliant", "--within", "0")
        again = ok(service, *SEND, "--smtp", inbox.url, "--include-noncompliant", "--within", "0")
    (xena,) = inbox.received
    assert xena.recipients == ["xena.six@example.org"]
    assert xena.message["Subject"] == "Your CPD, retreat and supervision record is short of CPD hours"
    assert "does not meet the service's policy\non 30 June 2026.\n\nWhat to do:\n  - needs 20 more CPD hours\n" in xena.text()
    assert reminders_sent(engine) == [("T6", None, "cpd", [])]
    assert again.stdout.splitlines()[-1] == "Sent 0 reminders; skipped 1: 1 reminded in the last 14 days."


def test_a_server_that_refuses_after_the_second_message_leaves_those_two_recorded(service, engine):
    with smtp_server(refuse_after=2) as inbox:
        result = service(*SEND, "--smtp", inbox.url, "--include-noncompliant")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"Sent to T1 (Tara One), copied to S1: lapses on 2026-07-25. {NOT_COPIED_S2}",
        f"Sent to T2 (Tom Two): lapses on 2026-08-04. {NOT_COPIED_S2}",
    ]
    port = inbox.url.rpartition(":")[2]
    assert result.stderr == (
        f"Error: the mail server smtp://localhost:{port} refused the message: 554 5.7.1 Too many messages today: "
        "2 reminders sent and recorded, 1 not sent\n"
    )
    assert len(inbox.received) == 2
    assert reminders_sent(engine) == [("T1", "2026-07-25", "cpd", ["S1"]), ("T2", "2026-08-04", "retreat", [])]
    assert len([e for e in ok_json(service, "audit", "list") if e["action"] == "remind"]) == 2


def test_a_person_the_server_refuses_is_not_recorded_and_a_refused_supervisor_not_copied(service, engine):
    with smtp_server(refuse_recipients=("tara.one@example.org",)) as inbox:
        result = ok(service, *SEND, "--smtp", inbox.url)
    assert result.stdout.splitlines()[0] == (
        f"Sent to T1 (Tara One), copied to S1: lapses on 2026-07-25. {NOT_COPIED_S2} "
        "The server refused tara.one@example.org: 550 5.1.1 No such mailbox."
    )
    assert result.stdout.splitlines()[-1].startswith("Sent 1 reminder; ")
    # Only T2 was written to; T1 was not, so nothing says T1 was reminded.
    assert reminders_sent(engine) == [("T2", "2026-08-04", "retreat", [])]
    with smtp_server(refuse_recipients=("sue.pervisor@example.org",)) as inbox:
        ok(service, *SEND, "--smtp", inbox.url)
    assert [message.recipients for message in inbox.received] == [["tara.one@example.org"]]
    assert reminders_sent(engine)[-1] == ("T1", "2026-07-25", "cpd", [])  # S1 refused: not copied


def test_with_nobody_to_remind_no_mail_server_is_needed(service, engine):
    result = ok(service, *SEND, "--smtp", "smtp://127.0.0.1:9", "--within", "0")
    assert result.stdout.splitlines()[-1] == "Sent 0 reminders; skipped none."
    assert reminders_sent(engine) == []


def test_smtps_with_a_private_certificate_authority(service, engine, certs, monkeypatch):
    ca, certificate, key = certs
    with smtp_server(tls="smtps", cert=(certificate, key), login=True) as inbox:
        port = inbox.url.rpartition(":")[2]
        assert_refused(
            service, engine, *SEND, "--smtp", inbox.url,
            error=f"cannot verify the certificate of the mail server smtps://{USER}:***@localhost:{port}: "
            "unable to get local issuer certificate (name a private certificate authority's file in "
            "MBP_REGISTRY_SMTP_CAFILE): no reminder was sent",
        )
        monkeypatch.setenv("MBP_REGISTRY_SMTP_CAFILE", str(ca))
        result = ok(service, *SEND, "--smtp", inbox.url)
    assert [message.recipients[0] for message in inbox.received] == ["tara.one@example.org", "tom.two@example.org"]
    assert PASSWORD not in result.output
    assert len(reminders_sent(engine)) == 2


def test_a_wrong_password_or_an_unreachable_server_is_one_line_and_records_nothing(service, engine, certs, monkeypatch):
    ca, certificate, key = certs
    monkeypatch.setenv("MBP_REGISTRY_SMTP_CAFILE", str(ca))
    with smtp_server(tls="starttls", cert=(certificate, key), login=True) as inbox:
        port = inbox.url.rpartition(":")[2]
        wrong = inbox.url.replace(PASSWORD, "not-the-password")
        assert_refused(
            service, engine, *SEND, "--smtp", wrong,
            error=f"the mail server smtp+starttls://{USER}:***@localhost:{port} refused the login of {USER!r}: "
            "535 5.7.8 Authentication credentials invalid: no reminder was sent",
        )
    assert inbox.received == []
    assert_refused(
        service, engine, *SEND, "--smtp", f"smtp://127.0.0.1:{port}",
        error=f"cannot reach the mail server smtp://127.0.0.1:{port}: Connection refused: no reminder was sent",
    )
    # A password that is one letter hides only itself, not that letter in every word.
    assert_refused(
        service, engine, *SEND, "--smtp", f"smtps://u:e@127.0.0.1:{port}",
        error=f"cannot reach the mail server smtps://u:***@127.0.0.1:{port}: Connection refused: no reminder was sent",
    )


def test_a_message_sent_that_the_database_will_not_record_is_said_on_the_last_line(service, engine, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from mbp_registry.registry import reminders

    record_sent = reminders.record_sent

    def refusing_tom(session, item, **given):
        if item.person.ref == "T2":
            raise OperationalError("INSERT INTO reminders", {}, Exception("disk I/O error"))
        return record_sent(session, item, **given)

    monkeypatch.setattr(reminders, "record_sent", refusing_tom)
    with smtp_server() as inbox:
        result = service(*SEND, "--smtp", inbox.url, "--include-noncompliant")
    assert result.exit_code == 1
    assert len(inbox.received) == 2 and len(result.stdout.splitlines()) == 1
    assert result.stderr == (
        "Error: the reminder to T2 was sent but not recorded (database error: disk I/O error): "
        "1 reminder sent and recorded, 1 not sent\n"
    )
    assert reminders_sent(engine) == [("T1", "2026-07-25", "cpd", ["S1"])]

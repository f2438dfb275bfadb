"""`reminders send` refusing what it cannot work with (one Error line, nothing sent or
recorded, no password shown), its settings from the environment and the configuration
file, replaced templates, and `reminders list`."""

from __future__ import annotations

import os

import pytest

from tests.helpers import assert_refused, ok, ok_json
from tests.mail_helpers import PASSWORD, USER, smtp_server
from tests.reminder_helpers import (  # noqa: F401 (fixtures)
    AS_OF, SEND, SENDER, everything_stored, no_mail_settings, service,
)


SEND_TO_NOBODY = ("reminders", "send", "--as-of", AS_OF)
URL_FORM = "write it as smtp://host:port, smtp+starttls://host:port or smtps://host:port, a login (user, password) before the host"


@pytest.mark.parametrize(
    "args, error",
    [
        (("--from", SENDER, "--smtp", "smtp://"),
         f"smtp: 'smtp://' is not a mail server URL: {URL_FORM}"),
        (("--from", SENDER, "--smtp", "mail.example.org:25"),
         f"smtp: 'mail.example.org:25' is not a mail server URL: {URL_FORM}"),
        (("--from", SENDER, "--smtp", f"smtp+starttls://{USER}:{PASSWORD}@mail.example.org:notaport"),
         f"smtp: 'smtp+starttls://{USER}:***@mail.example.org:notaport' is not a mail server URL: the port is not a "
         "number from 1 to 65535"),
        (("--from", SENDER, "--smtp", f"smtps://{USER}:{PASSWORD}@[::1:465"),
         f"smtp: 'smtps://{USER}:***@[::1:465' is not a mail server URL: an IPv6 address is written in [ ]"),
        (("--from", "lead at example.org"), "from: 'lead at example.org' is not an email address"),
        (("--from", SENDER, "--smtp", f"smtps://{USER}:{PASSWORD}@mail.example.org/inbox"),
         f"smtp: 'smtps://{USER}:***@mail.example.org/inbox' is not a mail server URL: {URL_FORM}"),
        (("--from", SENDER, "--smtp", f"imap://{USER}:{PASSWORD}@mail.example.org"),
         f"smtp: unknown scheme 'imap' in 'imap://{USER}:***@mail.example.org': use smtp://, smtp+starttls:// or smtps://"),
        (("--from", SENDER, "--smtp", f"smtp://{USER}:{PASSWORD}@mail.example.org"),
         f"smtp: smtp://{USER}:***@mail.example.org:25 would send its password unencrypted: use smtp+starttls:// or smtps://"),
        (("--smtp", "smtp://mail.example.org"),
         "from: no sender address: give --from ADDRESS, set MBP_REGISTRY_FROM, or set `from` under [mail] in CONFIG"),
        (("--from", "lead at example.org", "--smtp", "smtp://mail.example.org"),
         "from: 'lead at example.org' is not an email address"),
        (("--from", "a@example.org, b@example.org", "--smtp", "smtp://mail.example.org"),
         "from: 'a@example.org, b@example.org' is not an email address"),
        (("--from", SENDER),
         "smtp: no mail server: give --smtp URL, set MBP_REGISTRY_SMTP, or set `smtp` under [mail] in CONFIG"),
        (("--from", SENDER, "--dry-run", "--template", "no-such-folder"), "template: 'no-such-folder' is not a folder"),
        (("--from", SENDER, "--dry-run", "--region", "Nrth"), "region: no region 'Nrth' in the registry; closest: North"),
    ],
)
def test_what_cannot_be_sent_is_one_error_line_and_writes_nothing(service, engine, tmp_path, args, error):
    config = os.environ["MBP_REGISTRY_CONFIG"]
    assert_refused(service, engine, *SEND_TO_NOBODY, *args, error=error.replace("CONFIG", config))


def test_a_missing_or_unreadable_certificate_authority_file_is_one_line(service, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("MBP_REGISTRY_SMTP_CAFILE", str(tmp_path / "none.pem"))
    smtps = ("--from", SENDER, "--smtp", "smtps://mail.example.org")
    assert_refused(service, engine, *SEND_TO_NOBODY, *smtps,
                   error=f"MBP_REGISTRY_SMTP_CAFILE: no certificate file at {tmp_path / 'none.pem'}")
    (tmp_path / "bad.pem").write_text("not a certificate\n")
    monkeypatch.setenv("MBP_REGISTRY_SMTP_CAFILE", str(tmp_path / "bad.pem"))
    assert_refused(service, engine, *SEND_TO_NOBODY, *smtps,
                   error=f"MBP_REGISTRY_SMTP_CAFILE: {tmp_path / 'bad.pem'} holds no certificate that can be read (NO_CERTIFICATE_OR_CRL_FOUND)")


def test_the_server_and_sender_come_from_the_environment_or_the_configuration_file(service, engine, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("MBP_REGISTRY_CONFIG", str(config))
    with smtp_server() as inbox:
        config.write_text(f'[mail]\nsmtp = "{inbox.url}"\nfrom = "File Sender <file@example.org>"\n')
        ok(service, *SEND_TO_NOBODY)
        monkeypatch.setenv("MBP_REGISTRY_FROM", "env@example.org")
        ok(service, *SEND_TO_NOBODY, "--include-noncompliant", "--within", "0")
    assert [message.message["From"] for message in inbox.received] == [
        "File Sender <file@example.org>", "File Sender <file@example.org>", "env@example.org",
    ]
    shown = ok(service, "config", "show").stdout.splitlines()[-3:]
    assert shown == [
        f"config file: {config}",
        f"mail server: {inbox.url} (from config file)",
        "mail from: env@example.org (from MBP_REGISTRY_FROM)",
    ]


def test_a_configuration_file_holding_a_password_must_be_for_its_owner_only(service, engine, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("MBP_REGISTRY_CONFIG", str(config))
    config.write_text(f'[mail]\nsmtp = "smtps://{USER}:{PASSWORD}@mail.example.org"\nfrom = "lead@example.org"\n')
    config.chmod(0o644)
    assert_refused(
        service, engine, *SEND_TO_NOBODY,
        error=f"config: {config} holds the mail server's login and others may read it: make it readable by you only "
        f"(chmod 600 {config})",
    )
    config.chmod(0o600)
    shown = ok(service, "config", "show").stdout
    assert f"mail server: smtps://{USER}:***@mail.example.org (from config file)" in shown
    assert PASSWORD not in shown
    config.write_text("[mail\n")
    assert_refused(service, engine, *SEND_TO_NOBODY, "--dry-run", error=f"config: {config} is not a valid TOML file: "
                   "Expected ']' at the end of a table declaration (at line 1, column 6)")
    # config show too: one line, and nothing printed before it.
    assert_refused(service, engine, "config", "show", error=f"config: {config} is not a valid TOML file: "
                   "Expected ']' at the end of a table declaration (at line 1, column 6)")


def test_a_service_replaces_the_templates_it_wants_to(service, engine, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "subject.txt.j2").write_text("{{ person.ref }}: act by {{ act_by.isoformat() }}\n")
    result = ok(service, *SEND, "--dry-run", "--template", str(folder))
    assert "Subject: T1: act by 2026-07-24\n" in result.stdout
    assert "What to do by 24 July 2026:\n  - needs 30 more CPD hours\n" in result.stdout  # the shipped body
    (folder / "body.txt.j2").write_text("{{ nobody }}\n")
    assert_refused(service, engine, *SEND, "--dry-run", "--template", str(folder),
                   error="template: body.txt.j2: 'nobody' is undefined")
    (folder / "body.txt.j2").write_text("{{ 1 / (person.ref | length - 2) }}\n")  # fails on the values given
    assert_refused(service, engine, *SEND, "--dry-run", "--template", str(folder),
                   error="template: body.txt.j2: ZeroDivisionError: division by zero")
    (folder / "body.txt.j2").write_text("Hello\n{% if %}\n")
    assert_refused(service, engine, *SEND, "--dry-run", "--template", str(folder),
                   error="template: body.txt.j2 line 2: Expected an expression, got 'end of statement block'")
    (folder / "body.txt.j2").unlink()
    (folder / "subject.txt.j2").unlink()
    assert_refused(service, engine, *SEND, "--dry-run", "--template", str(folder),
                   error=f"template: {str(folder)!r} holds none of subject.txt.j2, body.txt.j2, body.html.j2")


def test_the_list_of_reminders_sent_masks_addresses_except_in_json(service, engine):
    with smtp_server() as inbox:
        ok(service, *SEND, "--smtp", inbox.url)
    table = ok(service, "reminders", "list").stdout
    assert "tara.one@example.org" not in table and "sue.pervisor" not in table
    assert "t***@example.org" in table
    rows = ok_json(service, "reminders", "list")
    assert [(r["person"], r["name"], r["to"], r["lapses_on"], r["shortfalls"], r["copied"], r["cc"]) for r in rows] == [
        ("T2", "Tom Two", "tom.two@example.org", "2026-08-04", ["retreat"], [], []),
        ("T1", "Tara One", "tara.one@example.org", "2026-07-25", ["cpd"], ["S1"], ["sue.pervisor@example.org"]),
    ]
    csv_lines = ok(service, "reminders", "list", "--person", "T1", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "id,sent_at,person,name,to,copied,cc,lapses_on,shortfalls"
    assert csv_lines[1].split(",")[2:] == ["T1", "Tara One", "t***@example.org", "S1", "s***@example.org", "2026-07-25", "cpd"]
    assert ok(service, "reminders", "list", "--to", "2020-01-01").stdout == "No reminders match: to 2020-01-01.\n"
    assert ok_json(service, "reminders", "list", "--person", "T3") == []
    assert_refused(service, engine, "reminders", "list", "--person", "T9",
                   error="person: no person 'T9' in the registry; known: S1, S2, SUP0, T1, T2, T3, T4, T5, T6")


def test_only_an_administrator_sees_full_addresses_in_json_and_sends(service, engine, monkeypatch):
    from mbp_registry.registry import audit

    with smtp_server() as inbox:
        ok(service, *SEND, "--smtp", inbox.url)
    # On PostgreSQL a login that may not write the audit trail is not an administrator.
    monkeypatch.setattr(audit, "writes_directly", lambda session: False)
    rows = ok_json(service, "reminders", "list", "--person", "T1")
    assert [(r["to"], r["cc"]) for r in rows] == [("t***@example.org", ["s***@example.org"])]
    # Nor does it send reminders, which it could not record; a dry run it may.
    with smtp_server() as inbox:
        assert_refused(service, engine, *SEND, "--smtp", inbox.url, "--include-noncompliant",
                       error="reminders: only an administrator sends reminders (this login may not write the audit trail)")
        ok(service, *SEND, "--dry-run", "--include-noncompliant")
    assert inbox.received == []


def test_erasing_a_person_leaves_no_address_of_theirs_in_the_reminders(service, engine):
    with smtp_server() as inbox:
        ok(service, *SEND, "--smtp", inbox.url)
    ok(service, "person", "erase", "T1", "--yes")
    ok(service, "person", "erase", "S1", "--yes")
    assert "tara.one@example.org" not in everything_stored(engine)
    assert "sue.pervisor@example.org" not in everything_stored(engine)
    rows = ok_json(service, "reminders", "list")
    assert [(r["person"], r["to"], r["copied"], r["cc"]) for r in rows] == [
        ("T2", "tom.two@example.org", [], []),
        ("ERASED-000004", None, ["ERASED-000002"], []),
    ]

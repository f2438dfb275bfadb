"""`cpd due --format ics` (an iCalendar file, RFC 5545) and `--format csv` with each
person's email; the rules of the format (CRLF, folding at 75 octets, escaped text) and
of the addresses mail can go to, on their own."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mbp_registry.registry.mail import mask_address, valid_address
from mbp_registry.registry.render.ical import calendar, escaped, folded
from tests.helpers import ok
from tests.reminder_helpers import AS_OF, no_mail_settings, service  # noqa: F401 (fixtures)


def unfolded(data: bytes) -> list[str]:
    """The content lines of an iCalendar file, continuation lines joined."""
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def test_due_as_a_calendar_has_an_all_day_event_on_each_act_by_day(service):
    data = ok(service, "cpd", "due", "--as-of", AS_OF, "--within", "40", "--format", "ics").stdout_bytes
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends in CRLF
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    lines = [line for line in unfolded(data) if not line.startswith("DTSTAMP:")]
    assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", [line for line in unfolded(data) if line.startswith("DTSTAMP:")][0])
    tara = [
        "BEGIN:VEVENT",
        "UID:T1-20260725@cpd-due.mbp-registry",
        "DTSTART;VALUE=DATE:20260724",
        "DTEND;VALUE=DATE:20260725",
        "SUMMARY:Act by: T1 Tara One lapses on 25 July 2026",
        "DESCRIPTION:Tara One (T1) lapses on 25 July 2026.\\nWhat to do by 24 July 2026: needs 30 more CPD hours."
        "\\nEmail: tara.one@example.org",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    assert lines[:6] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//mbp-registry//cpd due//EN", "CALSCALE:GREGORIAN",
                         "METHOD:PUBLISH", "X-WR-CALNAME:CPD due"]
    assert lines[6:14] == tara
    # T2 acts by 3 August, T3 (no email) by 8 August; T4 lapses after 40 days.
    assert [line for line in lines if line.startswith(("UID", "DTSTART"))] == [
        "UID:T1-20260725@cpd-due.mbp-registry", "DTSTART;VALUE=DATE:20260724",
        "UID:T2-20260804@cpd-due.mbp-registry", "DTSTART;VALUE=DATE:20260803",
        "UID:T3-20260809@cpd-due.mbp-registry", "DTSTART;VALUE=DATE:20260808",
    ]
    assert lines[-1] == "END:VCALENDAR"
    # The same list tomorrow gives the same events (a calendar updates them, not doubles them).
    later = ok(service, "cpd", "due", "--as-of", "2026-07-01", "--within", "39", "--format", "ics").stdout_bytes
    assert [line for line in unfolded(later) if not line.startswith("DTSTAMP:")] == lines


def test_due_as_csv_carries_the_email_for_a_mail_merge(service):
    lines = ok(service, "cpd", "due", "--as-of", AS_OF, "--within", "45", "--format", "csv").stdout.splitlines()
    assert lines == [
        "lapses_on,person,name,organisation,act_by,needs,email",
        "2026-07-25,T1,Tara One,ORG-A,2026-07-24,needs 30 more CPD hours,tara.one@example.org",
        "2026-08-04,T2,Tom Two,ORG-A,2026-08-03,needs 3 more retreat days,tom.two@example.org",
        "2026-08-09,T3,Una Three,ORG-A,2026-08-08,needs 30 more CPD hours,",
        "2026-08-14,T4,Val Four,ORG-A,2026-08-13,needs 30 more CPD hours,val@localhost",
    ]


def test_nobody_due_is_an_empty_calendar(service):
    data = ok(service, "cpd", "due", "--as-of", AS_OF, "--within", "0", "--format", "ics").stdout_bytes
    assert unfolded(data)[-2:] == ["X-WR-CALNAME:CPD due", "END:VCALENDAR"]


def test_text_is_escaped_and_lines_are_folded_at_75_octets_never_inside_a_character():
    assert escaped("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    line = "DESCRIPTION:" + "é" * 40  # 12 + 80 octets
    data = folded(line)
    parts = data.split(b"\r\n")
    assert parts[-1] == b"" and [len(part) for part in parts[:-1]] == [74, 19]  # 75 would split an é
    assert parts[1].startswith(b" ")
    assert data.replace(b"\r\n ", b"").decode("utf-8") == line + "\r\n"
    assert folded("X" * 75) == b"X" * 75 + b"\r\n"
    assert folded("X" * 76) == b"X" * 75 + b"\r\n X\r\n"


def test_a_name_with_commas_and_semicolons_is_escaped_in_the_calendar():
    row = {"person": "T9", "name": "Ng, Ann; PhD", "lapses_on": dt.date(2027, 1, 10), "act_by": dt.date(2027, 1, 9),
           "needs": ["needs 2 more CPD hours", "needs 1 more supervision session"]}
    lines = unfolded(calendar([row], now=dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.timezone.utc)))
    assert "DTSTAMP:20261203T140000Z" in lines
    assert "SUMMARY:Act by: T9 Ng\\, Ann\\; PhD lapses on 10 January 2027" in lines
    assert ("DESCRIPTION:Ng\\, Ann\\; PhD (T9) lapses on 10 January 2027.\\nWhat to do by 9 January 2027: "
            "needs 2 more CPD hours\\; needs 1 more supervision session.") in lines


@pytest.mark.parametrize(
    "address, valid",
    [
        ("aileen.munro@example.nhs.uk", True),
        ("o'neil+cpd@example.org", True),
        ("val@localhost", False),
        ("val@", False),
        ("@example.org", False),
        ("a..b@example.org", False),
        (".a@example.org", False),
        ("a@b@example.org", False),
        ("a@-example.org", False),
        ("zoë@example.org", False),
        ("a" * 250 + "@example.org", False),
    ],
)
def test_the_addresses_mail_can_go_to(address, valid):
    assert valid_address(address) is valid


def test_an_address_in_a_table_is_masked():
    assert mask_address("aileen.munro@example.nhs.uk") == "a***@example.nhs.uk"
    assert mask_address(None) is None

"""`cpd due` as an iCalendar file (RFC 5545) that Outlook and other calendars import:
one all-day event per person on the day they must act by (the day before they lapse).

Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); text is
escaped; each event's UID is made of the person and the lapse date, so that importing
a later list updates an event rather than adding it twice.
"""

from __future__ import annotations

import datetime as dt

from .words import long_date

PRODUCT = "-//mbp-registry//cpd due//EN"
LINE_OCTETS = 75


def escaped(text: str) -> str:
    """TEXT as RFC 5545 writes it: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def folded(line: str) -> bytes:
    """One content line in UTF-8, folded into lines of at most 75 octets (a continuation
    starts with a space), each ending in CRLF."""
    data = line.encode("utf-8")
    parts, start, limit = [], 0, LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # not inside a UTF-8 character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, LINE_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _event(row: dict, stamp: str) -> list[str]:
    lapses_on, act_by = row["lapses_on"], row["act_by"]
    what = "; ".join(row["needs"]) or "log what is missing"
    summary = f"Act by: {row['person']} {row['name']} lapses on {long_date(lapses_on)}"
    description = f"{row['name']} ({row['person']}) lapses on {long_date(lapses_on)}.\nWhat to do by {long_date(act_by)}: {what}."
    if row.get("email"):
        description += f"\nEmail: {row['email']}"
    return [
        "BEGIN:VEVENT",
        f"UID:{escaped(row['person'])}-{lapses_on:%Y%m%d}@cpd-due.mbp-registry",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{act_by:%Y%m%d}",
        f"DTEND;VALUE=DATE:{act_by + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escaped(summary)}",
        f"DESCRIPTION:{escaped(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar(rows: list[dict], *, now: dt.datetime | None = None) -> bytes:
    """The rows of `cpd due` as an iCalendar file."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "X-WR-CALNAME:CPD due"]
    for row in rows:
        lines += _event(row, stamp)
    lines.append("END:VCALENDAR")
    return b"".join(folded(line) for line in lines)

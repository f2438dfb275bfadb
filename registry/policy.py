"""The compliance policy: what a person must have done in the rolling window.

The built-in default is the contract's: the BAMBA good-practice conditions, with 30
CPD hours a year as the assumption documented in docs/rules.md. A service may replace
any number with a TOML policy file (`--policy FILE` or MBP_REGISTRY_POLICY).
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import Invalid
from .vocab import CPD_CATEGORIES, GROUP_TIME, PRACTISING_WORK, SESSION_KINDS, STAGES, STATUSES

ENV_VAR = "MBP_REGISTRY_POLICY"
# Policies shipped with the registry, usable by name: `--policy bacp-monthly`.
SHIPPED = Path(__file__).resolve().parent / "policies"


@dataclass(frozen=True)
class Policy:
    name: str = "default (BAMBA good practice)"
    window_days: int = 365
    minimum_stage: str = "teacher"
    assessed_statuses: tuple[str, ...] = ("active",)
    cpd_hours: float = 30
    retreat_days: float = 5
    # The hours of CPD in `cpd_event_categories` that must be among `cpd_hours` (0: none).
    cpd_event_hours: float = 0
    cpd_event_categories: tuple[str, ...] = ("course", "workshop", "conference")
    # Only retreats with a leader (`led_by`) count.
    retreat_teacher_led: bool = False
    counted_kinds: tuple[str, ...] = ("individual", "group")
    # The work in the window that makes a person practising (the contract's `practising`).
    practising_work: tuple[str, ...] = PRACTISING_WORK
    sessions_when_practising: int = 12
    sessions_when_not_practising: int = 1
    # Minutes of counted supervision in every calendar month wholly inside the window
    # (0: no monthly rule). BACP asks for 90, with no averaging across months.
    minutes_each_month: int = 0
    # How a group session's minutes count for the monthly rule: "whole", "half" (half
    # for up to `group_half_up_to` supervisees, divided by the group's size above) or
    # "divided" (divided by the group's size).
    group_time: str = "whole"
    group_half_up_to: int = 4
    # Under the monthly rule, a month in which the person did no practising work is not required.
    skip_months_without_practice: bool = False
    # New teachers (within `new_teacher_years` of their first stage `teacher` or higher;
    # 0: no rule) need this many hours of supervision per course taught in the window.
    new_teacher_years: int = 0
    new_teacher_hours_per_course: float = 3
    # Supervisees a supervisor may have at once (0: no cap; none is published).
    max_supervisees: int = 0
    # An MBI:TAC assessment of teaching counts as recent for this many years (`assessment summary`).
    assessment_recent_years: int = 3
    # Compliance asks for an MBI:TAC assessment (in any programme) dated in the last this
    # many years (0: no such rule).
    assessment_required_within_years: int = 0


# Where each setting lives in a policy file, and where its default comes from.
SETTINGS: dict[str, tuple[str, str]] = {
    "name": ("name", "-"),
    "window_days": ("window_days", "a rolling 12 months: BAMBA good practice guidelines"),
    "minimum_stage": ("assessed.minimum_stage", "listed teachers: BAMBA listing (mindfulnessteachersuk.org.uk)"),
    "assessed_statuses": ("assessed.statuses", "people currently in post"),
    "cpd_hours": (
        "cpd.hours",
        "assumption: the GPG sets no number; 30 h a year is the figure of Breathworks, "
        "a BAMBA member body (breathworks-mindfulness.org.uk)",
    ),
    "retreat_days": ("retreat.days", "BAMBA register: 5 days a year, may be split (bamba.org.uk/retreats)"),
    "cpd_event_hours": (
        "cpd.event_hours",
        "off by default; Breathworks asks for at least 6 h of CPD events a year (breathworks-mindfulness.org.uk)",
    ),
    "cpd_event_categories": ("cpd.event_categories", "the categories of CPD that are events (taken with others)"),
    "retreat_teacher_led": (
        "retreat.teacher_led",
        "off by default; BAMBA: retreats teacher-led, a solitary one only occasionally (bamba.org.uk/retreats)",
    ),
    "counted_kinds": (
        "supervision.counted_kinds",
        "BAMBA: peer supervision complements and never replaces (bamba.org.uk/supervision)",
    ),
    "practising_work": (
        "practising.work",
        "BAMBA: those who teach, train or supervise regularly need supervision monthly (bamba.org.uk/supervision)",
    ),
    "sessions_when_practising": (
        "supervision.sessions_when_practising",
        "BAMBA register: at least monthly while teaching, training or supervising (bamba.org.uk/supervision)",
    ),
    "sessions_when_not_practising": (
        "supervision.sessions_when_not_practising",
        "BAMBA register: at least once a year otherwise (bamba.org.uk/supervision)",
    ),
    "minutes_each_month": ("supervision.minutes_each_month", "off by default; BACP asks for 90 (1.5 h) a month"),
    "group_time": ("supervision.group_time", "whole: BAMBA counts a group session as a session"),
    "group_half_up_to": ("supervision.group_half_up_to", "BACP: half the time for groups of up to 4 (bacp.co.uk/supervision)"),
    "skip_months_without_practice": (
        "supervision.skip_months_without_practice",
        "off by default; BACP: a month without client work may be skipped (bacp.co.uk/supervision)",
    ),
    "new_teacher_years": ("new_teachers.years", "off by default: BAMBA gives no period for a new teacher"),
    "new_teacher_hours_per_course": (
        "new_teachers.hours_per_course",
        "BAMBA: new teachers at least 3 hours of supervision per 8-week course (bamba.org.uk/supervision)",
    ),
    "max_supervisees": ("caseload.max_supervisees", "no published cap: shown, flagged only when set"),
    "assessment_recent_years": (
        "assessment.recent_years",
        "assumption: BAMBA asks for periodic feedback on teaching and sets no period; 3 years",
    ),
    "assessment_required_within_years": (
        "assessment.required_within_years",
        "off by default: BAMBA asks for periodic feedback on teaching and sets no period",
    ),
}


# Keys of earlier policy files, read as the settings that replaced them.
FORMER_KEYS = {
    "supervision.sessions_when_teaching": "sessions_when_practising",
    "supervision.sessions_when_not_teaching": "sessions_when_not_practising",
}
_INTEGERS = (
    "window_days", "sessions_when_practising", "sessions_when_not_practising", "minutes_each_month",
    "max_supervisees", "group_half_up_to", "new_teacher_years", "assessment_recent_years",
    "assessment_required_within_years",
)
# The range of each number: (least, most, unit said).
# Each has a most, so that no number can overflow date arithmetic or a database integer.
_BOUNDS = {
    "window_days": (1, 3650, " of days"),
    "cpd_hours": (0, 1000, " of hours"),
    "cpd_event_hours": (0, 1000, " of hours"),
    "retreat_days": (0, 366, " of days"),
    "sessions_when_practising": (0, 1000, ""),
    "sessions_when_not_practising": (0, 1000, ""),
    "minutes_each_month": (0, 44640, " of minutes"),
    "group_half_up_to": (1, 1000, ""),
    "new_teacher_hours_per_course": (0, 100, " of hours"),
    "max_supervisees": (0, 1000, ""),
    "new_teacher_years": (0, 50, " of years"),
    "assessment_recent_years": (1, 50, " of years"),
    "assessment_required_within_years": (0, 50, " of years"),
}
_CHOICES = {
    "assessed_statuses": STATUSES,
    "counted_kinds": SESSION_KINDS,
    "practising_work": PRACTISING_WORK,
    "cpd_event_categories": CPD_CATEGORIES,
}


def default_policy() -> Policy:
    return Policy()


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in force: the file given, else the file in MBP_REGISTRY_POLICY, else the default."""
    path = path or os.environ.get(ENV_VAR)
    if not path:
        return default_policy()
    path = Path(path)
    if not path.exists() and (SHIPPED / f"{path.name}.toml").is_file():
        path = SHIPPED / f"{path.name}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Invalid(f"policy: no file {str(path)!r}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"policy: {path.name} is not valid TOML: {exc}") from None
    return policy_from_mapping(data, source=path.name)


def policy_from_mapping(data: dict[str, Any], *, source: str = "policy") -> Policy:
    values: dict[str, Any] = {}
    given: dict[str, str] = {}  # setting -> the key that gave it
    by_key = {key: name for name, (key, _) in SETTINGS.items()} | FORMER_KEYS
    for key, value in _flatten(data):
        if key not in by_key:
            raise Invalid(f"policy {source}: unknown key {key!r} (known: {', '.join(sorted(by_key))})")
        name = by_key[key]
        if name in given:
            raise Invalid(f"policy {source}: {key} = {value!r} is the same setting as {given[name]}: keep one of them")
        given[name] = key
        values[name] = _check(source, key, name, value)
    policy = replace(default_policy(), name=values.pop("name", source), **values)
    return policy


def _flatten(data: dict[str, Any], prefix: str = ""):
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{full}.")
        else:
            yield full, value


def _check(source: str, key: str, name: str, value: Any) -> Any:
    def bad(expected: str):
        return Invalid(f"policy {source}: {key} = {value!r} is not {expected}")

    if name == "name":
        if not isinstance(value, str):
            raise bad("text")
        return value
    if name == "minimum_stage":
        if value not in STAGES:
            raise bad(f"one of {', '.join(STAGES)}")
        return value
    if name == "group_time":
        if value not in GROUP_TIME:
            raise bad(f"one of {', '.join(GROUP_TIME)}")
        return value
    if name in ("retreat_teacher_led", "skip_months_without_practice"):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if name in _CHOICES:
        allowed = _CHOICES[name]
        empty_allowed = name == "practising_work"
        if not isinstance(value, list) or not (value or empty_allowed) or any(v not in allowed for v in value):
            raise bad(f"a list of {', '.join(allowed)}")
        return tuple(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise bad("a finite number")
    least, most, unit = _BOUNDS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not least <= value <= most:
        raise bad(f"a number{unit} from {least} to {most}")
    integer = name in _INTEGERS
    if integer and int(value) != value:
        raise bad("a whole number")
    return int(value) if integer else float(value)


def describe(policy: Policy) -> list[dict]:
    """The policy in force, setting by setting, with the source of each default."""
    default = default_policy()
    rows = []
    for item in fields(Policy):
        key, source = SETTINGS[item.name]
        value = getattr(policy, item.name)
        changed = value != getattr(default, item.name)
        rows.append(
            {
                "setting": key,
                "value": list(value) if isinstance(value, tuple) else value,
                "source": "this policy file" if changed and item.name != "name" else source,
            }
        )
    return rows

"""The compliance policy: what a person must have done in the rolling window.

The built-in default is the contract's: the BAMBA good-practice conditions, with 30
CPD hours a year as the assumption documented in docs/rules.md. A service may replace
any number with a TOML policy file (`--policy FILE` or MBP_REGISTRY_POLICY).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import Invalid
from .vocab import SESSION_KINDS, STAGES, STATUSES

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
    counted_kinds: tuple[str, ...] = ("individual", "group")
    sessions_when_teaching: int = 12
    sessions_when_not_teaching: int = 1
    # Minutes of counted supervision in every calendar month wholly inside the window
    # (0: no monthly rule). BACP asks for 90, with no averaging across months.
    minutes_each_month: int = 0
    # Supervisees a supervisor may have at once (0: no cap; none is published).
    max_supervisees: int = 0


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
    "counted_kinds": (
        "supervision.counted_kinds",
        "BAMBA: peer supervision complements and never replaces (bamba.org.uk/supervision)",
    ),
    "sessions_when_teaching": (
        "supervision.sessions_when_teaching",
        "BAMBA register: at least monthly while teaching (bamba.org.uk/supervision)",
    ),
    "sessions_when_not_teaching": (
        "supervision.sessions_when_not_teaching",
        "BAMBA register: at least once a year when not teaching (bamba.org.uk/supervision)",
    ),
    "minutes_each_month": ("supervision.minutes_each_month", "off by default; BACP asks for 90 (1.5 h) a month"),
    "max_supervisees": ("caseload.max_supervisees", "no published cap: shown, flagged only when set"),
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
    by_key = {key: name for name, (key, _) in SETTINGS.items()}
    for key, value in _flatten(data):
        if key not in by_key:
            raise Invalid(f"policy {source}: unknown key {key!r} (known: {', '.join(sorted(by_key))})")
        name = by_key[key]
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
    if name in ("assessed_statuses", "counted_kinds"):
        allowed = STATUSES if name == "assessed_statuses" else SESSION_KINDS
        if not isinstance(value, list) or not value or any(v not in allowed for v in value):
            raise bad(f"a list of {', '.join(allowed)}")
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise bad("a number of at least 0")
    if name in ("window_days",) and value < 1:
        raise bad("a number of days of at least 1")
    integer = name in ("window_days", "sessions_when_teaching", "sessions_when_not_teaching", "minutes_each_month", "max_supervisees")
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

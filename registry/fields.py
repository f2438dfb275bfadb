"""Reading one field's value, from a command-line option or a bundle cell alike.

Each parser takes the field's name and a value (text, or an already typed value),
and returns the typed value or raises `Invalid` with a message that names the
field and the bad value. Empty text is None; callers decide whether that is allowed.
The value rules and their reasons are listed in docs/rules.md ("Values").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Sequence

from .errors import Invalid

MAX_TEXT = {"name": 200, "description": 500, "notes": 10_000}


FORMULA_STARTS = ("=", "+", "-", "@")
# A spreadsheet also runs a cell that starts with a tab or a carriage return before one.
CELL_GUARDED_STARTS = (*FORMULA_STARTS, "\t", "\r")
_WHOLE = re.compile(r"[+-]?[0-9]{1,12}")
_PLAIN_DECIMAL = re.compile(r"[0-9]{1,6}(\.[0-9]{1,2})?")
# C0 controls but tab and line breaks, DEL, and the C1 controls (a terminal may act on \x9b).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone surrogates: bytes of a command-line argument that were not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# In a name (one line): every control character, tab and line breaks included.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters that change how a name looks but not what it says: text-direction
# embeddings, overrides and isolates, zero-width spaces and joiners, the byte order mark.
_INVISIBLE = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
# A reference: ASCII letters, digits, - _ . and /, starting with a letter or digit.
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")
_REF_SEPARATORS = re.compile(r"[;,\s]")
MAX_REF = 64
# The years a date may fall in: older or later dates are typing mistakes.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; reading removes
    it (from a formula; text the registry keeps never starts with a tab or line break)."""
    return "'" + text if text.startswith(CELL_GUARDED_STARTS) else text


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(field: str, value, *, max_length: int = 200) -> str | None:
    if value is None:
        return None
    if value.__class__ is not str:
        value = str(value)
    value = value.strip()
    if not value:
        return None
    if value[0] == "'" and value[1:2] in FORMULA_STARTS:
        value = value[1:]  # an exported cell, protected from running as a spreadsheet formula
    if len(value) > max_length:
        raise Invalid(f"{field}: text of {len(value)} characters is longer than {max_length}")
    if _CONTROL.search(value):
        raise Invalid(f"{field}: {value!r} contains control characters")
    if _SURROGATE.search(value):
        raise Invalid(f"{field}: {value!r} is not UTF-8 text")
    return value


def name(field: str, value, *, max_length: int = 200) -> str | None:
    """Text that names someone or something: one line, with no character that hides
    or reorders what is shown."""
    value = text(field, value, max_length=max_length)
    if value is not None:
        if _NAME_CONTROL.search(value):
            raise Invalid(f"{field}: {value!r} contains control characters")
        if _INVISIBLE.search(value):
            raise Invalid(f"{field}: {value!r} contains text-direction or zero-width characters")
    return value


def ref(field: str, value) -> str | None:
    """A reference to a record (a person's ref, an organisation's or programme's code)."""
    value = text(field, value, max_length=MAX_REF)
    if value is None or _REF.fullmatch(value):
        return value
    if _REF_SEPARATORS.search(value):
        raise Invalid(f"{field}: {value!r} is not a single reference")
    raise Invalid(f"{field}: {value!r} is not a reference (letters, digits, - _ . /, starting with a letter or digit)")


def required(field: str, value):
    if value is None:
        raise Invalid(f"{field}: a value is required")
    return value


def date(field: str, value) -> dt.date | None:
    """A date in the years FIRST_YEAR to LAST_YEAR, as YYYY-MM-DD or already a date."""
    if value.__class__ is str:
        raw = value.strip()
        if not raw:
            return None
        day = _iso_date(field, raw)
    elif isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif value is None:
        return None
    else:
        day = _iso_date(field, str(value).strip())
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(f"{field}: {day.isoformat()} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _iso_date(field: str, raw: str) -> dt.date:
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise Invalid(f"{field}: {raw!r} is not a date (YYYY-MM-DD)")


def integer(field: str, value, *, low: int | None = None, high: int | None = None) -> int | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid(f"{field}: {value!r} is not a whole number")
    if isinstance(value, int):
        number = value
    else:
        raw = str(value).strip()
        if not _WHOLE.fullmatch(raw):
            raise Invalid(f"{field}: {raw!r} is not a whole number")
        number = int(raw)
    _in_range(field, number, low, high, low_inclusive=True)
    return number


def number(
    field: str,
    value,
    *,
    above: float | None = None,
    high: float | None = None,
    step: Decimal | None = None,
) -> float | None:
    """A decimal number greater than `above` and at most `high`, in multiples of `step`."""
    if blank(value):
        return None
    raw = str(value).strip()
    if _PLAIN_DECIMAL.fullmatch(raw) and step is None:
        # The common case, exact in binary to two places: no Decimal needed.
        result = float(raw)
        _in_range(field, result, above, high, low_inclusive=False)
        return result
    if not raw.isascii() or "_" in raw:
        # Decimal() would read other scripts' digits, full-width digits and 1_0 as numbers.
        raise Invalid(f"{field}: {raw!r} is not a number")
    try:
        parsed = Decimal(raw) if not isinstance(value, (int, float)) else Decimal(str(value))
    except InvalidOperation:
        raise Invalid(f"{field}: {raw!r} is not a number") from None
    if not parsed.is_finite():
        raise Invalid(f"{field}: {raw!r} is not a number")
    result = float(parsed)
    if math.isinf(result):
        raise Invalid(f"{field}: {raw!r} is not a number")
    _in_range(field, result, above, high, low_inclusive=False)
    if step is not None and parsed % step != 0:
        raise Invalid(f"{field}: {raw} is not a multiple of {step}")
    if step is None and parsed != parsed.quantize(Decimal("0.01")):
        raise Invalid(f"{field}: {raw} has more than 2 decimal places")
    return result


def _in_range(field, value, low, high, *, low_inclusive: bool) -> None:
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and value > high
    if too_low or too_high:
        if low is None:
            expected = f"at most {_fmt(high)}"
        elif high is None:
            expected = f"at least {_fmt(low)}" if low_inclusive else f"greater than {_fmt(low)}"
        elif low_inclusive:
            expected = f"{_fmt(low)} to {_fmt(high)}"
        else:
            expected = f"greater than {_fmt(low)} and at most {_fmt(high)}"
        raise Invalid(f"{field}: {_fmt(value)} is out of range ({expected})")


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def choice(field: str, value, choices: Sequence[str]) -> str | None:
    """One of `choices` (all lower case), in any case; returns it as written in `choices`."""
    if value is None:
        return None
    raw = value.strip() if value.__class__ is str else str(value).strip()
    if not raw:
        return None
    canonical = raw.lower() if raw.isascii() else raw
    if canonical not in choices:
        raise Invalid(f"{field}: {raw!r} is not one of {', '.join(choices)}")
    return canonical


def boolean(field: str, value) -> bool | None:
    if isinstance(value, bool):
        return value
    if blank(value):
        return None
    raw = str(value).strip().lower()
    if raw == "true":
        return True
    if raw == "false":
        return False
    raise Invalid(f"{field}: {str(value).strip()!r} is not true or false")


def ref_list(field: str, value) -> list[str]:
    if blank(value):
        return []
    if isinstance(value, (list, tuple)):
        items = [str(item).strip() for item in value]
    else:
        text_value = str(value).strip()
        if text_value[:1] == "'" and text_value[1:2] in FORMULA_STARTS:
            text_value = text_value[1:]
        items = [item.strip() for item in text_value.split(";")]
    refs = [ref(field, item) for item in items if item]
    seen = set()
    for item in refs:
        if item in seen:
            raise Invalid(f"{field}: {item!r} is listed twice")
        seen.add(item)
    return refs

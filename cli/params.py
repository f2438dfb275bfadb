"""Click parameter types the commands share."""

from __future__ import annotations

import re
from typing import Sequence

import click


def choice(values: Sequence[str]) -> click.Choice:
    """One of `values`, typed in any case (`Workshop` is `workshop`)."""
    return click.Choice(values, case_sensitive=False)


class WholeNumber(click.IntRange):
    """A whole number in a range, written in ASCII digits.

    Python's int() also reads `1_0` and other scripts' digits; a count typed on the
    command line is plain digits, as in the bundle (registry.fields.integer).
    """

    name = "whole number"

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not _ASCII_WHOLE.fullmatch(value.strip()):
            self.fail(f"{value!r} is not a valid whole number.", param, ctx)
        return super().convert(value, param, ctx)


_ASCII_WHOLE = re.compile(r"[+-]?[0-9]+")


def whole(low: int | None = None, high: int | None = None) -> WholeNumber:
    """A whole-number option type, with optional inclusive bounds."""
    return WholeNumber(min=low, max=high)

"""Click parameter types the commands share."""

from __future__ import annotations

from typing import Sequence

import click


def choice(values: Sequence[str]) -> click.Choice:
    """One of `values`, typed in any case (`Workshop` is `workshop`)."""
    return click.Choice(values, case_sensitive=False)

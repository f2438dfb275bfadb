"""What every command shares: the database it works on and who is acting."""

from __future__ import annotations

import getpass
from functools import cached_property
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine


class State:
    def __init__(self, db: str | None, actor: str | None):
        self.db = db
        self.actor = actor or _os_user()

    @cached_property
    def engine(self) -> Engine:
        from registry.session import open_engine

        return open_engine(self.db)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment, e.g. some containers
        return "unknown"


pass_state = click.make_pass_decorator(State)

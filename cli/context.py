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
        self._actor = actor

    @cached_property
    def actor(self) -> str:
        """Who is acting, checked like any text the audit trail keeps: one line, at most 100."""
        from mbp_registry.registry.errors import Invalid
        from mbp_registry.registry.fields import text

        actor = text("actor", self._actor, max_length=100)
        if actor and any(mark in actor for mark in "\t\n\r"):
            raise Invalid(f"actor: {actor!r} is not a single line")
        return actor or _os_user()

    @cached_property
    def engine(self) -> Engine:
        from mbp_registry.registry.session import open_engine

        engine = open_engine(self.db)
        # Close its connections when the command ends, also when the CLI is called in
        # process many times (cli.main(..., standalone_mode=False), CliRunner).
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.find_root().call_on_close(engine.dispose)
        return engine


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment, e.g. some containers
        return "unknown"


pass_state = click.make_pass_decorator(State)

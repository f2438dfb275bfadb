"""What every command shares: the database it works on and who is acting."""

from __future__ import annotations

import getpass
from functools import cached_property

import click

# The commands that may create a SQLite file named by --db; any other refuses a file that
# is not there, so that a mistyped path is an error rather than a new, empty registry.
CREATE_DATABASE = ("init", "demo", "import")


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
    def engine(self):
        """The database, refused unless its schema is at the newest migration."""
        return self._open(check_schema=True)

    @cached_property
    def engine_at_any_revision(self):
        """The database whatever its schema revision: for `init`, `db info` and `db check`."""
        return self._open(check_schema=False)

    def _open(self, *, check_schema: bool):
        from mbp_registry.registry.session import open_engine

        ctx = click.get_current_context(silent=True)
        root = ctx.find_root() if ctx is not None else None
        create = root is not None and root.invoked_subcommand in CREATE_DATABASE
        engine = open_engine(self.db, check_schema=check_schema, create=create)
        # Close its connections when the command ends, also when the CLI is called in
        # process many times (cli.main(..., standalone_mode=False), CliRunner).
        if root is not None:
            root.call_on_close(engine.dispose)
        return engine


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment, e.g. some containers
        return "unknown"


pass_state = click.make_pass_decorator(State)

"""The root `mbp-registry` group: database selection, the acting user, and error handling."""

from __future__ import annotations

import os

import click

from mbp_registry.registry.db import ENV_VAR as DATABASE_ENV_VAR
from mbp_registry.registry.errors import RegistryError
from mbp_registry.registry.redact import mask_password

from .context import State

# Each command group lives in the module of its name (cli/<group>.py), loaded only
# when used, so that `--help` stays fast: name -> (module, attribute).
SUBCOMMANDS = {
    "init": ("mbp_registry.cli.db", "init"),
    "db": ("mbp_registry.cli.db", "db"),
    "config": ("mbp_registry.cli.config", "config"),
    "demo": ("mbp_registry.cli.demo", "demo"),
    "org": ("mbp_registry.cli.org", "org"),
    "programme": ("mbp_registry.cli.programme", "programme"),
    "person": ("mbp_registry.cli.person", "person"),
    "stage": ("mbp_registry.cli.stage", "stage"),
    "training": ("mbp_registry.cli.training", "training"),
    "supervision": ("mbp_registry.cli.supervision", "supervision"),
    "cpd": ("mbp_registry.cli.cpd", "cpd"),
    "listing": ("mbp_registry.cli.listing", "listing"),
    "policy": ("mbp_registry.cli.policy", "policy"),
    "retreat": ("mbp_registry.cli.retreat", "retreat"),
    "course": ("mbp_registry.cli.course", "course"),
    "assessment": ("mbp_registry.cli.assessment", "assessment"),
    "audit": ("mbp_registry.cli.audit", "audit"),
    "amend": ("mbp_registry.cli.correct", "amend"),
    "remove": ("mbp_registry.cli.correct", "remove"),
    "succession": ("mbp_registry.cli.succession", "succession"),
    "lineage": ("mbp_registry.cli.lineage", "lineage"),
    "fixtures": ("mbp_registry.cli.fixtures_cmd", "fixtures"),
    "report": ("mbp_registry.cli.report", "report"),
    "reminders": ("mbp_registry.cli.reminders", "reminders"),
    "import": ("mbp_registry.cli.bundle", "import_"),
    "export": ("mbp_registry.cli.bundle", "export"),
}


class RegistryGroup(click.Group):
    """Loads subcommands lazily and turns registry errors into one-line messages."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx, name):
        if name in SUBCOMMANDS:
            import importlib

            module_name, attribute = SUBCOMMANDS[name]
            return getattr(importlib.import_module(module_name), attribute)
        return super().get_command(ctx, name)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise one_line(exc) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise one_line(exc) from None
        except RegistryError as exc:
            raise click.ClickException(mask_password(str(exc))) from None
        except click.exceptions.Exit:
            raise
        except OverflowError:
            # Dates are read within the years 1900 to 2200, so that date arithmetic cannot
            # leave Python's range; should any still do, it is one line, not a traceback.
            raise click.ClickException("a date is too far in the past or the future to work with") from None
        except Exception as exc:
            from mbp_registry.registry.db import describe_database_error

            message = describe_database_error(exc)
            if message is None:
                raise
            raise click.ClickException(message) from None


def one_line(exc: click.UsageError) -> click.ClickException:
    """Click's own usage error (a bad or missing option or argument) as one line,
    `Error: ... (see --help)`, exit status 2; a bare group still shows its help."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        return exc
    error = click.ClickException(f"{exc.format_message()} (see --help)")
    error.exit_code = exc.exit_code
    return error


@click.group(cls=RegistryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar=DATABASE_ENV_VAR,
    show_envvar=True,
    metavar="URL",
    help="Database: a SQLAlchemy URL (sqlite:///..., postgresql+psycopg://...) or a "
    "SQLite file path. Default: registry.db in your data folder.",
)
@click.option("--actor", metavar="NAME", help="Who is acting, for the audit trail. Default: your OS user name.")
@click.version_option(package_name="mbp-registry")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None) -> None:
    """The workforce, supervision and succession registry for services that deliver
    mindfulness-based programmes (MBCT, MBSR, ...).

    \b
    Start with:
      mbp-registry demo                     load the sample service and see its reports
      mbp-registry init                     create or upgrade the schema of your database
    """
    if db is None and os.environ.get(DATABASE_ENV_VAR) == "":
        db = ""  # Click reads an empty variable as none given; the registry refuses it
    ctx.obj = State(db, actor)


def main() -> None:
    cli(prog_name="mbp-registry")

"""What many commands share: list filters, the policy and date options, transactions,
and the commands that add a record or list records of one type."""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

import click

from mbp_registry.registry.policy import ENV_VAR as POLICY_ENV_VAR
from mbp_registry.registry.vocab import CPD_CATEGORIES, SESSION_KINDS, STAGES, STATUSES

from .context import State, pass_state
from .output import Column, Output, columns, output_options, render
from .params import choice

T = TypeVar("T")
R = TypeVar("R")

FILTERS = {
    "person": click.option("--person", metavar="REF", help="Only records of this person."),
    "organisation": click.option("--organisation", "--org", metavar="CODE", help="Only people of this organisation."),
    "region": click.option("--region", metavar="NAME", help="Only people of organisations in this region."),
    "programme": click.option("--programme", metavar="CODE", help="Only this programme."),
    "status": click.option("--status", metavar="STATUS", help=f"Only people with this status: {', '.join(STATUSES)}."),
    "stage": click.option(
        "--stage", metavar="STAGE", help=f"Only this stage: {', '.join(STAGES)} (for people: their highest stage now)."
    ),
    "date_from": click.option("--from", "date_from", metavar="DATE", help="Only records dated on or after DATE."),
    "date_to": click.option("--to", "date_to", metavar="DATE", help="Only records dated on or before DATE."),
    "kind": click.option("--kind", type=choice(SESSION_KINDS), help="Only this kind of session."),
    "category": click.option("--category", type=choice(CPD_CATEGORIES), help="Only this CPD category."),
    "current": click.option("--current", is_flag=True, help="Only links current today."),
}


def filter_options(*names: str):
    """Add the named filter options; the command receives them as one `filters` argument."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            from mbp_registry.registry.views import Filters

            values = {name: kwargs.pop(name) for name in names}
            return func(*args, filters=Filters(**values), **kwargs)

        for name in reversed(names):
            wrapper = FILTERS[name](wrapper)
        return wrapper

    return decorator


def reading(state: State, work: Callable[..., T]) -> T:
    from mbp_registry.registry.session import reading as read_transaction

    with read_transaction(state.engine) as session:
        return work(session)


def writing(state: State, work: Callable[..., T]) -> T:
    from mbp_registry.registry.session import writing as write_transaction

    with write_transaction(state.engine) as session:
        return work(session)


def recording(state: State, work: Callable[..., T]) -> T:
    """`writing` on a Core connection: for the commands that add one record, which need
    no ORM (so that logging a session stays quick)."""
    from mbp_registry.registry.session import recording as record_transaction

    with record_transaction(state.engine) as connection:
        return work(connection)


def record_type(name: str):
    """The record type called `name`, e.g. "supervision link"."""
    from mbp_registry.registry import recordtypes

    return {r.name: r for r in recordtypes.ALL}[name]


def columns_of(record_type_name: str, *, without: tuple[str, ...] = ()) -> list[str]:
    return [c for c in record_type(record_type_name).columns if c not in without]


def add(state: State, record_type_name: str, raw: dict) -> dict:
    """Add one record (checked and audited by the library); returns its stored values."""
    from mbp_registry.registry.records import add_record

    return recording(state, lambda db: add_record(db, record_type(record_type_name), raw, actor=state.actor))


def update(state: State, record_type_name: str, key: str, changes: dict, *, on: str | None = None) -> dict | None:
    """Change the given fields of one record (checked and audited); returns its stored
    values, or None when they already were as given (nothing is written). Giving no
    field at all is a usage error."""
    from mbp_registry.registry.records import update_record

    if all(value is None for value in changes.values()):
        options = ", ".join(f"--{name.replace('_', '-')}" for name in changes)
        raise click.UsageError(f"nothing to change: give at least one of {options}")
    return writing(
        state, lambda s: update_record(s, record_type(record_type_name), key, changes, actor=state.actor, on=on)
    )


def with_checked(state: State, scope: T, work: Callable[..., R], *, write: bool = False, audit_trail: bool = False):
    """Run `work(session, scope)` in one transaction (a write when `write`), the filter
    values of `scope` first checked against the registry and spelled as it spells them
    (a value that matches nothing is an error naming the closest known ones). Returns
    the result and the checked scope."""
    from mbp_registry.registry.filters import checked

    def run(session):
        known = checked(session, scope, audit_trail=audit_trail)
        return work(session, known), known

    return (writing if write else reading)(state, run)


def in_scope(scope) -> str:
    """" in region North, programme MBCT" for a scope that narrows anything, else ""."""
    from mbp_registry.registry.filters import scope_words

    words = scope_words(scope)
    return f" in {words}" if words else ""


def nothing_matches(what: str, scope) -> str:
    """The words for a list that is empty: "No sessions match: person T001, kind group."."""
    from mbp_registry.registry.filters import scope_words

    words = scope_words(scope)
    return f"No {what} match: {words}." if words else f"No {what} in the registry."


# What a list of each record type is called in a sentence, where not just "<name>s".
PLURAL = {"person": "people", "cpd": "CPD records", "training": "training records"}


def list_records(state: State, record_type_name: str, filters, fmt: str) -> None:
    """Print the records of one type that meet the filters, in the chosen format."""
    from mbp_registry.registry import views

    rows, known = with_checked(state, filters, lambda s, f: views.list_records(s, record_type(record_type_name), f))
    what = PLURAL.get(record_type_name, f"{record_type_name}s")
    render(rows, fmt, Output(list_columns(record_type_name), empty=lambda _: nothing_matches(what, known)))


def list_columns(record_type_name: str, *, without: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """The columns of a list of records: its bundle fields, and for events (which are
    corrected by id) the `id` in the table (the JSON always has it)."""
    shown = columns(*columns_of(record_type_name, without=without))
    if record_type_name in ("person", "organisation", "programme"):
        return shown
    return (Column("id", formats=("table",)), *shown)


def list_command(group: click.Group, record_type_name: str, filter_names: tuple[str, ...], summary: str, name: str = "list"):
    """Add to `group` the command that lists records of one type, with the filters named."""

    @group.command(name, help=summary)
    @filter_options(*filter_names)
    @output_options()
    @pass_state
    def command(state: State, filters, fmt: str) -> None:
        list_records(state, record_type_name, filters, fmt)

    return command


def as_of_option(func):
    return click.option("--as-of", metavar="DATE", help="The day to report on. Default: today.")(func)


def policy_option(func):
    return click.option(
        "--policy",
        "policy_file",
        metavar="FILE",
        envvar=POLICY_ENV_VAR,
        show_envvar=True,
        help="A TOML policy file, or the name of a shipped one (bacp-monthly, nmc-revalidation). "
        "Default: the built-in policy (see `policy show`).",
    )(func)


def parse_as_of(value: str | None):
    import datetime as dt

    from mbp_registry.registry import fields

    return fields.date("as-of", value) or dt.date.today()


def scope_options(func):
    for option in reversed(
        [
            click.option("--organisation", "--org", metavar="CODE", help="Only people of this organisation."),
            click.option("--region", metavar="NAME", help="Only people in this region."),
            click.option("--programme", metavar="CODE", help="Only people with a stage in this programme."),
        ]
    ):
        func = option(func)
    return func

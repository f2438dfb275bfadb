"""Options shared by many commands: list filters and reading/writing the database."""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

import click

from .context import State

T = TypeVar("T")

FILTERS = {
    "person": click.option("--person", metavar="REF", help="Only records of this person."),
    "organisation": click.option("--organisation", "--org", metavar="CODE", help="Only people of this organisation."),
    "region": click.option("--region", metavar="NAME", help="Only people of organisations in this region."),
    "programme": click.option("--programme", metavar="CODE", help="Only this programme."),
    "status": click.option("--status", metavar="STATUS", help="Only people with this status: active, on_leave, left, retired."),
    "stage": click.option("--stage", metavar="STAGE", help="Only this stage (for people: their highest stage now)."),
    "date_from": click.option("--from", "date_from", metavar="DATE", help="Only records dated on or after DATE."),
    "date_to": click.option("--to", "date_to", metavar="DATE", help="Only records dated on or before DATE."),
    "kind": click.option("--kind", type=click.Choice(["individual", "group", "peer"]), help="Only this kind of session."),
    "category": click.option("--category", metavar="CATEGORY", help="Only this CPD category."),
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


def columns_of(record_type_name: str, *, without: tuple[str, ...] = ()) -> list[str]:
    from mbp_registry.registry import recordtypes

    record_type = {r.name: r for r in recordtypes.ALL}[record_type_name]
    return [c for c in record_type.columns if c not in without]


def list_records(state: State, record_type_name: str, filters, fmt: str) -> None:
    """Print the records of one type that meet the filters, in the chosen format."""
    from mbp_registry.registry import recordtypes, views

    from .output import render

    record_type = {r.name: r for r in recordtypes.ALL}[record_type_name]
    rows = reading(state, lambda s: views.list_records(s, record_type, filters))
    render(rows, fmt, columns_of(record_type_name))


def as_of_option(func):
    return click.option("--as-of", metavar="DATE", help="The day to report on. Default: today.")(func)


def policy_option(func):
    return click.option(
        "--policy",
        "policy_file",
        metavar="FILE",
        envvar="MBP_REGISTRY_POLICY",
        show_envvar=True,
        help="A TOML policy file. Default: the built-in policy (see `policy show`).",
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

"""`listing`: BAMBA listing eligibility."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import as_of_option, parse_as_of, policy_option, with_checked
from .output import Column, Output, output_options, render, yes_no

ELIGIBILITY = Output(
    (
        Column("person", "Person"),
        Column("name", "Name"),
        Column("programme", "Programme"),
        Column("supervised_courses", "Supervised courses"),
        Column("compliant", "Compliant"),
        Column("eligible", "Eligible", yes_no("eligible")),
        Column("missing", "Missing"),
    )
)


@click.group()
def listing() -> None:
    """BAMBA listing eligibility.

    \b
    Example:
      mbp-registry listing check
      mbp-registry listing check T004 --format json
    """


@listing.command("check")
@click.argument("ref", required=False)
@as_of_option
@policy_option
@output_options()
@pass_state
def listing_check(state: State, ref, as_of, policy_file, fmt) -> None:
    """For each teacher and programme: stage teacher or higher, at least 2 supervised
    courses taught in that programme, and compliant now; and what is missing."""
    from mbp_registry.registry.compliance import Scope
    from mbp_registry.registry.compliance import listing_check as check
    from mbp_registry.registry.policy import load_policy

    policy = load_policy(policy_file)
    day = parse_as_of(as_of)
    rows, known = with_checked(state, Scope(person=ref), lambda s, scope: check(s, as_of=day, policy=policy, person=scope.person))
    if ref and not rows:
        raise click.ClickException(f"{known.person} holds no stage teacher or higher, or is not active")
    empty = f"No active person holds stage teacher or higher on {day.isoformat()}: nobody to check for listing."
    render(rows, fmt, Output(ELIGIBILITY.columns, empty=lambda _: empty))

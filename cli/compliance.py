"""`cpd compliance|due|summary`, `listing check` and `policy show`: the training lead's reports."""

from __future__ import annotations

import click

from .activities import cpd
from .context import State, pass_state
from .options import as_of_option, parse_as_of, policy_option, reading, scope_options
from .output import json_text, output_options, render, table_text


def _scope(organisation, region, programme):
    from mbp_registry.registry.compliance import Scope

    return Scope(organisation=organisation, region=region, programme=programme)


@cpd.command("compliance")
@as_of_option
@scope_options
@click.option("--only-noncompliant", is_flag=True, help="Only people who are not compliant.")
@policy_option
@output_options()
@pass_state
def compliance(state: State, as_of, organisation, region, programme, only_noncompliant, policy_file, fmt) -> None:
    """Who meets the CPD, retreat and supervision policy in the rolling window, and when
    each compliant person lapses (lapses_on) if they log nothing more."""
    from mbp_registry.registry.compliance import compliance_report, needs
    from mbp_registry.registry.policy import load_policy

    policy = load_policy(policy_file)
    day = parse_as_of(as_of)
    report = reading(
        state,
        lambda s: compliance_report(
            s,
            as_of=day,
            policy=policy,
            scope=_scope(organisation, region, programme),
            only_noncompliant=only_noncompliant,
        ),
    )
    people = report["people"]
    if fmt == "json":
        click.echo(json_text(report))
        return
    if fmt == "csv":
        columns = ["person", "name", "organisation", "region", "compliant", "cpd_hours", "retreat_days",
                   "supervision_sessions", "supervision_required", "teaching", "shortfalls", "lapses_on"]
        render(people, fmt, columns)
        return
    rows = [
        {
            **row,
            "compliant": "yes" if row["compliant"] else "NO",
            "supervision": f"{row['supervision_sessions']}/{row['supervision_required']}",
            "teaching": "yes" if row["teaching"] else "no",
            "to_do": "; ".join(needs(row, policy)),
        }
        for row in people
    ]
    click.echo(f"Compliance on {day.isoformat()} under the {policy.name} policy")
    click.echo(table_text(
        rows,
        ["person", "name", "region", "compliant", "cpd_hours", "retreat_days", "supervision", "teaching", "to_do", "lapses_on"],
        ["Person", "Name", "Region", "Compliant", "CPD h", "Retreat d", "Sessions", "Teaching", "To do", "Lapses on"],
    ))
    compliant = sum(1 for row in people if row["compliant"])
    click.echo(f"\n{compliant} of {len(people)} compliant.")


@cpd.command("due")
@click.option("--within", default=60, show_default=True, metavar="DAYS", type=click.IntRange(0, 3650), help="Look this many days ahead.")
@as_of_option
@scope_options
@policy_option
@output_options()
@pass_state
def due(state: State, within, as_of, organisation, region, programme, policy_file, fmt) -> None:
    """Who lapses within the next DAYS, soonest first, and what they must do by when:
    the list to send reminders from."""
    from mbp_registry.registry.compliance import due as due_list
    from mbp_registry.registry.policy import load_policy

    policy = load_policy(policy_file)
    day = parse_as_of(as_of)
    rows = reading(
        state,
        lambda s: due_list(s, as_of=day, within=within, policy=policy, scope=_scope(organisation, region, programme)),
    )
    if fmt == "table":
        click.echo(f"Lapsing between {day.isoformat()} and the next {within} days")
    render(
        rows,
        fmt,
        ["lapses_on", "person", "name", "organisation", "act_by", "needs"],
        ["Lapses on", "Person", "Name", "Organisation", "Act by", "What to do"],
    )


@cpd.command("summary")
@as_of_option
@scope_options
@policy_option
@output_options(("table", "json"))
@pass_state
def summary(state: State, as_of, organisation, region, programme, policy_file, fmt) -> None:
    """Compliance rates by region and organisation, and how many are short of each requirement."""
    from mbp_registry.registry.compliance import summary as compliance_summary
    from mbp_registry.registry.policy import load_policy

    policy = load_policy(policy_file)
    day = parse_as_of(as_of)
    data = reading(
        state, lambda s: compliance_summary(s, as_of=day, policy=policy, scope=_scope(organisation, region, programme))
    )
    if fmt == "json":
        click.echo(json_text(data))
        return
    click.echo(summary_text(data))


def summary_text(data: dict) -> str:
    rate = "-" if data["rate"] is None else f"{data['rate']:.0%}"
    lines = [f"Compliance on {data['as_of'].isoformat()}: {data['compliant']} of {data['assessed']} assessed people ({rate})", ""]
    lines.append(table_text(data["by_requirement"], ["requirement", "short"], ["Requirement", "People short"]))
    columns = ["assessed", "compliant", "rate", "short_of_cpd", "short_of_retreat", "short_of_supervision"]
    headers = ["Assessed", "Compliant", "Rate", "Short of CPD", "Short of retreat", "Short of supervision"]
    for key, title in (("region", "Region"), ("organisation", "Organisation")):
        rows = [{**row, "rate": "-" if row["rate"] is None else f"{row['rate']:.0%}"} for row in data[f"by_{key}"]]
        lines += ["", table_text(rows, [key, *columns], [title, *headers])]
    return "\n".join(lines)


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
    from mbp_registry.registry.compliance import listing_check as check
    from mbp_registry.registry.policy import load_policy

    policy = load_policy(policy_file)
    day = parse_as_of(as_of)
    rows = reading(state, lambda s: check(s, as_of=day, policy=policy, person=ref))
    if ref and not rows:
        raise click.ClickException(f"{ref} holds no stage teacher or higher, or is not active")
    shown = rows if fmt != "table" else [{**r, "eligible": "yes" if r["eligible"] else "NO"} for r in rows]
    render(
        shown,
        fmt,
        ["person", "name", "programme", "supervised_courses", "compliant", "eligible", "missing"],
        ["Person", "Name", "Programme", "Supervised courses", "Compliant", "Eligible", "Missing"],
    )


@click.group()
def policy() -> None:
    """The compliance policy in force.

    \b
    Example:
      mbp-registry policy show
      mbp-registry policy show --policy examples/policy-bacp.toml
    """


@policy.command("show")
@policy_option
@output_options()
def policy_show(policy_file, fmt) -> None:
    """Print the policy in force, with the source of each default."""
    from mbp_registry.registry.policy import describe, load_policy

    render(describe(load_policy(policy_file)), fmt, ["setting", "value", "source"], ["Setting", "Value", "Source"])

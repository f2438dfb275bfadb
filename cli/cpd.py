"""`cpd`: continuing professional development logged, and the training lead's compliance
reports (who is compliant, who lapses soon, rates by region and organisation)."""

from __future__ import annotations

import click

from mbp_registry.registry.vocab import CPD_CATEGORIES

from .context import State, pass_state
from .options import add, as_of_option, in_scope, list_command, parse_as_of, policy_option, scope_options, with_checked
from .output import FORMATS, Column, Output, output_options, render, table_text, yes_no
from .params import choice, whole


@click.group()
def cpd() -> None:
    """Continuing professional development.

    \b
    Example:
      mbp-registry cpd log --person T004 --date 2026-11-14 --hours 6 \\
          --category workshop --description "Inquiry skills day"
    """


list_command(
    cpd,
    "cpd",
    ("person", "organisation", "region", "programme", "category", "date_from", "date_to"),
    "List CPD activities, newest first.",
)


@cpd.command("log")
@click.option("--person", required=True, metavar="REF")
@click.option("--date", required=True, metavar="DATE", help="When it took place (not in the future).")
@click.option("--hours", required=True, metavar="H", help="Hours, more than 0 and at most 100; decimals allowed.")
@click.option("--category", required=True, type=choice(CPD_CATEGORIES))
@click.option("--description", metavar="TEXT")
@pass_state
def cpd_log(state: State, **raw) -> None:
    """Record one CPD activity."""
    values = add(state, "cpd", raw)
    click.echo(f"Logged {values['hours']:g} hours of CPD ({raw['category']}) for {raw['person']} on {values['date'].isoformat()}.")


def _scope(organisation, region, programme):
    from mbp_registry.registry.compliance import Scope

    return Scope(organisation=organisation, region=region, programme=programme)


def nobody_assessed(day, scope) -> str:
    return f"No one is assessed for compliance{in_scope(scope)} on {day.isoformat()}."


def _compliance_output(day, policy, scope, only_noncompliant: bool) -> Output:
    """The compliance report: JSON the whole report, CSV each standing's values, the table
    what a lead acts on (yes/NO, sessions held of required, what to do)."""
    from mbp_registry.registry.compliance import needs

    table, csv = ("table",), ("csv",)
    if only_noncompliant:
        empty = f"No one assessed for compliance{in_scope(scope)} on {day.isoformat()} is non-compliant."
    else:
        empty = nobody_assessed(day, scope)
    return Output(
        (
            Column("person", "Person"),
            Column("name", "Name"),
            Column("organisation", formats=csv),
            Column("region", "Region"),
            Column("compliant", "Compliant", yes_no("compliant")),
            Column("cpd_hours", "CPD h"),
            Column("retreat_days", "Retreat d"),
            Column("supervision_sessions", formats=csv),
            Column("supervision_required", formats=csv),
            Column("supervision", "Sessions", lambda r: f"{r['supervision_sessions']}/{r['supervision_required']}", table),
            Column("teaching", "Teaching", yes_no("teaching", "no")),
            Column("practising", formats=csv),
            Column("practising_as", _practising_heading(policy), lambda r: "; ".join(r["practising_as"]) or "-"),
            Column("shortfalls", formats=csv),
            Column("to_do", "To do", lambda row: "; ".join(needs(row, policy)), table),
            Column("lapses_on", "Lapses on"),
        ),
        rows=lambda report: report["people"],
        before=lambda _: f"Compliance on {day.isoformat()} under the {policy.name} policy",
        after=lambda report: f"\n{sum(1 for r in report['people'] if r['compliant'])} of {len(report['people'])} compliant.",
        empty=lambda _: empty,
    )


def _practising_heading(policy) -> str:
    """The heading of the column that says what makes a person practising: why they need
    more sessions, where practising raises the number, else simply what they practise."""
    if policy.sessions_when_practising > policy.sessions_when_not_practising:
        return f"Why {policy.sessions_when_practising}"
    return "Practising"


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
    from mbp_registry.registry.compliance import compliance_report
    from mbp_registry.registry.policy import load_policy

    policy = load_policy(policy_file)
    day = parse_as_of(as_of)
    report, scope = with_checked(
        state,
        _scope(organisation, region, programme),
        lambda s, scope: compliance_report(s, as_of=day, policy=policy, scope=scope, only_noncompliant=only_noncompliant),
    )
    render(report, fmt, _compliance_output(day, policy, scope, only_noncompliant))


REMINDER_COLUMNS = (
    Column("lapses_on", "Lapses on"),
    Column("person", "Person"),
    Column("name", "Name"),
    Column("organisation", "Organisation"),
    Column("act_by", "Act by"),
    Column("needs", "What to do"),
    Column("email", formats=("csv",)),
)


@cpd.command("due")
@click.option("--within", default=60, show_default=True, metavar="DAYS", type=whole(0, 3650), help="Look this many days ahead.")
@as_of_option
@scope_options
@policy_option
@output_options((*FORMATS, "ics"))
@pass_state
def due(state: State, within, as_of, organisation, region, programme, policy_file, fmt) -> None:
    """Who lapses within the next DAYS, soonest first, and what they must do by when:
    the list to send reminders from (`reminders send`). `--format csv` has each
    person's email for a mail merge; `--format ics` is a calendar file with an all-day
    event on each person's act-by day (mbp-registry cpd due --format ics > due.ics)."""
    from mbp_registry.registry.compliance import due as due_list
    from mbp_registry.registry.policy import load_policy
    from mbp_registry.registry.reminders import due_with_emails

    policy = load_policy(policy_file)
    day = parse_as_of(as_of)
    listed = due_with_emails if fmt in ("csv", "ics") else due_list  # the email for a mail merge or a calendar
    rows, scope = with_checked(
        state,
        _scope(organisation, region, programme),
        lambda s, scope: listed(s, as_of=day, within=within, policy=policy, scope=scope),
    )
    if fmt == "ics":
        from mbp_registry.registry.render.ical import calendar

        click.echo(calendar(rows), nl=False)  # bytes: written as they are, CRLF kept
        return
    from mbp_registry.registry.render.words import nobody_lapses

    before = f"Lapsing between {day.isoformat()} and the next {within} days"
    empty = nobody_lapses(in_scope(scope), within, day)
    render(rows, fmt, Output(REMINDER_COLUMNS, before=lambda _: before, empty=lambda _: empty))


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
    data, scope = with_checked(
        state,
        _scope(organisation, region, programme),
        lambda s, scope: compliance_summary(s, as_of=day, policy=policy, scope=scope),
    )
    render(data, fmt, Output(text=lambda found: summary_text(found) if found["assessed"] else nobody_assessed(day, scope)))


def summary_text(data: dict) -> str:
    """The compliance summary as a lead reads it: the rate, who is short of what, and the
    rates by region and by organisation."""
    lines = [
        f"Compliance on {data['as_of'].isoformat()}: {data['compliant']} of {data['assessed']} assessed people "
        f"({_rate(data['rate'])})",
        "",
    ]
    lines.append(table_text(data["by_requirement"], ["requirement", "short"], ["Requirement", "People short"]))
    keys = ["assessed", "compliant", "rate", "short_of_cpd", "short_of_retreat", "short_of_supervision"]
    headers = ["Assessed", "Compliant", "Rate", "Short of CPD", "Short of retreat", "Short of supervision"]
    if any(row["requirement"] == "assessment" for row in data["by_requirement"]):
        keys.append("short_of_assessment")
        headers.append("Short of assessment")
    for key, title in (("region", "Region"), ("organisation", "Organisation")):
        rows = [{**row, "rate": _rate(row["rate"])} for row in data[f"by_{key}"]]
        lines += ["", table_text(rows, [key, *keys], [title, *headers])]
    return "\n".join(lines)


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"

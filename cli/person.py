"""`person`: the people of the service."""

from __future__ import annotations

import click

from mbp_registry.registry.vocab import ASSIGNABLE_STATUSES, LEAVING_STATUSES

from .context import State, pass_state
from .options import add, as_of_option, filter_options, nothing_matches, parse_as_of, policy_option, reading, update, with_checked, writing
from .output import Output, columns, output_options, record_text, render
from .params import choice


@click.group()
def person() -> None:
    """Teachers, supervisors, trainers and trainees.

    \b
    Example:
      mbp-registry person add T001 --name "Aileen Munro" --organisation NHS-HIGHLAND
      mbp-registry person list --region North --stage teacher
      mbp-registry person show T001
    """


@person.command("add")
@click.argument("ref")
@click.option("--name", required=True, help="Full name.")
@click.option("--organisation", "--org", required=True, metavar="CODE", help="Organisation code.")
@click.option("--email", help="Email address (unique).")
@click.option("--status", type=choice(ASSIGNABLE_STATUSES), default="active", show_default=True)
@click.option("--joined-on", metavar="DATE", help="When they joined the service.")
@click.option("--planned-leaving-on", metavar="DATE", help="A declared leaving or retirement date.")
@pass_state
def person_add(state: State, **raw) -> None:
    """Add a person, identified by the service's REF (e.g. a staff number)."""
    values = add(state, "person", raw)
    click.echo(f"Added {values['ref']} ({values['name']}, {values['organisation']}).")


@person.command("list")
@filter_options("organisation", "region", "programme", "status", "stage")
@output_options()
@pass_state
def person_list(state: State, filters, fmt: str) -> None:
    """List people with their current stage in each programme."""
    from mbp_registry.registry import views

    rows, known = with_checked(state, filters, views.people)
    shown = columns("ref", "name", "organisation", "region", "status", "stages", "planned_leaving_on")
    render(rows, fmt, Output(shown, empty=lambda _: nothing_matches("people", known)))


@person.command("show")
@click.argument("ref")
@as_of_option
@policy_option
@output_options(("table", "json"))
@pass_state
def person_show(state: State, ref: str, as_of, policy_file, fmt: str) -> None:
    """Show a person with their stages, supervision, recent sessions, CPD, retreats,
    courses, and compliance: which records count and why, and those that leave the window next."""
    from mbp_registry.registry import views
    from mbp_registry.registry.policy import load_policy

    day = parse_as_of(as_of)
    policy = load_policy(policy_file)
    data = reading(state, lambda s: views.show_person(s, ref, as_of=day, policy=policy))
    render(data, fmt, PERSON_RECORD)


def practising_words(row: dict) -> str:
    """Why the person needs the sessions they need: practising and the work that makes them so."""
    if not row["practising"]:
        return "not practising"
    return "practising: " + "; ".join(row["practising_as"])


def compliance_text(row: dict | None) -> str:
    """A person's compliance in words, with the records that leave the window next."""
    if row is None:
        return "not assessed (not active, or below the policy's minimum stage)"
    lines = [
        f"{'compliant' if row['compliant'] else 'NOT compliant'}: {row['cpd_hours']:g} CPD hours, "
        f"{row['retreat_days']:g} retreat days, {row['supervision_sessions']} of {row['supervision_required']} "
        f"supervision sessions ({practising_words(row)})"
    ]
    lines += [f"  {need}" for need in row["needs"]]
    if row["records"]:
        lines.append("records in the window:")
        lines += [
            f"  {item['dated'].isoformat()}  {item['record']}: {item['what']}: "
            f"{'counts' if item['counts'] else 'does not count'} ({item['why']})"
            for item in row["records"]
        ]
    if row["lapses_on"]:
        lines.append(f"lapses on {row['lapses_on'].isoformat()} unless more is logged")
    if row["leaving_window_next"]:
        lines.append("next to leave the window:")
        lines += [
            f"  {item['leaves_on'].isoformat()}  {item['record']} of {item['dated'].isoformat()} ({item['amount']:g} {item['unit'] if item['amount'] != 1 else item['unit'][:-1]})"
            for item in row["leaving_window_next"]
        ]
    return "\n".join(lines)


PERSON_RECORD = Output(
    text=record_text(
        {
            "stages": ["programme", "stage", "attained_on", "assessed_by", "tac_level"],
            "supervisors": ["supervisor", "programme", "started_on"],
            "supervisees": ["supervisee", "programme", "started_on"],
            "recent_sessions": ["held_on", "supervisor", "kind", "minutes", "mode", "programme"],
            "cpd": ["date", "hours", "category", "description"],
            "retreats": ["start_on", "days", "led_by", "residential", "online"],
            "courses": ["code", "programme", "start_on", "lead", "co_teachers", "supervised"],
            "trained_by": ["trainer", "programme", "stage", "trained_on"],
            "trained": ["trainee", "programme", "stage", "trained_on"],
            "teaching_assessed": ["programme", "domain", "level", "on", "previous", "trend"],
            "status_history": ["id", "on", "status", "organisation"],
            "compliance": compliance_text,
        }
    )
)


@person.command("update")
@click.argument("ref")
@click.option("--name")
@click.option("--organisation", "--org", metavar="CODE")
@click.option("--email")
@click.option("--status", type=choice(ASSIGNABLE_STATUSES))
@click.option("--joined-on", metavar="DATE")
@click.option("--planned-leaving-on", metavar="DATE")
@click.option(
    "--on", "on", metavar="DATE", help="The day a change of status or organisation took effect. Default: today."
)
@pass_state
def person_update(state: State, ref, on, **changes) -> None:
    """Change a person's details. Only the options given are changed. A change of status or
    organisation is added to the person's history, on --on DATE."""
    if update(state, "person", ref, changes, on=on) is None:
        click.echo(f"No change: {ref} already has these details.")
    else:
        click.echo(f"Updated {ref}.")


@person.command("leave")
@click.argument("ref")
@click.option("--on", "on", required=True, metavar="DATE", help="The day they left.")
@click.option("--status", type=choice(LEAVING_STATUSES), default="left", show_default=True)
@pass_state
def person_leave(state: State, ref: str, on: str, status: str) -> None:
    """Record that a person has left the service or retired."""
    from mbp_registry.registry.records import leave

    values = writing(state, lambda s: leave(s, ref, on=on, status=status, actor=state.actor))
    went = "retired" if status == "retired" else "left"
    if values is None:
        click.echo(f"No change: {ref} already {went} on {on.strip()}.")
    else:
        click.echo(f"{ref} {went} on {values['left_on'].isoformat()}.")


@person.command("export-data")
@click.argument("ref")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (readable by you only); default: standard output.")
@pass_state
def export_data(state: State, ref: str, out: str | None) -> None:
    """Everything held about one person, as JSON (a subject access request). Audited."""
    from mbp_registry.registry.files import write_private
    from mbp_registry.registry.privacy import subject_access

    from .output import json_text

    def export(session) -> str:
        # Written inside the transaction: when the file cannot be written, the audit
        # entry of this reading is rolled back with it.
        text = json_text(subject_access(session, ref, actor=state.actor)) + "\n"
        if out:
            write_private(out, text, what="out")
        return text

    text = writing(state, export)
    if not out:
        click.echo(text, nl=False)
        return
    click.echo(f"Wrote everything held about {ref} to {out}.")


@person.command("erase")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Confirm without being asked.")
@pass_state
def erase(state: State, ref: str, yes: bool) -> None:
    """Erase a person's identifying details, keeping anonymous counts for reports. Audited."""
    from mbp_registry.registry.privacy import erase as erase_person

    if not yes:
        click.confirm(f"Erase {ref}'s name, email, ref and supervision notes for good?", abort=True)
    erased = writing(state, lambda s: erase_person(s, ref, actor=state.actor))
    click.echo(f"Erased {ref}: their records remain, anonymous, as {erased.anonymous}.")
    if erased.log_emptied is False:
        click.echo(
            "Warning: others were reading the database, so its write-ahead log could not be emptied now; "
            "the erased values leave it at its next checkpoint (run any command when no one else is).",
            err=True,
        )

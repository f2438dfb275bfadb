"""`succession`: the governance lead's report, successor nominations and what-if."""

from __future__ import annotations

import click

from mbp_registry.registry.vocab import READINESS

from .context import State, pass_state
from .options import add, as_of_option, nothing_matches, parse_as_of, policy_option, reading, with_checked, writing
from .output import Column, Output, columns, output_options, render
from .params import choice


@click.group()
def succession() -> None:
    """Where the service depends on one person, trainer generations, successors.

    \b
    Example:
      mbp-registry succession report
      mbp-registry succession what-if --without S03
      mbp-registry succession nominate --post supervisor/MBCT/South \\
          --candidate T018 --readiness 1_2_years
    """


def _cap(policy_file) -> int:
    from mbp_registry.registry.policy import load_policy

    return load_policy(policy_file).max_supervisees


@succession.command("report")
@as_of_option
@policy_option
@output_options(("table", "json"))
@pass_state
def report(state: State, as_of, policy_file, fmt) -> None:
    """Single points of failure, trainer generations, missing generations, trainers with
    no successor, people leaving within 18 months, and key posts without a successor."""
    from mbp_registry.registry.render.words import succession_report_text
    from mbp_registry.registry.succession import succession_report

    day = parse_as_of(as_of)
    cap = _cap(policy_file)
    data = reading(state, lambda s: succession_report(s, as_of=day, max_supervisees=cap))
    render(data, fmt, Output(text=lambda found: _with_names(state, succession_report_text, found)))


def _with_names(state: State, text, data: dict) -> str:
    """`text` of the data, people shown with their names (read only for the text)."""
    from mbp_registry.registry.views import names

    return text(data, reading(state, names))


@succession.command("what-if")
@click.option("--without", "without", multiple=True, required=True, metavar="REF", help="Someone who leaves; repeat for several.")
@as_of_option
@policy_option
@output_options(("table", "json"))
@pass_state
def what_if_command(state: State, without, as_of, policy_file, fmt) -> None:
    """The report as if these people left today: the risks that would be new."""
    from mbp_registry.registry.filters import known_value
    from mbp_registry.registry.render.words import what_if_text
    from mbp_registry.registry.succession import what_if

    day = parse_as_of(as_of)
    cap = _cap(policy_file)
    def without_known(session) -> list[str]:
        return [known_value(session, "person", ref, label="without") for ref in without]

    data = reading(state, lambda s: what_if(s, without=without_known(s), as_of=day, max_supervisees=cap))
    render(data, fmt, Output(text=lambda found: _with_names(state, what_if_text, found)))


def _post(value: str) -> dict:
    parts = [part.strip() for part in value.split("/")]
    if len(parts) != 3 or not all(parts):
        raise click.BadParameter(f"{value!r} is not ROLE/PROGRAMME/REGION, e.g. trainer/MBCT/North", param_hint="'--post'")
    return {"role": parts[0], "programme": parts[1], "region": parts[2]}


@succession.command("nominate")
@click.option("--post", required=True, metavar="ROLE/PROGRAMME/REGION", help="e.g. trainer/MBCT/North.")
@click.option("--candidate", required=True, metavar="REF")
@click.option("--readiness", required=True, type=choice(READINESS))
@click.option("--emergency", is_flag=True, help="The emergency successor for the post.")
@click.option("--on", "on", metavar="DATE", help="Date of the nomination. Default: today.")
@pass_state
def nominate(state: State, post, candidate, readiness, emergency, on) -> None:
    """Nominate a successor for a key post."""
    import datetime as dt

    from mbp_registry.registry.render.words import READINESS_WORDS

    raw = {
        **_post(post),
        "person": candidate,
        "readiness": readiness,
        "emergency": emergency,
        "nominated_on": on or dt.date.today().isoformat(),
    }
    add(state, "nomination", raw)
    click.echo(f"Nominated {candidate} for {post} ({READINESS_WORDS[readiness]}{', emergency' if emergency else ''}).")


@succession.command("withdraw")
@click.option("--post", required=True, metavar="ROLE/PROGRAMME/REGION")
@click.option("--candidate", required=True, metavar="REF")
@pass_state
def withdraw(state: State, post, candidate) -> None:
    """Withdraw a nomination."""
    from mbp_registry.registry.endings import withdraw_nomination

    writing(state, lambda s: withdraw_nomination(s, person=candidate, actor=state.actor, **_post(post)))
    click.echo(f"Withdrew {candidate}'s nomination for {post}.")


@succession.command("nominations")
@click.option("--programme", metavar="CODE")
@click.option("--region", metavar="NAME")
@output_options()
@pass_state
def nominations(state: State, programme, region, fmt) -> None:
    """List successor nominations by post."""
    from mbp_registry.registry import views

    rows, known = with_checked(
        state,
        views.Filters(programme=programme, region=region),
        lambda s, f: views.nominations(s, programme=f.programme, region=f.region),
    )
    shown = columns("role", "programme", "region", "person", "readiness", "emergency", "nominated_on")
    render(rows, fmt, Output((Column("id", formats=("table",)), *shown), empty=lambda _: nothing_matches("nominations", known)))

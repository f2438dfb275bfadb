"""`amend` and `remove`: correcting any record, with a reason the audit trail keeps."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import writing

TYPE_HELP = (
    "TYPE is a bundle file's name without .csv: sessions, supervision (links), cpd, retreats, stages, "
    "training, courses, course_outcomes, nominations, assessments, status_history, people, organisations, programmes. ID is "
    "the `id` shown by the record lists (and by `person show` for status_history), or the ref or code of a "
    "person, organisation, programme or course."
)


def _settings(values: tuple[str, ...]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for item in values:
        field_name, equals, value = item.partition("=")
        if not equals or not field_name.strip():
            raise click.ClickException(f"set: {item!r} is not FIELD=VALUE")
        if field_name.strip() in settings:
            raise click.ClickException(f"set: {field_name.strip()!r} is given twice")
        settings[field_name.strip()] = value
    return settings


@click.command("amend", epilog=TYPE_HELP)
@click.argument("type_name", metavar="TYPE")
@click.argument("key", metavar="ID")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE", help="A field's new value; repeat for more.")
@click.option("--reason", metavar="TEXT", help="Why the record is corrected (required; kept in the audit trail).")
@pass_state
def amend(state: State, type_name: str, key: str, settings: tuple[str, ...], reason: str | None) -> None:
    """Correct fields of one record. The changed record is checked as a new one is.

    \b
    Example:
      mbp-registry amend sessions 412 --set held_on=2026-11-20 --reason "logged on the wrong day"
      mbp-registry amend nominations 7 --set readiness=ready_now --reason "completed supervisor training"
    """
    from mbp_registry.registry.audit import masked
    from mbp_registry.registry.corrections import amend as amend_record
    from mbp_registry.registry.render.words import field_value

    changes = _settings(settings)
    correction = writing(
        state, lambda s: amend_record(s, type_name, key, changes, reason=reason or "", actor=state.actor)
    )
    if not correction.changed:
        click.echo(f"No change: {type_name} {key} already has those values.")
        return
    before, after = masked(correction.before, correction.after)
    click.echo(f"Amended {type_name} {key}:")
    for name in correction.changed:
        click.echo(f"  {name}: {field_value(before[name])} -> {field_value(after[name])}")


@click.command("remove", epilog=TYPE_HELP)
@click.argument("type_name", metavar="TYPE")
@click.argument("key", metavar="ID")
@click.option("--reason", metavar="TEXT", help="Why the record is removed (required; kept in the audit trail).")
@pass_state
def remove(state: State, type_name: str, key: str, reason: str | None) -> None:
    """Remove one record: a session row (one supervisee's attendance), CPD, a retreat, a
    stage, a training record, a supervision link, a course or a nomination. The audit
    trail keeps what it was.

    \b
    Example:
      mbp-registry remove sessions 413 --reason "logged twice"
    """
    from mbp_registry.registry.corrections import remove as remove_record

    writing(state, lambda s: remove_record(s, type_name, key, reason=reason or "", actor=state.actor))
    click.echo(f"Removed {type_name} {key}.")

"""`report annual`: the year's governance report for the board, as one HTML page or Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from mbp_registry.registry.render.annual import FORMATS, SUFFIX, report_format

from .context import State, pass_state
from .options import policy_option, reading
from .params import choice


@click.group()
def report() -> None:
    """Reports for the board.

    \b
    Example:
      mbp-registry report annual
      mbp-registry report annual --year 2025 --out annual-report-2025.html
      mbp-registry report annual --year 2025 --format markdown
    """


@report.command("annual")
@click.option(
    "--year",
    type=click.IntRange(1900, 2200),
    metavar="YYYY",
    help="The year to report on. Default: this year, to today.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="The file to write, .html or .md. Default: annual-report-YYYY.html (or .md).",
)
@click.option(
    "--format", "fmt", type=choice(FORMATS), help="Output format. Default: as the --out file's suffix says, else html."
)
@policy_option
@pass_state
def annual(state: State, year, out, fmt, policy_file) -> None:
    """The annual governance report: workforce and its change over the year, joiners, leavers
    and progressions, courses, supervision, CPD and retreats, compliance by quarter, succession
    risks against the previous year end, and the lineage. One self-contained page that opens
    in any browser and prints to PDF."""
    import datetime as dt

    from mbp_registry.registry.annual import annual_report
    from mbp_registry.registry.policy import load_policy

    year = year or dt.date.today().year
    fmt = report_format(out, fmt)
    policy = load_policy(policy_file)
    data = reading(state, lambda s: annual_report(s, year, policy))
    path = save_annual_report(data, out or default_name(year, fmt), fmt)
    click.echo(f"Wrote the annual report for {year} to {path}.")


def default_name(year: int, fmt: str) -> str:
    """The file the annual report is written to when no --out is given."""
    return f"annual-report-{year}{SUFFIX[fmt]}"


def save_annual_report(data: dict, out: str | Path, fmt: str) -> Path:
    """Render the year's figures and write them to `out`, owner-only (with any missing folders)."""
    from mbp_registry.registry.files import write_private
    from mbp_registry.registry.render.annual import render

    return write_private(out, render(data, fmt), parents=True)

"""`report annual`: the year's governance report for the board, as one HTML page or Markdown."""

from __future__ import annotations

import click

from mbp_registry.registry.render.annual import FORMATS, SUFFIX, report_format

from .context import State, pass_state
from .options import policy_option, reading
from .params import choice, whole
from .progress import progress_bar


@click.group()
def report() -> None:
    """Reports for the board.

    \b
    Example:
      mbp-registry report annual
      mbp-registry report annual --year 2025 --out annual-report-2025.html
      mbp-registry report annual --year 2025 --format markdown
      mbp-registry report annual --year 2025 --out board/report.html --lineage-pictures board/lineage
    """


@report.command("annual")
@click.option(
    "--year",
    type=whole(1900, 2200),
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
@click.option(
    "--anonymise",
    is_flag=True,
    help="The version for publication: nobody named, small counts by region or organisation hidden.",
)
@click.option(
    "--suppress-below",
    metavar="N",
    help="With --anonymise: counts of fewer than N people by region or organisation are shown as "
    "'fewer than N'. Default: 3.",
)
@click.option(
    "--lineage-pictures",
    "pictures",
    metavar="DIR",
    help="Also draw the full lineage picture of each programme into the folder DIR, as lineage-CODE.svg (the "
    "pictures of `lineage draw`); the report then shows each programme's summary, linked to its file. They name "
    "people: not with --anonymise.",
)
@policy_option
@pass_state
def annual(state: State, year, out, fmt, anonymise, suppress_below, pictures, policy_file) -> None:
    """The annual governance report: workforce and its change over the year, joiners, leavers
    and progressions, courses, quality of teaching (MBI:TAC assessments against the year
    before), evaluation of courses (completion and outcome measures), supervision, CPD and
    retreats, compliance by quarter, succession risks against the previous year end, and the
    lineage. One self-contained page that opens in any browser and prints to PDF.
    --anonymise writes the version to publish; --lineage-pictures DIR the full lineage
    pictures beside it, one file per programme."""
    import datetime as dt

    from mbp_registry.registry.annual import STEPS, annual_report
    from mbp_registry.registry.policy import load_policy
    from mbp_registry.registry.publication import for_publication, threshold
    from mbp_registry.registry.render.annual_files import pictures_folder, write_report

    year = year or dt.date.today().year
    fmt = report_format(out, fmt)
    if suppress_below is not None and not anonymise:
        raise click.UsageError("--suppress-below applies to the anonymised report: give --anonymise too")
    below = threshold(suppress_below)
    folder = pictures_folder(pictures, anonymise=anonymise) if pictures is not None else None
    policy = load_policy(policy_file)
    with progress_bar(len(STEPS), "Working out the figures") as step:
        data = reading(state, lambda s: annual_report(s, year, policy, progress=step))
    if anonymise:
        data = for_publication(data, below)
    path, drawn = write_report(data, out or default_name(year, fmt), fmt, pictures=folder, progress_bar=progress_bar)
    click.echo(f"Wrote the annual report for {year} to {path}.")
    for line in drawn:
        click.echo(line)


def default_name(year: int, fmt: str) -> str:
    """The file the annual report is written to when no --out is given."""
    return f"annual-report-{year}{SUFFIX[fmt]}"


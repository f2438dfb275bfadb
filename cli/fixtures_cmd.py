"""`fixtures`: generated sample services, to try the registry at a realistic size and to benchmark it."""

from __future__ import annotations

import click

from .params import whole


@click.group()
def fixtures() -> None:
    """Generated sample services: realistic bundles of any size.

    \b
    Example:
      mbp-registry fixtures generate ./sample --people 2000 --seed 1
      mbp-registry import ./sample
      mbp-registry succession report
    """


@fixtures.command("generate")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--people", type=whole(1), required=True, help="How many people the service has.")
@click.option("--seed", type=whole(), required=True, help="The random seed: the same seed gives the same bundle.")
@click.option(
    "--years",
    type=whole(1, 50),
    default=2,
    show_default=True,
    help="Years of logged sessions, CPD, retreats and courses, ending today.",
)
def generate(directory: str, people: int, seed: int, years: int) -> None:
    """Write a generated bundle of a national network of teachers into DIRECTORY.

    Regions, organisations, stage histories, a training lineage, supervision links and
    sessions, CPD, retreats, courses and nominations, with the mix a real service has:
    most people compliant, some not, and a few single points of failure. Import it with
    `mbp-registry import DIRECTORY`.
    """
    from mbp_registry.fixtures.generate import generate_bundle

    written = generate_bundle(directory, people=people, seed=seed, years=years)
    click.echo(f"Wrote {sum(written.values())} rows to {directory}/ ({len(written)} files) for {people} people.")

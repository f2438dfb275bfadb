"""`lineage`: who trained whom, as a tree, a graph file, or a picture for a board paper."""

from __future__ import annotations

import click

from mbp_registry.registry.render.lineage import FORMATS

from .context import State, pass_state
from .options import as_of_option, parse_as_of, reading, with_checked
from .output import Output, output_options, render
from .params import choice


@click.group()
def lineage() -> None:
    """The training lineage.

    \b
    Example:
      mbp-registry lineage show R02
      mbp-registry lineage export --format mermaid --programme MBCT
      mbp-registry lineage draw --out lineage.svg
    """


@lineage.command("show")
@click.argument("ref")
@as_of_option
@output_options(("table", "json"))
@pass_state
def show(state: State, ref: str, as_of, fmt) -> None:
    """A person's lineage as an indented tree: who trained them, whom they trained."""
    from mbp_registry.registry.lineage import person_lineage

    data = reading(state, lambda s: person_lineage(s, ref, as_of=parse_as_of(as_of)))
    render(data, fmt, Output(text=lineage_text))


def lineage_text(data: dict) -> str:
    """A person's lineage as an indented tree: who trained them, then whom they trained."""
    generations = ", ".join(f"{code} generation {g}" for code, g in data["generation"].items())
    return "\n".join(
        [
            f"{data['person']} {data['name']}" + (f" ({generations})" if generations else ""),
            "Trained by:",
            "\n".join(_tree(data["trained_by"], "trained_by")) or "  nobody in the registry",
            "Trained:",
            "\n".join(_tree(data["trained"], "trained")) or "  nobody yet",
        ]
    )


def _tree(items: list[dict], branch: str, depth: int = 1) -> list[str]:
    lines = []
    for item in items:
        generation = f" [generation {item['generation']}]" if item["generation"] else ""
        stages = ", ".join(f"{s['stage']} {s['trained_on']}" for s in item["stages"])
        lines.append(f"{'  ' * depth}{item['person']} {item['name']}{generation} - {item['programme']}: {stages}")
        lines += _tree(item[branch], branch, depth + 1)
    return lines


@lineage.command("export")
@click.option("--format", "fmt", type=choice(FORMATS), default="dot", show_default=True)
@click.option("--programme", metavar="CODE", help="Only this programme's lineage.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@as_of_option
@pass_state
def export(state: State, fmt, programme, out, as_of) -> None:
    """Write the lineage graph as Graphviz dot, GraphML, Mermaid or JSON."""
    from mbp_registry.registry.files import write_private
    from mbp_registry.registry.lineage import lineage_graph
    from mbp_registry.registry.render.lineage import export_text
    from mbp_registry.registry.views import Filters

    day = parse_as_of(as_of)
    text, _ = with_checked(
        state, Filters(programme=programme), lambda s, f: export_text(lineage_graph(s, as_of=day, programme=f.programme), fmt)
    )
    if out:
        write_private(out, text)
        click.echo(f"Wrote the lineage to {out}.")
    else:
        click.echo(text, nl=False)


@lineage.command("draw")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="An .svg, .png or .pdf file.")
@click.option("--programme", metavar="CODE", help="Only this programme (else one file per programme, or one PDF page each).")
@click.option("--region", metavar="NAME", help="Only the trainers of organisations in this region.")
@click.option("--around", metavar="REF", help="Only the trainers near this trainer in the lineage.")
@click.option("--depth", metavar="N", help="With --around: how many training steps away (default 2).")
@as_of_option
@pass_state
def draw(state: State, out, programme, region, around, depth, as_of) -> None:
    """Draw each programme's trainer lineage for a board paper: generations as rows, names
    on the trainers, risks highlighted; a summary by generation and region when there are
    too many trainers to name on an A4 landscape page.

    \b
    Example:
      mbp-registry lineage draw --out lineage.pdf
      mbp-registry lineage draw --programme MBCT --region North --out mbct-north.svg
      mbp-registry lineage draw --programme MBCT --around R02 --depth 1 --out r02.png
    """
    from mbp_registry.registry.lineage import lineage_picture_data
    from mbp_registry.registry.render.lineage_picture import write_lineage_pictures
    from mbp_registry.registry.views import Filters

    day = parse_as_of(as_of)
    data, _ = with_checked(
        state,
        Filters(programme=programme, region=region),
        lambda s, f: lineage_picture_data(s, as_of=day, programme=f.programme, region=f.region, around=around, depth=depth),
    )
    for line in write_lineage_pictures(data, out):
        click.echo(line)

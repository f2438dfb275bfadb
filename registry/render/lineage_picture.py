"""Pictures of a programme's trainer lineage for a board, from `lineage_picture_data`
(registry/lineage.py), laid out in Python (lineage_layout.py) and drawn with matplotlib:
SVG, PNG or PDF.

A programme whose trainers fit on an A4 landscape page is drawn by name (generations as
rows, active and inactive told apart, risks highlighted); a larger one, or data without
names, as the summary of trainers per generation and region (lineage_summary.py).

Entry points:
- `lineage_picture(data, programme=CODE, fmt="svg"|"png"|"pdf")`: one programme's picture, as bytes;
- `lineage_summary_svg(data, programme=CODE)`: the summary as SVG text to inline in a page,
  and `lineage_summary_words(...)` the same in words, for its text alternative;
- `write_lineage_pictures(data, path)`: the file(s) of `lineage draw` (and of `report annual
  --lineage-pictures`), owner-only; `picture_files(data, path)` names them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import Invalid
from ..files import write_private
from .lineage_canvas import COLOURS, canvas, heading, legend, pdf_bytes, picture_bytes, write
from .lineage_layout import A4_LANDSCAPE, LABEL_PT, LINE, MARGIN, NAME_PT, NODE_PAD, TEXT_PT, Layout
from .lineage_layout import lineage_layout, trainer_count
from .lineage_summary import summary_figure, summary_words

PICTURE_FORMATS = ("svg", "png", "pdf")


def picture_of(data: dict, programme: str) -> dict:
    for picture in data["programmes"]:
        if picture["programme"] == programme:
            return picture
    raise Invalid(f"programme: {programme!r} is not in the lineage drawn")


def by_name(data: dict, picture: dict) -> bool:
    """Whether the programme's picture names its trainers (else it is the summary)."""
    return lineage_layout(data, picture) is not None


def lineage_picture(data: dict, *, programme: str, fmt: str) -> bytes:
    """One programme's picture: by name when it fits on an A4 page, else the summary."""
    if fmt not in PICTURE_FORMATS:
        raise Invalid(f"format: {fmt!r} is not one of {', '.join(PICTURE_FORMATS)}")
    return picture_bytes(_figure(data, picture_of(data, programme), page=A4_LANDSCAPE if fmt == "pdf" else None), fmt)


def lineage_summary_svg(data: dict, *, programme: str) -> str:
    """The summary picture of one programme (counts only, nobody named) as SVG text."""
    figure = summary_figure(data, picture_of(data, programme))
    return picture_bytes(figure, "svg", inline=True).decode("utf-8")


def lineage_summary_words(data: dict, *, programme: str) -> str:
    """The summary of one programme in words (a text alternative of the picture)."""
    return summary_words(picture_of(data, programme))


def _figure(data: dict, picture: dict, *, page=None):
    layout = lineage_layout(data, picture)
    if layout is None:
        return summary_figure(data, picture, page=page)
    return _named_figure(layout, page=page)


# ---------------------------------------------------------------- files


def picture_files(data: dict, path: str | Path) -> list[tuple[dict, Path]]:
    """The programmes `write_lineage_pictures` draws to `path`, those that have trainers,
    each with its file: `path` itself for a PDF or when one programme was asked for
    (data["programme"]), else `path` suffixed with the programme's code."""
    path = Path(path)
    pictures = [p for p in data["programmes"] if p["summary"]["trainers"]]
    if _format(path) == "pdf" or data["programme"]:
        return [(p, path) for p in pictures]
    return [(p, path.with_name(f"{path.stem}-{p['programme']}{path.suffix}")) for p in pictures]


def _format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in PICTURE_FORMATS:
        raise Invalid(f"out: {path.name!r} must end in .svg, .png or .pdf")
    return fmt


def write_lineage_pictures(
    data: dict, path: str | Path, *, progress: Callable[[str], None] | None = None, what: str = "out"
) -> list[str]:
    """Draw the programmes that have trainers to `path` (by its extension): one PDF page
    each, or for SVG and PNG one file each (picture_files). Every picture is drawn before
    any file is written; `progress` is told each programme's code as it is drawn. Returns
    a line for each programme: what was drawn where, or why nothing."""
    fmt, files = _format(Path(path)), picture_files(data, path)
    if not files:
        raise Invalid(f"the lineage is empty: no trainer to draw{_where(data)}")
    page = A4_LANDSCAPE if fmt == "pdf" else None
    drawn = []  # the figures of a PDF's pages; else each file's content
    for picture, _ in files:
        figure = _figure(data, picture, page=page)
        drawn.append(figure if fmt == "pdf" else picture_bytes(figure, fmt))
        if progress:
            progress(picture["programme"])
    content = {files[0][1]: pdf_bytes(drawn)} if fmt == "pdf" else {target: b for (_, target), b in zip(files, drawn)}
    for target, written in content.items():
        write_private(target, written, what=what)
    words = {p["programme"]: _drawn_words(data, p, target) for p, target in files}
    return [
        words.get(p["programme"]) or f"No {p['programme']} trainer{_where(data)}: nothing drawn for {p['programme']}."
        for p in data["programmes"]
    ]


def _drawn_words(data: dict, picture: dict, target: Path) -> str:
    what = f"the {picture['programme']} lineage of {trainer_count(picture['summary']['trainers'])}"
    if by_name(data, picture):
        return f"Drew {what}, by name, to {target}."
    return f"Drew {what} as a summary by generation and region (too many to name on an A4 page) to {target}."


def _where(data: dict) -> str:
    words = [f" in {data['region']}" if data["region"] else "", f" around {data['around']}" if data["around"] else ""]
    return "".join(words) + f" on {data['as_of'].isoformat()}"


# ---------------------------------------------------------------- the picture by name


def _named_figure(layout: Layout, *, page=None):
    figure, axes = canvas(layout.width, layout.height, page=page)
    heading(axes, layout.title, layout.subtitle)
    _bands(axes, layout)
    _edges(axes, layout)
    for node in layout.nodes.values():
        _node(axes, node, layout.node_size)
    legend(axes, NAMED_LEGEND, layout.legend_top, layout.width)
    return figure


def _bands(axes, layout: Layout) -> None:
    """Each generation's label at the left; a generation with no active trainer marked."""
    node_h = layout.node_size[1]
    for band in layout.bands:
        write(axes, MARGIN, band.top, f"Generation {band.generation}", fontsize=LABEL_PT, fontweight="bold", va="top")
        if band.drawn == 0:
            write(axes, 
                MARGIN + 1.1, band.top + node_h / 2, f"A gap: no generation {band.generation} trainer",
                fontsize=NAME_PT, fontstyle="italic", va="center", color=COLOURS["risk"],
            )
        elif band.active == 0:
            below = band.top + LABEL_PT * LINE + 0.04
            write(axes, MARGIN, below, "a gap: none active", fontsize=TEXT_PT, va="top", color=COLOURS["risk"])


def _edges(axes, layout: Layout) -> None:
    from matplotlib.patches import FancyArrowPatch

    width, height = layout.node_size
    for a, b in layout.edges:
        start, end = layout.nodes[a], layout.nodes[b]
        if end.y > start.y:
            points, bend = ((start.x + width / 2, start.y + height), (end.x + width / 2, end.y)), 0.0
        else:  # also trained by someone of a later generation: a curve beside the boxes
            points, bend = ((start.x + width, start.y + height / 2), (end.x + width, end.y + height / 2)), -0.4
        axes.add_patch(
            FancyArrowPatch(
                *points, arrowstyle="-|>", mutation_scale=9, color=COLOURS["line"], lw=0.9,
                connectionstyle=f"arc3,rad={bend}", zorder=1,
            )
        )


def _node(axes, node, size: tuple[float, float]) -> None:
    from matplotlib.patches import FancyBboxPatch

    trainer, (width, height) = node.trainer, size
    active = trainer["status"] == "active"
    fill = COLOURS["leaving"] if trainer["leaving_on"] else COLOURS["active"] if active else COLOURS["inactive"]
    edge = {"edgecolor": COLOURS["risk"], "lw": 2.6} if trainer["no_successor"] else {"edgecolor": COLOURS["line"], "lw": 0.8}
    axes.add_patch(
        FancyBboxPatch(
            (node.x, node.y), width, height, boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=fill, linestyle="-" if active else (0, (4, 2)), zorder=2, **edge,
        )
    )
    y = node.y + NODE_PAD
    for i, line in enumerate(node.lines):
        points = NAME_PT if i == 0 else TEXT_PT
        weight = "bold" if i == 0 else "normal"
        write(axes, node.x + NODE_PAD, y, line, fontsize=points, fontweight=weight, va="top", zorder=3)
        y += points * LINE


NAMED_LEGEND = [
    ({"facecolor": COLOURS["active"], "edgecolor": COLOURS["line"], "lw": 0.8}, "active"),
    (
        {"facecolor": COLOURS["inactive"], "edgecolor": COLOURS["line"], "lw": 0.8, "linestyle": (0, (4, 2))},
        "not active (left, retired, on leave)",
    ),
    ({"facecolor": COLOURS["leaving"], "edgecolor": COLOURS["line"], "lw": 0.8}, "leaving within 18 months"),
    ({"facecolor": "white", "edgecolor": COLOURS["risk"], "lw": 2.6}, "no successor: trained no active trainer"),
    ({"arrow": True}, "trained them as a trainer"),
]

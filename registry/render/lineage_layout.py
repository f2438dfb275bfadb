"""Where everything of a lineage picture goes, in inches from the top left, computed in
Python (no Graphviz needed): generations as rows, generation 1 at the top, each trainer
in the row of their generation (a full row wraps onto more lines of the same band), in
an order that keeps trainees under their trainers. `None` when the trainers do not fit
readably on an A4 landscape page: the picture is then the summary (lineage_summary.py).

Sizes are those printed: the page is A4 landscape less 10 mm margins, names are 9 pt
and other text 8 pt, so a picture printed on A4 at its own size is readable.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .words import in_words, long_date

A4_LANDSCAPE = (11.69, 8.27)
PRINTABLE = (10.9, 7.48)  # A4 landscape less 10 mm margins
NAME_PT, TEXT_PT, LABEL_PT, TITLE_PT = 9, 8, 9, 14
LINE = 1.3 / 72  # inches per point of a line of text
MARGIN = 0.2
LABEL_WIDTH = 1.1  # the generation labels at the left
NODE_PAD = 0.08
NODE_WIDTH = (1.1, 1.8)  # narrowest and widest box
COLUMN_GAP, LINE_GAP, BAND_GAP = 0.15, 0.14, 0.42
MAX_ASPECT = 4  # no picture wider than 4 times its height
STATUS_WORDS = {"on_leave": "on leave"}
# More boxes than ever fit on the page (at most 7 across and 8 lines down): no need to try.
MOST_BY_NAME = 56


@functools.lru_cache(maxsize=4096)
def text_width(text: str, points: float, bold: bool = False) -> float:
    """The width in inches of `text` in the pictures' font (matplotlib's DejaVu Sans)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=points, weight="bold" if bold else "normal")
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return width / 72


def fitted(text: str, points: float, width: float, bold: bool = False) -> str:
    """`text`, cut short with an ellipsis if wider than `width` inches."""
    if text_width(text, points, bold) <= width:
        return text
    while text and text_width(text + "\u2026", points, bold) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


@dataclass
class Node:
    trainer: dict
    lines: list[str]
    x: float = 0.0  # left
    y: float = 0.0  # top


@dataclass
class Band:
    generation: int
    top: float
    height: float
    active: int
    drawn: int


@dataclass
class Layout:
    width: float
    height: float
    node_size: tuple[float, float]
    title: str
    subtitle: list[str]
    nodes: dict[str, Node] = field(default_factory=dict)
    bands: list[Band] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    legend_top: float = 0.0


def trainer_count(count: int) -> str:
    return f"{count:,} trainer" + ("" if count == 1 else "s")


def node_lines(trainer: dict) -> list[str]:
    """A trainer's box: name, ref and region, stage in words (with a status other than
    active), and a line for each risk."""
    stage = in_words(trainer["stage"])
    if trainer["status"] != "active":
        stage += ", " + STATUS_WORDS.get(trainer["status"], trainer["status"])
    risks = ["no successor"] if trainer["no_successor"] else []
    if trainer["leaving_on"] is not None:
        risks.append("leaving " + trainer["leaving_on"].strftime("%b %Y"))
    return [trainer["name"], f"{trainer['person']} \u00b7 {trainer['region']}", stage, *risks]


def picture_title(data: dict, picture: dict, what: str) -> str:
    """"MBCT trainer lineage in North on 3 December 2026" and the like."""
    where = f" in {data['region']}" if data["region"] else ""
    if data["around"]:
        steps = "step" if data["depth"] == 1 else "steps"
        where += f", {data['depth']} {steps} around {data['around']}"
    return f"{picture['programme']} {what}{where} on {long_date(data['as_of'])}"


def lineage_layout(data: dict, picture: dict) -> Layout | None:
    """The layout of the full picture of one programme, or None when it does not fit."""
    trainers = picture.get("trainers")
    if not trainers or len(trainers) > MOST_BY_NAME:
        return None
    summary = picture["summary"]
    lines = {t["person"]: node_lines(t) for t in trainers}
    widest = max(
        text_width(line, NAME_PT if i == 0 else TEXT_PT, i == 0) for ls in lines.values() for i, line in enumerate(ls)
    )
    node_w = min(max(widest + 2 * NODE_PAD, NODE_WIDTH[0]), NODE_WIDTH[1])
    node_h = (NAME_PT + (max(len(ls) for ls in lines.values()) - 1) * TEXT_PT) * LINE + 2 * NODE_PAD
    columns = int((PRINTABLE[0] - 2 * MARGIN - LABEL_WIDTH + COLUMN_GAP) // (node_w + COLUMN_GAP))
    layout = Layout(
        width=0,
        height=0,
        node_size=(node_w, node_h),
        title=picture_title(data, picture, "trainer lineage"),
        subtitle=[
            f"{picture['name']}: {trainer_count(summary['trainers'])}, {summary['active_trainers']:,} active.",
            "Generation 1 was trained by nobody in the registry; an arrow goes from a trainer to the trainer they trained.",
        ],
    )
    for trainer in trainers:
        ls = lines[trainer["person"]]
        cut = [fitted(line, NAME_PT if i == 0 else TEXT_PT, node_w - 2 * NODE_PAD, i == 0) for i, line in enumerate(ls)]
        layout.nodes[trainer["person"]] = Node(trainer, cut)
    layout.edges = [tuple(edge) for edge in picture["edges"]]
    _place(layout, [row["generation"] for row in summary["rows"]], columns)
    return layout if layout.width <= PRINTABLE[0] and layout.height <= PRINTABLE[1] else None


def _place(layout: Layout, generations: list[int], columns: int) -> None:
    """Put each band of a generation under the one before, trainees near their trainers."""
    node_w, node_h = layout.node_size
    trainers_of: dict[str, list[str]] = {}
    for a, b in layout.edges:
        trainers_of.setdefault(b, []).append(a)
    top = MARGIN + TITLE_PT * LINE + 2 * TEXT_PT * LINE + 0.25
    widest = 0
    for generation in generations:
        members = [ref for ref, node in layout.nodes.items() if node.trainer["generation"] == generation]
        members.sort(key=lambda ref: _order(layout, ref, trainers_of.get(ref, [])))
        wraps = [members[i : i + columns] for i in range(0, len(members), columns)] or [[]]
        for line, refs in enumerate(wraps):
            widest = max(widest, len(refs))
            left = MARGIN + LABEL_WIDTH + (columns - len(refs)) * (node_w + COLUMN_GAP) / 2
            if line % 2 and len(refs) < columns and (columns - len(refs)) % 2 == 0:
                left += (node_w + COLUMN_GAP) / 2  # between the boxes above, so that arrows pass
            for i, ref in enumerate(refs):
                layout.nodes[ref].x = left + i * (node_w + COLUMN_GAP)
                layout.nodes[ref].y = top + line * (node_h + LINE_GAP)
        height = len(wraps) * (node_h + LINE_GAP) - LINE_GAP
        active = sum(layout.nodes[ref].trainer["status"] == "active" for ref in members)
        layout.bands.append(Band(generation, top, height, active, len(members)))
        top += height + BAND_GAP
    used = max(widest, 1) * (node_w + COLUMN_GAP) - COLUMN_GAP
    shift = (columns - max(widest, 1)) * (node_w + COLUMN_GAP) / 2
    for node in layout.nodes.values():
        node.x -= shift
    layout.legend_top = top - BAND_GAP + 0.3
    layout.width = max(2 * MARGIN + LABEL_WIDTH + used, min_width(layout.title, layout.subtitle))
    layout.height = max(layout.legend_top + 2 * TEXT_PT * LINE + 0.2 + MARGIN, layout.width / MAX_ASPECT)


def min_width(title: str, subtitle: list[str]) -> float:
    """The width a picture needs for its title and the lines under it (at most the page's)."""
    needed = max([text_width(title, TITLE_PT, True)] + [text_width(line, TEXT_PT) for line in subtitle])
    return min(max(needed + 2 * MARGIN, 7.5), PRINTABLE[0])


def _order(layout: Layout, ref: str, trainers: list[str]):
    """Under the middle of their trainers already placed, else by region and name."""
    trainer = layout.nodes[ref].trainer
    placed = [layout.nodes[t].x for t in trainers if layout.nodes[t].trainer["generation"] < trainer["generation"]]
    middle = sum(placed) / len(placed) if placed else float("inf")
    return (middle, trainer["region"], trainer["name"], ref)

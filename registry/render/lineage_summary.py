"""The summary picture of a programme's lineage: its trainers counted per generation
(rows, generation 1 at the top) and region (columns), with the gaps (no active trainer
of a generation in a region) hatched. It names nobody: it reads only the counts of
`lineage_picture_data`'s summary, so it is the picture of data drawn without names and
of a lineage too large to name on one A4 page. Every count is shown as it is: the report
for publication leaves the lineage by region out (publication.py), so nothing here
suppresses small counts.
"""

from __future__ import annotations

from .lineage_canvas import COLOURS, canvas, heading, legend, write
from .lineage_layout import LABEL_PT, LABEL_WIDTH, LINE, MARGIN, MAX_ASPECT, PRINTABLE, TEXT_PT, TITLE_PT
from .lineage_layout import min_width, picture_title, text_width, trainer_count

CELL_HEIGHT = 0.5
COLUMN_WIDTH = (0.85, 1.6)
HEADER_HEIGHT = 0.32
BLOCK_GAP = 0.3
COUNT_PT = 12
ALL_REGIONS = "All regions"


def summary_lines(picture: dict) -> list[str]:
    summary = picture["summary"]
    return [
        f"{picture['name']}: {trainer_count(summary['trainers'])}, {summary['active_trainers']:,} active, "
        "counted by generation and region.",
        "Generation 1 was trained by nobody in the registry. Hatched: a gap, no active trainer of that generation there.",
    ]


def summary_words(picture: dict) -> str:
    """The summary in words, for a text alternative: per generation the active trainers,
    by region, and the regions where there is none (the gaps)."""
    summary = picture["summary"]
    sentences = [f"{picture['programme']}: {trainer_count(summary['trainers'])}, {summary['active_trainers']:,} active."]
    for row in summary["rows"]:
        found = [(region, n) for region, n in row["active"].items() if n]
        where = ", ".join(f"{region} {n:,}" for region, n in found)
        gaps = [region for region, n in row["active"].items() if not n]
        words = f"Generation {row['generation']}: {sum(n for _, n in found):,} active"
        words += f" ({where})" if where else ""
        words += f"; a gap in {', '.join(gaps)}." if gaps else "."
        sentences.append(words)
    return " ".join(sentences)


def summary_figure(data: dict, picture: dict, *, page=None):
    """The summary picture of one programme as a matplotlib figure."""
    summary = picture["summary"]
    columns = summary["regions"] + ([ALL_REGIONS] if len(summary["regions"]) > 1 else [])
    names_w = max([text_width(c, LABEL_PT, True) for c in columns] + [0]) + 0.2
    column_w = min(max(names_w, COLUMN_WIDTH[0]), COLUMN_WIDTH[1])
    per_block = max(1, int((PRINTABLE[0] - 2 * MARGIN - LABEL_WIDTH) // column_w))
    blocks = [columns[i : i + per_block] for i in range(0, len(columns), per_block)] or [[]]
    title = picture_title(data, picture, "trainers by generation and region")
    lines = summary_lines(picture)
    rows = summary["rows"]
    top = MARGIN + TITLE_PT * LINE + 2 * TEXT_PT * LINE + 0.3
    block_h = HEADER_HEIGHT + len(rows) * CELL_HEIGHT
    legend_top = top + len(blocks) * (block_h + BLOCK_GAP)
    width = max(2 * MARGIN + LABEL_WIDTH + max(len(b) for b in blocks) * column_w, min_width(title, lines))
    height = legend_top + 2 * TEXT_PT * LINE + MARGIN
    height = max(height, width / MAX_ASPECT)
    figure, axes = canvas(width, height, page=page)
    heading(axes, title, lines)
    for i, block in enumerate(blocks):
        _block(axes, rows, block, top + i * (block_h + BLOCK_GAP), column_w)
    legend(axes, LEGEND, legend_top, width)
    return figure


def _block(axes, rows: list[dict], regions: list[str], top: float, column_w: float) -> None:
    """One band of columns: the region names, then a row of cells per generation."""
    bold = {"fontsize": LABEL_PT, "fontweight": "bold", "va": "center"}
    for j, region in enumerate(regions):
        x = MARGIN + LABEL_WIDTH + j * column_w
        write(axes, x + column_w / 2, top + HEADER_HEIGHT / 2, region, ha="center", **bold)
    for i, row in enumerate(rows):
        y = top + HEADER_HEIGHT + i * CELL_HEIGHT
        write(axes, MARGIN, y + CELL_HEIGHT / 2, f"Generation {row['generation']}", **bold)
        for j, region in enumerate(regions):
            active, inactive = _counts(row, region)
            _cell(axes, (MARGIN + LABEL_WIDTH + j * column_w, y, column_w), active, inactive)


def _counts(row: dict, region: str) -> tuple[int, int]:
    if region == ALL_REGIONS:
        return sum(row["active"].values()), sum(row["inactive"].values())
    return row["active"][region], row["inactive"][region]


def _cell(axes, place: tuple[float, float, float], active: int, inactive: int) -> None:
    """One cell at (left, top, width): the active trainers, and those not active below;
    hatched and "none" when there is no active one."""
    from matplotlib.patches import Rectangle

    x, y, width = place
    gap = active == 0
    style = {"facecolor": COLOURS["gap"], "edgecolor": COLOURS["risk"], "hatch": "///"} if gap else {
        "facecolor": "white",
        "edgecolor": COLOURS["line"],
    }
    axes.add_patch(Rectangle((x + 0.03, y + 0.03), width - 0.06, CELL_HEIGHT - 0.06, lw=0.8, **style))
    middle, centred = x + width / 2, {"ha": "center", "va": "center"}
    if gap:
        count = {"fontsize": TEXT_PT + 1, "color": COLOURS["risk"], "bbox": {"facecolor": "white", "edgecolor": "none", "pad": 1}}
    else:
        count = {"fontsize": COUNT_PT, "color": COLOURS["text"]}
    words = "none" if gap else str(active)
    write(axes, middle, y + CELL_HEIGHT / (3 if inactive else 2), words, fontweight="bold", **centred, **count)
    if inactive:
        write(axes, middle, y + CELL_HEIGHT * 0.75, f"+{inactive} not active", fontsize=TEXT_PT, **centred)


LEGEND = [
    (
        {"facecolor": "white", "edgecolor": COLOURS["line"], "lw": 0.8},
        "active trainers (and those not active: left, retired, on leave)",
    ),
    ({"facecolor": COLOURS["gap"], "edgecolor": COLOURS["risk"], "hatch": "///", "lw": 0.8}, "a gap: no active trainer"),
]

"""What both lineage pictures (by name and the summary) draw with: a matplotlib canvas
measured in inches from the top left, the title, a legend, and the figure as SVG, PNG
or one PDF page per programme."""

from __future__ import annotations

import io

from .charts import PALETTE, figure_bytes
from .lineage_layout import LINE, MARGIN, TEXT_PT, TITLE_PT, text_width

COLOURS = {
    "active": "#D4EBF8",  # a tint of the palette's sky blue
    "inactive": "#E8E8E8",
    "leaving": PALETTE["orange"],
    "risk": PALETTE["vermillion"],
    "gap": "#FBE3D6",  # a tint of the vermillion
    "line": PALETTE["dark_grey"],
    "text": "#1A1A1A",
}
PNG_DPI = 150
SWATCH = (0.3, 0.17)


def canvas(width: float, height: float, *, page: tuple[float, float] | None = None):
    """A figure `width` x `height` inches (or a `page`, the picture centred on it) with
    axes whose units are inches, y growing downwards."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = page or (width, height)
    figure = plt.figure(figsize=size)
    left, bottom = (size[0] - width) / 2, (size[1] - height) / 2
    axes = figure.add_axes((left / size[0], bottom / size[1], width / size[0], height / size[1]))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.axis("off")
    return figure, axes


def write(axes, x: float, y: float, words: str, **style):
    """Text on the picture as given: a "$" in a name is no formula."""
    return axes.text(x, y, words, parse_math=False, **style)


def heading(axes, title: str, lines: list[str]) -> None:
    write(axes, MARGIN, MARGIN, title, fontsize=TITLE_PT, fontweight="bold", va="top", color=COLOURS["text"])
    for i, line in enumerate(lines):
        y = MARGIN + TITLE_PT * LINE + 0.06 + i * TEXT_PT * LINE
        write(axes, MARGIN, y, line, fontsize=TEXT_PT, va="top", color=COLOURS["text"])


def legend(axes, items: list[tuple[dict, str]], top: float, width: float) -> None:
    """Legend items (the style of a swatch, its words) left to right, wrapping at `width`."""
    from matplotlib.patches import FancyArrowPatch, Rectangle

    x, y = MARGIN, top
    for style, words in items:
        needed = SWATCH[0] + 0.08 + text_width(words, TEXT_PT) + 0.3
        if x > MARGIN and x + needed > width - MARGIN:
            x, y = MARGIN, y + 2 * TEXT_PT * LINE
        if style.get("arrow"):
            axes.add_patch(
                FancyArrowPatch(
                    (x, y + SWATCH[1] / 2), (x + SWATCH[0], y + SWATCH[1] / 2),
                    arrowstyle="-|>", mutation_scale=9, color=COLOURS["line"], lw=0.9,
                )
            )
        else:
            axes.add_patch(Rectangle((x, y), *SWATCH, **style))
        write(axes, x + SWATCH[0] + 0.08, y + SWATCH[1] / 2, words, fontsize=TEXT_PT, va="center", color=COLOURS["text"])
        x += needed


def picture_bytes(figure, fmt: str, *, inline: bool = False) -> bytes:
    """The figure as SVG (text kept as text), PNG or a one-page PDF, then closed."""
    if fmt == "svg" or inline:
        return figure_bytes(figure, inline=True)
    if fmt == "png":
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=PNG_DPI)
        plt.close(figure)
        return buffer.getvalue()
    return pdf_bytes([figure])


def pdf_bytes(figures: list) -> bytes:
    """The figures as the pages of one PDF (without a creation date: the same pictures
    give the same file)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"CreationDate": None, "Creator": None, "Producer": None}) as pages:
        for figure in figures:
            pages.savefig(figure)
            plt.close(figure)
    return buffer.getvalue()


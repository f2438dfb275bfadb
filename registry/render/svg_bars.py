"""Bar charts written directly as SVG text: titled, with labelled axes, values on the
bars, a legend, the Okabe-Ito palette (charts.PALETTE) and hatching that tells series
apart without colour. Drawing them costs microseconds, where loading matplotlib costs
seconds: the annual report's charts are these.

A chart is a list of categories and one or more series (label, values, colour, hatched,
and the text shown at each bar); bars run across (`horizontal`) or up.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 576  # points: 8 inches
FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"'
INK, GRID = "#1a1a1a", "#d0d0d0"


@dataclass
class Series:
    label: str
    values: list[float]
    colour: str
    texts: list[str]
    hatched: bool = False


def _text(x: float, y: float, text: str, size: float = 9, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{INK}" {FONT}{extra}>'
        f"{escape(text)}</text>"
    )


def _bar(x: float, y: float, width: float, height: float, series: Series, title: str) -> str:
    fill = 'url(#hatch)' if series.hatched else series.colour
    under = f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{series.colour}"/>' if series.hatched else ""
    return (
        f'{under}<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}" '
        f'stroke="#333333" stroke-width="0.5"><title>{escape(title)}</title></rect>'
    )


def _legend(series: list[Series], right: float, top: float) -> str:
    parts = []
    for index, one in enumerate(series):
        y = top + 14 * index
        parts.append(_bar(right - 120, y, 12, 9, one, one.label))
        parts.append(_text(right - 104, y + 8, one.label, 8, "start"))
    return "".join(parts)


def _frame(height: float, title: str, body: list[str]) -> str:
    hatch = (
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}pt" height="{height:.1f}pt" '
        f'viewBox="0 0 {WIDTH} {height:.1f}" version="1.1">{hatch}'
        f'<rect width="{WIDTH}" height="{height:.1f}" fill="#ffffff"/>'
        + _text(WIDTH / 2, 20, title, 12)
        + "".join(body)
        + "</svg>"
    )


def _scale(series: list[Series], top: float | None) -> float:
    return top or max([v for one in series for v in one.values] + [1]) * 1.15


def horizontal_bars(title: str, categories: list[str], series: list[Series], xlabel: str, ylabel: str) -> str:
    """Bars running across from a zero line, one band per category with a bar for each
    series: a positive value to the right of the line, a negative one to its left, each
    with its text at the bar's end."""
    band = 14 * len(series) + 12
    left = 24 + 6 * max([len(c) for c in categories] + [4])
    plot_top, plot_width = 36 + (14 * len(series) if len(series) > 1 else 0), WIDTH - left - 50
    height = plot_top + band * len(categories) + 44
    low, high = _span(series)
    zero = left + plot_width * -low / (high - low)
    body = [f'<line x1="{zero:.1f}" y1="{plot_top}" x2="{zero:.1f}" y2="{height - 44}" stroke="{INK}"/>']
    for index, category in enumerate(categories):
        y = plot_top + band * index + 6
        body.append(_text(left - 6, y + band / 2, category, 9, "end"))
        for offset, one in enumerate(series):
            value = one.values[index]
            width = plot_width * abs(value) / (high - low)
            x = zero - width if value < 0 else zero
            body.append(_bar(x, y + 14 * offset, width, 12, one, f"{category}, {one.label}: {one.texts[index]}"))
            at, anchor = (x - 4, "end") if value < 0 else (x + width + 4, "start")
            body.append(_text(at, y + 14 * offset + 9, one.texts[index], 8, anchor))
    body.append(_text(left + plot_width / 2, height - 14, xlabel, 10))
    body.append(_text(12, plot_top + (height - 44 - plot_top) / 2, ylabel, 10, extra=_rotate(12, plot_top + (height - 44 - plot_top) / 2)))
    if len(series) > 1:
        body.append(_legend(series, WIDTH - 10, 32))
    return _frame(height, title, body)


def _span(series: list[Series]) -> tuple[float, float]:
    """The values the plot runs from and to: the zero line and the values, with room
    beyond the largest either way for the text at the bar's end."""
    values = [v for one in series for v in one.values]
    low, high = min(values + [0]), max(values + [0])
    room = 0.15 * ((high - low) or 1)
    return (low - room if low < 0 else 0), (high + room if high > 0 or low == 0 else 0)


def _rotate(x: float, y: float) -> str:
    return f' transform="rotate(-90 {x:.1f} {y:.1f})"'


def vertical_bars(
    title: str,
    categories: list[str],
    series: Series,
    xlabel: str,
    ylabel: str,
    *,
    top: float | None = None,
    ticks: list[tuple[float, str]] | None = None,
    notes: list[Series] = (),
) -> str:
    """Bars running up, one per category; `ticks` (value, text) on the value axis, and
    `notes` as legend entries (a bar drawn differently, say)."""
    left, bottom, plot_top, height = 64, 216, 40, 260
    plot_width, plot_height = WIDTH - left - 16, bottom - plot_top
    most = _scale([series], top)
    ticks = ticks or [(most / 1.15 * share, f"{most / 1.15 * share:,.0f}") for share in (0, 0.25, 0.5, 0.75, 1)]
    body = []
    for value, text in ticks:
        y = bottom - plot_height * value / most
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 16}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.5"/>')
        body.append(_text(left - 4, y + 3, text, 8, "end"))
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 16}" y2="{bottom}" stroke="{INK}"/>')
    slot = plot_width / max(len(categories), 1)
    for index, category in enumerate(categories):
        x, bar_height = left + slot * index, plot_height * series.values[index] / most
        drawn = next((note for note in notes if note.values[index]), series)
        body.append(_bar(x + slot * 0.15, bottom - bar_height, slot * 0.7, bar_height, drawn, f"{category}: {series.texts[index]}"))
        body.append(_text(x + slot / 2, bottom - bar_height - 3, series.texts[index], 8))
        for line, part in enumerate(category.split("\n")):
            body.append(_text(x + slot / 2, bottom + 12 + 10 * line, part, 8))
    body.append(_text(left + plot_width / 2, height - 8, xlabel, 10))
    body.append(_text(14, plot_top + plot_height / 2, ylabel, 10, extra=_rotate(14, plot_top + plot_height / 2)))
    shown = [note for note in notes if any(note.values)]
    if shown:
        body.append(_legend(shown, WIDTH - 10, 30))
    return _frame(height, title, body)

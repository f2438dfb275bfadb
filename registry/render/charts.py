"""Charts: the one colour palette, saving a matplotlib figure (drawings), inlining SVG
into a page, and the annual report's bar charts (written as SVG by svg_bars.py).

Colours are Okabe-Ito's, distinguishable with the common forms of colour blindness; the
two series of the pipeline chart differ in hatching as well as colour.
"""

from __future__ import annotations

import html
import io
import re

from .svg_bars import Series, horizontal_bars, vertical_bars
from .words import in_words, long_date, number, percent

PALETTE = {
    "blue": "#0072B2",
    "sky": "#56B4E9",
    "green": "#009E73",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "grey": "#BBBBBB",
    "dark_grey": "#555555",
}
# For inlining into a page: text stays text, ids are stable, no metadata.
_INLINE_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "mbp-registry"}
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_ID_REFERENCES = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def figure_bytes(figure, fmt: str = "svg", *, inline: bool = False) -> bytes:
    """The figure saved as SVG or PNG, then closed. `inline`: SVG for a page (see inline_svg)."""
    import matplotlib
    import matplotlib.pyplot as plt

    if inline:
        settings, metadata = _INLINE_SETTINGS, _NO_METADATA
    else:
        settings, metadata = {}, {"Date": None} if fmt == "svg" else None
    buffer = io.BytesIO()
    with matplotlib.rc_context(settings):
        figure.savefig(buffer, format=fmt, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


def inline_svg(svg: str, chart_id: str, chart_title: str, description: str) -> str:
    """SVG text from matplotlib made fit to inline into HTML, with its title and text alternative."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = _ID_REFERENCES.sub(lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", svg)
    svg = svg.replace('<style type="text/css">*{', f"<style>#{chart_id} *{{")
    opening_end = svg.index(">") + 1
    opening = svg[:opening_end].replace(
        "<svg ",
        f'<svg id="{chart_id}" role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" ',
        1,
    )
    labels = (
        f'<title id="{chart_id}-title">{html.escape(chart_title)}</title>'
        f'<desc id="{chart_id}-desc">{html.escape(description)}</desc>'
    )
    return opening + labels + svg[opening_end:].strip()


def _colours(*names: str) -> list[str]:
    return [PALETTE[name] for name in names]


def pipeline_chart(workforce: dict, chart_title: str) -> str:
    """Active people by highest stage at the start and end of the year, as SVG; the start
    is hatched as well as lighter."""
    rows = workforce["by_stage"] or [{"stage": "nobody in post", "start": 0, "end": 0}]
    sky, blue = _colours("sky", "blue")
    series = [
        Series(f"Start ({long_date(workforce['start'])})", [r["start"] for r in rows], sky,
               [number(r["start"]) for r in rows], hatched=True),
        Series(f"End ({long_date(workforce['end'])})", [r["end"] for r in rows], blue, [number(r["end"]) for r in rows]),
    ]
    return horizontal_bars(
        chart_title, [in_words(r["stage"]) for r in rows], series, "Active people", "Highest stage"
    )


def supervision_chart(by_month: list[dict], labels: list[str], chart_title: str) -> str:
    """Hours of supervision attended each month, as SVG; a month in progress is hatched and
    lighter, and named in the legend."""
    hours = [m["hours"] for m in by_month]
    blue, sky = _colours("blue", "sky")
    texts = [number(h) for h in hours]
    in_progress = Series("month in progress (to date)", [bool(m.get("partial")) for m in by_month], sky, texts, True)
    return vertical_bars(
        chart_title, labels, Series("hours", hours, blue, texts), "Month", "Hours (all attendances)",
        notes=[in_progress],
    )


def compliance_chart(by_quarter: list[dict], chart_title: str) -> str:
    """The share of people compliant at each quarter end, as SVG."""
    (green,) = _colours("green")
    labels = [f"{q['quarter']}\n{q['as_of'].strftime('%d %b')}" for q in by_quarter]
    texts = [f"{percent(q['rate'])} ({q['compliant']}/{q['assessed']})" for q in by_quarter]
    series = Series("compliant", [100 * (q["rate"] or 0) for q in by_quarter], green, texts)
    ticks = [(value, f"{value}%") for value in (0, 25, 50, 75, 100)]
    return vertical_bars(chart_title, labels, series, "Quarter end", "People compliant", top=110, ticks=ticks)

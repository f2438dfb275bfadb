"""Charts drawn with matplotlib (Agg): the one colour palette, saving a figure, inlining
its SVG into a page, and the annual report's bar charts.

Colours are Okabe-Ito's, distinguishable with the common forms of colour blindness; the
two series of the pipeline chart differ in hatching as well as colour.
"""

from __future__ import annotations

import html
import io
import re

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


def _axes(width: float, height: float, chart_title: str, xlabel: str, ylabel: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height))
    axes.set_title(chart_title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    return figure, axes


def _page_svg(figure) -> str:
    figure.tight_layout()
    return figure_bytes(figure, inline=True).decode("utf-8")


def _bar_style(colour: str) -> dict:
    return {"color": PALETTE[colour], "edgecolor": "#333333", "linewidth": 0.5}


def pipeline_chart(workforce: dict, chart_title: str) -> str:
    """Active people by highest stage at the start and end of the year, as SVG."""
    rows = workforce["by_stage"] or [{"stage": "nobody in post", "start": 0, "end": 0}]
    figure, axes = _axes(
        8, 0.6 * max(len(rows), 2) + 1.6, chart_title, "Active people", "Highest stage in any programme"
    )
    places = range(len(rows))
    starts, ends = [r["start"] for r in rows], [r["end"] for r in rows]
    half = 0.38
    start_bars = axes.barh(
        [p - half / 2 for p in places],
        starts,
        half,
        label=f"Start ({long_date(workforce['start'])})",
        hatch="//",
        **_bar_style("sky"),
    )
    end_bars = axes.barh(
        [p + half / 2 for p in places], ends, half, label=f"End ({long_date(workforce['end'])})", **_bar_style("blue")
    )
    axes.bar_label(start_bars, padding=2, fontsize=8)
    axes.bar_label(end_bars, padding=2, fontsize=8)
    axes.set_yticks(list(places), [in_words(r["stage"]) for r in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, max(starts + ends + [1]) * 1.15)
    axes.legend(loc="lower right", fontsize=8)
    return _page_svg(figure)


def supervision_chart(by_month: list[dict], labels: list[str], chart_title: str) -> str:
    """Hours of supervision attended each month, as SVG; a month in progress is hatched and
    lighter, and named in the legend."""
    figure, axes = _axes(8, 3.6, chart_title, "Month", "Hours (all attendances)")
    hours = [m["hours"] for m in by_month]
    partial = [bool(m.get("partial")) for m in by_month]
    bars = axes.bar(labels, hours, **_bar_style("blue"))
    for bar, in_progress in zip(bars, partial):
        if in_progress:
            bar.set(facecolor=PALETTE["sky"], hatch="//", label="month in progress (to date)")
    axes.bar_label(bars, labels=[number(h) for h in hours], padding=2, fontsize=8)
    axes.set_ylim(0, max(hours + [1]) * 1.15)
    if any(partial):
        axes.legend(loc="upper left", fontsize=8)
    return _page_svg(figure)


def summary_chart(counts: dict[str, dict[str, int]], chart_title: str) -> str:
    """People counted by a group (rows) and region (bars side by side), as SVG."""
    groups = list(counts)
    regions = sorted({region for by_region in counts.values() for region in by_region})
    figure, axes = _axes(8, 0.5 * max(len(groups) * max(len(regions), 1) * 0.4, 3) + 1.6, chart_title, "People", "")
    colours = [PALETTE[name] for name in ("blue", "orange", "green", "vermillion", "sky", "dark_grey")]
    height = 0.8 / max(len(regions), 1)
    for index, region in enumerate(regions):
        places = [g + index * height - 0.4 + height / 2 for g in range(len(groups))]
        values = [counts[group].get(region, 0) for group in groups]
        bars = axes.barh(places, values, height, label=region, color=colours[index % len(colours)],
                         edgecolor="#333333", linewidth=0.5)
        axes.bar_label(bars, padding=2, fontsize=7)
    axes.set_yticks(list(range(len(groups))), groups)
    axes.invert_yaxis()
    axes.legend(loc="lower right", fontsize=8, title="Region")
    return _page_svg(figure)


def compliance_chart(by_quarter: list[dict], chart_title: str) -> str:
    """The share of people compliant at each quarter end, as SVG."""
    figure, axes = _axes(8, 3.6, chart_title, "Quarter end", "People compliant")
    labels = [f"{q['quarter']}\n{q['as_of'].strftime('%d %b')}" for q in by_quarter]
    bars = axes.bar(labels, [100 * (q["rate"] or 0) for q in by_quarter], **_bar_style("green"))
    axes.bar_label(
        bars,
        labels=[f"{percent(q['rate'])} ({q['compliant']}/{q['assessed']})" for q in by_quarter],
        padding=2,
        fontsize=8,
    )
    axes.set_ylim(0, 110)
    axes.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    return _page_svg(figure)

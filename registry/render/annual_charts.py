"""The annual report's charts: each chart's title and text alternative (which says the
numbers it shows), and the chart drawn as SVG.

A chart is named as the layout (annual_layout.py) places it: `pipeline`, `supervision`,
`compliance`, or `lineage:CODE` for the lineage of one programme. The lineage of a
programme is drawn by `lineage_picture`, the one place to change how.
"""

from __future__ import annotations

import re
from typing import Callable

from .annual_layout import month_text
from .annual_quality import EVALUATION_CHART, TEACHING_CHART
from .annual_quality import chart_texts as quality_texts
from .annual_quality import draw as quality_chart
from .charts import compliance_chart, inline_svg, pipeline_chart, supervision_chart
from .words import in_words, long_date, number, percent

LINEAGE = "lineage:"


def chart_id(name: str) -> str:
    return "chart-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def lineage_picture(lineage: dict, code: str) -> str:
    """One programme's lineage as SVG: the picture of `lineage draw` (lineage_picture.py),
    by name when it fits on a page, else trainers counted per generation and region; the
    summary when the full picture is a separate file (picture_file)."""
    from .lineage_picture import lineage_picture as picture
    from .lineage_picture import lineage_summary_svg

    if picture_file(lineage, code):
        return lineage_summary_svg(lineage["pictures"], programme=code)
    return picture(lineage["pictures"], programme=code, fmt="svg").decode("utf-8")


def picture_file(lineage: dict, code: str) -> dict | None:
    """The separate file of a programme's full lineage picture, when the report is written
    with them (annual_files.py): its "name" and "href" (relative to the report), and the
    "words" that say the picture in the report is a summary and the full one a file."""
    filed = lineage.get("files", {}).get(code)
    if filed is None:
        return None
    from .lineage_picture import by_name, picture_of

    pictures = lineage["pictures"]
    if by_name(pictures, picture_of(pictures, code)):
        how = "who trained whom, each trainer by name, with the risks highlighted"
    else:
        how = "trainers counted by generation and region: too many to name on an A4 page"
    return {**filed, "words": f"This is a summary; the full picture of the {code} lineage ({how}) is a separate file:"}


def draw(name: str, data: dict, chart_title: str) -> str:
    if name == "pipeline":
        return pipeline_chart(data["workforce"], chart_title)
    if name == "supervision":
        months = data["supervision"]["by_month"]
        labels = [month_text(month, data["period"]) for month in months]
        return supervision_chart(months, labels, chart_title)
    if name == "compliance":
        return compliance_chart(data["compliance"]["by_quarter"], chart_title)
    if name in (TEACHING_CHART, EVALUATION_CHART):
        return quality_chart(name, data, chart_title)
    return lineage_picture(data["lineage"], name.removeprefix(LINEAGE))


def chart_names(sections: list[dict]) -> list[str]:
    """The charts the sections show, in order."""
    return [block["chart"] for section in sections for block in section["blocks"] if block["type"] == "chart"]


def charts(data: dict, sections: list[dict], progress: Callable[[str], None] | None = None) -> dict[str, dict]:
    """The charts the sections show, drawn: {"id", "title", "caption", "svg"} by name;
    `progress` is told each one as it is drawn."""
    texts = chart_texts(data)
    drawn = {}
    for name in chart_names(sections):
        chart_title, caption = texts[name]
        svg = inline_svg(draw(name, data, chart_title), chart_id(name), chart_title, caption)
        drawn[name] = {"id": chart_id(name), "title": chart_title, "caption": caption, "svg": svg, "file": chart_file(data, name)}
        if progress:
            progress(name)
    return drawn


def chart_file(data: dict, name: str) -> dict | None:
    """The separate file a chart is the summary of (picture_file), if any."""
    return picture_file(data["lineage"], name.removeprefix(LINEAGE)) if name.startswith(LINEAGE) else None


def chart_texts(data: dict) -> dict[str, tuple[str, str]]:
    """Each chart's title and its text alternative, which gives the numbers it shows."""
    year = data["period"]["year"]
    w, s, c = data["workforce"], data["supervision"], data["compliance"]
    by_stage = "; ".join(f"{in_words(r['stage'])} {r['start']} to {r['end']}" for r in w["by_stage"])
    by_month = "; ".join(f"{month_text(m, data['period'])} {number(m['hours'])}" for m in s["by_month"])
    by_quarter = "; ".join(
        f"{q['quarter']} ({long_date(q['as_of'])}) {percent(q['rate'])}, {q['compliant']} of {q['assessed']}"
        for q in c["by_quarter"]
    )
    texts = {
        "pipeline": (
            f"Workforce pipeline by highest stage, start and end of {year}",
            "Active people by highest stage at the start and end of the year: "
            + (by_stage or "nobody in post")
            + f". Total {w['total']['start']} to {w['total']['end']}.",
        ),
        "supervision": (
            f"Supervision hours by month, {year}",
            f"Hours of supervision attended each month ({number(s['hours'])} in all): {by_month}.",
        ),
        "compliance": (
            f"Compliance at each quarter end, {year}",
            f"People compliant with the policy at each quarter end: {by_quarter}.",
        ),
    }
    texts.update(quality_texts(data))
    lineage = data["lineage"]
    for code in lineage["programmes"] if "pictures" in lineage else []:
        texts[LINEAGE + code] = _lineage_text(lineage, code)
    return texts


def _lineage_text(lineage: dict, code: str) -> tuple[str, str]:
    """The title and text alternative of one programme's lineage picture, read from the
    data it is drawn from: by name, its trainers and what the picture marks on them;
    else (too many to name on a page, the full picture a separate file, or data without
    names) the summary's counts."""
    from .lineage_layout import picture_title, trainer_count
    from .lineage_picture import by_name, picture_of
    from .lineage_summary import summary_words

    pictures = lineage["pictures"]
    picture = picture_of(pictures, code)
    if not by_name(pictures, picture) or picture_file(lineage, code):
        return picture_title(pictures, picture, "trainers by generation and region"), summary_words(picture)
    trainers, summary = picture["trainers"], picture["summary"]

    def refs(chosen: list[dict], when: str = "") -> str:
        return ", ".join(t["person"] + (f" ({long_date(t[when])})" if when else "") for t in chosen) or "none"

    gaps = [str(row["generation"]) for row in summary["rows"] if not any(row["active"].values())]
    gap_words = f"No active trainer in generation{'s' if len(gaps) > 1 else ''} {', '.join(gaps)}." if gaps else (
        "An active trainer in every generation."
    )
    return (
        picture_title(pictures, picture, "trainer lineage"),
        (
            f"{trainer_count(summary['trainers'])}, {summary['active_trainers']:,} active, by generation, with "
            f"{len(picture['edges'])} arrows from trainer to trainee. "
            f"No successor (trained no active trainer): {refs([t for t in trainers if t['no_successor']])}. "
            f"Leaving within 18 months: {refs([t for t in trainers if t['leaving_on']], 'leaving_on')}. " + gap_words
        ),
    )

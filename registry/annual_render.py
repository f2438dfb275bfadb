"""The annual report rendered: one self-contained HTML page (Jinja2, inline CSS and SVG
charts) or Markdown with the same sections.

`layout()` says once what each section holds, as blocks (a sentence, a chart, a table,
a list, key figures); the HTML template and the Markdown renderer only lay them out.
Charts are drawn with matplotlib (Agg) into SVG text inlined into the page: no prolog,
ids made unique per chart, a <title> and <desc>, role="img", and a <figcaption> that
says the same numbers in words. Colours are Okabe-Ito's, and the two series of the
pipeline chart differ in hatching as well as colour.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
from pathlib import Path

from .annual import RISK_KINDS, lineage_as_graph

SECTIONS = (
    ("summary", "Summary"),
    ("workforce", "Workforce"),
    ("movement", "Joiners, leavers and progressions"),
    ("courses", "Courses delivered"),
    ("supervision", "Supervision"),
    ("development", "CPD and retreats"),
    ("compliance", "Compliance"),
    ("succession", "Succession risks"),
    ("lineage", "Training lineage"),
    ("notes", "About these figures"),
)
FORMATS = ("html", "markdown")
SUFFIX = {"html": ".html", "markdown": ".md"}
# Okabe-Ito: distinguishable with the common forms of colour blindness.
OKABE_ITO = {"blue": "#0072B2", "sky": "#56B4E9", "green": "#009E73", "orange": "#E69F00"}
TEMPLATES = Path(__file__).resolve().parent / "templates"
NUMERIC = ("num", "change", "percent")

NOTES = (
    (
        "The year's start is read as at 31 December of the year before, so that the workforce at the end is "
        "the workforce at the start, plus joiners, less leavers."
    ),
    (
        "Active people: the registry keeps each person's current status only; on a past date, a person counts "
        "when they had joined by then and are active now or left after that date. People on leave are not counted."
    ),
    "Highest stage: the highest stage attained by the date in any programme.",
    (
        "Supervision: an attendance is one supervisee at one session; a session is one supervisor's meeting on "
        "a day, of one kind (a group session has several attendances). Hours add up the attendances' minutes."
    ),
    "Compliance is assessed under the policy named above, over its rolling window ending on each date.",
    (
        "Succession risks are those of `mbp-registry succession report` on each date; new and resolved risks "
        "compare the year end with the previous year end."
    ),
)


# ---------------------------------------------------------------- words and numbers


def words(value) -> str:
    return str(value).replace("_", " ")


def percent(rate) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"


def number(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, int) else str(value)


def signed(change) -> str:
    if not change:
        return "0"
    return f"+{number(change)}" if change > 0 else f"\u2212{number(-change)}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def cell(value, kind: str = "") -> str:
    """One table cell; `kind` is change, percent, words, num or empty."""
    if kind == "change":
        return signed(value)
    if kind == "percent":
        return percent(value)
    if kind == "words":
        return words(value)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return number(value)


def title(data: dict) -> str:
    return f"Annual governance report {data['period']['year']}"


def period_text(data: dict) -> str:
    when = data["period"]
    text = f"{long_date(when['start'])} to {long_date(when['end'])}"
    return text if when["complete"] else text + " (the year to date)"


# ---------------------------------------------------------------- what each section holds


def _text(text: str) -> dict:
    return {"type": "text", "text": text}


def _table(caption: str, rows: list[dict], columns: list[tuple[str, str, str]], empty: str = "None.") -> dict:
    return {"type": "table", "caption": caption, "rows": rows, "columns": columns, "empty": empty}


def _list(heading: str, items: list[str]) -> dict:
    return {"type": "list", "heading": f"{heading} ({len(items)})", "items": items}


def key_figures(data: dict) -> list[dict]:
    w, movement, courses = data["workforce"], data["movement"], data["courses"]
    s, d, year_end = data["supervision"], data["development"], data["compliance"]["year_end"]
    risks = {row["kind"]: row for row in data["succession"]["counts"]}

    def with_change(count: int, change: int) -> str:
        return f"{count} ({signed(change) if change else 'no change'})"

    def risk(kind: str) -> str:
        return with_change(risks[kind]["current"], risks[kind]["change"])

    return [
        {"measure": "Active people at the year end", "value": with_change(w["total"]["end"], w["total"]["change"])},
        {"measure": "Joiners / leavers", "value": f"{len(movement['joiners'])} / {len(movement['leavers'])}"},
        {"measure": "Stage progressions", "value": number(movement["progressions_total"])},
        {
            "measure": "Courses started / participants",
            "value": f"{courses['courses']} / {number(courses['participants'])}",
        },
        {"measure": "Supervision sessions / hours", "value": f"{number(s['sessions'])} / {number(s['hours'])}"},
        {"measure": "CPD hours / retreat days", "value": f"{number(d['cpd_hours'])} / {number(d['retreat_days'])}"},
        {
            "measure": "Compliant at the year end",
            "value": f"{percent(year_end['rate'])} ({year_end['compliant']} of {year_end['assessed']})",
        },
        {"measure": "Single points of failure", "value": risk("single_points_of_failure")},
        {"measure": "Posts without a ready-now successor", "value": risk("posts_at_risk")},
    ]


def layout(data: dict) -> list[dict]:
    """The sections in order, each {"id", "heading", "blocks"}."""
    w, m, c, s, d = data["workforce"], data["movement"], data["courses"], data["supervision"], data["development"]
    year_end, succ = data["compliance"]["year_end"], data["succession"]
    changes = [
        ("start", f"Start ({long_date(w['start'])})", "num"),
        ("end", f"End ({long_date(w['end'])})", "num"),
        ("change", "Change", "change"),
    ]
    before, after = long_date(succ["previous_as_of"]), long_date(succ["as_of"])
    risk = [("risk", "Risk", ""), ("text", "Detail", "")]
    blocks = {
        "summary": [{"type": "figures", "items": key_figures(data)}],
        "workforce": [
            _text(
                f"Active people: {w['total']['start']} at the start of the year, {w['total']['end']} at its end "
                f"({signed(w['total']['change'])})."
            ),
            {"type": "chart", "chart": "pipeline"},
            _table(
                "Active people by highest stage in any programme",
                w["by_stage"],
                [("stage", "Stage", "words"), *changes],
            ),
            _table(
                "Active people by programme and their highest stage in it",
                w["by_programme"],
                [("programme", "Programme", ""), ("stage", "Stage", "words"), *changes],
            ),
            _table("Active people by region", w["by_region"], [("region", "Region", ""), *changes]),
        ],
        "movement": [
            _text(
                f"{len(m['joiners'])} joined, {len(m['leavers'])} left, and {m['progressions_total']} stages "
                "were attained in the year."
            ),
            _table(
                f"Joiners ({len(m['joiners'])})",
                m["joiners"],
                [("person", "Person", ""), ("name", "Name", ""), ("region", "Region", ""), ("on", "Joined on", "")],
            ),
            _table(
                f"Leavers ({len(m['leavers'])})",
                m["leavers"],
                [
                    ("person", "Person", ""),
                    ("name", "Name", ""),
                    ("region", "Region", ""),
                    ("status", "Status", "words"),
                    ("on", "Left on", ""),
                ],
            ),
            _table(
                "Stage progressions: stages attained in the year",
                m["progressions"],
                [("programme", "Programme", ""), ("stage", "Stage attained", "words"), ("count", "People", "num")],
            ),
        ],
        "courses": [
            _text(
                f"{number(c['courses'])} courses started in the year, with {number(c['participants'])} participants."
            ),
            _table(
                "Courses and participants by setting",
                c["by_setting"],
                [("setting", "Setting", ""), ("courses", "Courses", "num"), ("participants", "Participants", "num")],
            ),
            _table(
                "Courses and participants by programme",
                c["by_programme"],
                [
                    ("programme", "Programme", ""),
                    ("courses", "Courses", "num"),
                    ("participants", "Participants", "num"),
                ],
            ),
        ],
        "supervision": [
            _text(
                f"{number(s['sessions'])} sessions held by {s['supervisors']} supervisors, with {number(s['rows'])} "
                f"attendances by {s['supervisees']} supervisees: {number(s['hours'])} hours attended."
            ),
            {"type": "chart", "chart": "supervision"},
            _table(
                "Supervision by month",
                s["by_month"],
                [
                    ("label", "Month", ""),
                    ("sessions", "Sessions", "num"),
                    ("rows", "Attendances", "num"),
                    ("hours", "Hours", "num"),
                ],
            ),
            _table(
                "Supervision by kind",
                s["by_kind"],
                [("kind", "Kind", "words"), ("rows", "Attendances", "num"), ("hours", "Hours", "num")],
            ),
        ],
        "development": [
            _text(
                f"{number(d['cpd_hours'])} CPD hours logged by {d['cpd_people']} people in {d['cpd_activities']} "
                f"activities; {number(d['retreat_days'])} retreat days by {d['retreat_people']} people on "
                f"{d['retreats']} retreats."
            ),
            _table(
                "CPD hours by category",
                d["cpd_by_category"],
                [("category", "Category", "words"), ("activities", "Activities", "num"), ("hours", "Hours", "num")],
            ),
        ],
        "compliance": [
            _text(
                f"On {long_date(year_end['as_of'])}, {year_end['compliant']} of {year_end['assessed']} assessed "
                f"people were compliant ({percent(year_end['rate'])})."
            ),
            {"type": "chart", "chart": "compliance"},
            _table(
                "Compliance at each quarter end",
                data["compliance"]["by_quarter"],
                [
                    ("quarter", "Quarter", ""),
                    ("as_of", "As of", ""),
                    ("assessed", "Assessed", "num"),
                    ("compliant", "Compliant", "num"),
                    ("rate", "Rate", "percent"),
                ],
            ),
            _table(
                "People short of each requirement at the year end",
                year_end["by_requirement"],
                [("requirement", "Requirement", "words"), ("short", "People short", "num")],
            ),
            _table(
                "Compliance by region at the year end",
                year_end["by_region"],
                [
                    ("region", "Region", ""),
                    ("assessed", "Assessed", "num"),
                    ("compliant", "Compliant", "num"),
                    ("rate", "Rate", "percent"),
                    ("short_of_cpd", "Short of CPD", "num"),
                    ("short_of_retreat", "Short of retreat", "num"),
                    ("short_of_supervision", "Short of supervision", "num"),
                ],
            ),
            _table(
                "Compliance by organisation at the year end",
                year_end["by_organisation"],
                [
                    ("organisation", "Organisation", ""),
                    ("assessed", "Assessed", "num"),
                    ("compliant", "Compliant", "num"),
                    ("rate", "Rate", "percent"),
                ],
            ),
        ],
        "succession": [
            _text(f"Risks on {after}, against {before}."),
            _table(
                "Succession risks at the year end and the previous year end",
                succ["counts"],
                [
                    ("measure", "Measure", ""),
                    ("previous", before, "num"),
                    ("current", after, "num"),
                    ("change", "Change", "change"),
                ],
            ),
            *[_list(label, succ["current"][kind]) for kind, label in RISK_KINDS.items()],
            _table(
                "Active trainers by generation",
                succ["generations"],
                [
                    ("programme", "Programme", ""),
                    ("generation", "Generation", "num"),
                    ("count", "Active trainers", "num"),
                    ("trainers", "Who", ""),
                ],
                "No active trainer.",
            ),
            _table("New since the previous year end", succ["new"], risk),
            _table("Resolved since the previous year end", succ["resolved"], risk),
        ],
        "lineage": (
            [
                _text(
                    f"Who trained whom, as of {long_date(data['lineage']['as_of'])}; single points of failure and "
                    "people leaving within 18 months are highlighted."
                ),
                {"type": "chart", "chart": "lineage"},
            ]
            if data["lineage"]["nodes"]
            else [_text(f"No training records by {long_date(data['lineage']['as_of'])}.")]
        ),
        "notes": [{"type": "bullets", "items": list(NOTES)}],
    }
    return [{"id": id, "heading": heading, "blocks": blocks[id]} for id, heading in SECTIONS]


# ---------------------------------------------------------------- charts


def chart_texts(data: dict) -> dict[str, tuple[str, str]]:
    """Each chart's title and its text alternative, which gives the numbers it shows."""
    year = data["period"]["year"]
    w, s, lineage = data["workforce"], data["supervision"], data["lineage"]
    nodes = lineage["nodes"]

    def refs(flag: str) -> str:
        return ", ".join(n["id"] for n in nodes if n[flag]) or "none"

    firsts = ", ".join(sorted({n["id"] for n in nodes if 1 in n["generation"].values()})) or "none"
    return {
        "pipeline": (
            f"Workforce pipeline by highest stage, start and end of {year}",
            "Active people by highest stage at the start and end of the year: "
            + ("; ".join(f"{words(r['stage'])} {r['start']} to {r['end']}" for r in w["by_stage"]) or "nobody in post")
            + f". Total {w['total']['start']} to {w['total']['end']}.",
        ),
        "supervision": (
            f"Supervision hours by month, {year}",
            f"Hours of supervision attended each month ({number(s['hours'])} in all): "
            + "; ".join(f"{m['label']} {number(m['hours'])}" for m in s["by_month"])
            + ".",
        ),
        "compliance": (
            f"Compliance at each quarter end, {year}",
            "People compliant with the policy at each quarter end: "
            + "; ".join(
                f"{q['quarter']} ({long_date(q['as_of'])}) {percent(q['rate'])}, {q['compliant']} of {q['assessed']}"
                for q in data["compliance"]["by_quarter"]
            )
            + ".",
        ),
        "lineage": (
            f"Training lineage on {long_date(lineage['as_of'])}: who trained whom",
            (
                f"{len(nodes)} people linked by {len(lineage['edges'])} training records. First-generation trainers: "
                f"{firsts}. Single points of failure: {refs('single_point_of_failure')}. Leaving within 18 months: "
                f"{refs('leaving_soon')}."
            ),
        ),
    }


_ID_REFERENCES = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


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


def _svg_of(figure) -> str:
    import matplotlib
    import matplotlib.pyplot as plt

    figure.tight_layout()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mbp-registry"}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(figure)
    return buffer.getvalue()


def _bar_style(colour: str) -> dict:
    return {"color": colour, "edgecolor": "#333333", "linewidth": 0.5}


def _pipeline(data: dict, chart_title: str) -> str:
    w = data["workforce"]
    rows = w["by_stage"] or [{"stage": "nobody in post", "start": 0, "end": 0}]
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
        label=f"Start ({long_date(w['start'])})",
        hatch="//",
        **_bar_style(OKABE_ITO["sky"]),
    )
    end_bars = axes.barh(
        [p + half / 2 for p in places],
        ends,
        half,
        label=f"End ({long_date(w['end'])})",
        **_bar_style(OKABE_ITO["blue"]),
    )
    axes.bar_label(start_bars, padding=2, fontsize=8)
    axes.bar_label(end_bars, padding=2, fontsize=8)
    axes.set_yticks(list(places), [words(r["stage"]) for r in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, max(starts + ends + [1]) * 1.15)
    axes.legend(loc="lower right", fontsize=8)
    return _svg_of(figure)


def _supervision(data: dict, chart_title: str) -> str:
    months = data["supervision"]["by_month"]
    figure, axes = _axes(8, 3.6, chart_title, "Month", "Hours (all attendances)")
    hours = [m["hours"] for m in months]
    bars = axes.bar([m["label"] for m in months], hours, **_bar_style(OKABE_ITO["blue"]))
    axes.bar_label(bars, labels=[number(h) for h in hours], padding=2, fontsize=8)
    axes.set_ylim(0, max(hours + [1]) * 1.15)
    return _svg_of(figure)


def _compliance(data: dict, chart_title: str) -> str:
    quarters = data["compliance"]["by_quarter"]
    figure, axes = _axes(8, 3.6, chart_title, "Quarter end", "People compliant")
    labels = [f"{q['quarter']}\n{q['as_of'].strftime('%d %b')}" for q in quarters]
    bars = axes.bar(labels, [100 * (q["rate"] or 0) for q in quarters], **_bar_style(OKABE_ITO["green"]))
    axes.bar_label(
        bars,
        labels=[f"{percent(q['rate'])} ({q['compliant']}/{q['assessed']})" for q in quarters],
        padding=2,
        fontsize=8,
    )
    axes.set_ylim(0, 110)
    axes.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    return _svg_of(figure)


def _lineage(data: dict, chart_title: str) -> str:
    from .lineage import svg_text

    return svg_text(lineage_as_graph(data["lineage"]))


DRAW = {"pipeline": _pipeline, "supervision": _supervision, "compliance": _compliance, "lineage": _lineage}


def charts(data: dict, sections: list[dict]) -> dict[str, dict]:
    """The charts the sections show, drawn: {"id", "title", "caption", "svg"} by name."""
    texts = chart_texts(data)
    drawn = {}
    for section in sections:
        for block in section["blocks"]:
            if block["type"] == "chart":
                name = block["chart"]
                chart_title, caption = texts[name]
                chart_id = f"chart-{name}"
                svg = inline_svg(DRAW[name](data, chart_title), chart_id, chart_title, caption)
                drawn[name] = {"id": chart_id, "title": chart_title, "caption": caption, "svg": svg}
    return drawn


# ---------------------------------------------------------------- the two formats


def render_html(data: dict) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["cell"] = cell
    sections = layout(data)
    drawn = {name: {**chart, "svg": Markup(chart["svg"])} for name, chart in charts(data, sections).items()}
    return environment.get_template("annual.html.j2").render(
        title=title(data),
        period=period_text(data),
        generated_on=long_date(data["generated_on"]),
        policy=data["policy"],
        sections=sections,
        charts=drawn,
        numeric=NUMERIC,
    )


def _md_cell(value, kind: str) -> str:
    return cell(value, kind).replace("|", "\\|").replace("\n", " ")


def _md_block(block: dict, data: dict) -> list[str]:
    kind = block["type"]
    if kind == "text":
        return [block["text"]]
    if kind == "chart":
        chart_title, caption = chart_texts(data)[block["chart"]]
        return [f"*Chart: {chart_title}.* {caption}"]
    if kind == "bullets":
        return ["\n".join(f"- {item}" for item in block["items"])]
    if kind == "list":
        return [f"### {block['heading']}", "\n".join(f"- {item}" for item in block["items"]) or "None."]
    if kind == "figures":
        block = _table("Key figures", block["items"], [("measure", "Measure", ""), ("value", "Value", "")])
    columns = block["columns"]
    if not block["rows"]:
        return [f"**{block['caption']}**", block["empty"]]
    lines = [
        "| " + " | ".join(header for _, header, _ in columns) + " |",
        "|" + "|".join("---:" if k in NUMERIC else "---" for _, _, k in columns) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(row[key], k) for key, _, k in columns) + " |" for row in block["rows"]]
    return [f"**{block['caption']}**", "\n".join(lines)]


def render_markdown(data: dict) -> str:
    out = [
        f"# {title(data)}",
        (
            f"Period: {period_text(data)}. Generated on {long_date(data['generated_on'])}; compliance under the "
            f"{data['policy']} policy."
        ),
    ]
    for section in layout(data):
        out.append(f"## {section['heading']}")
        for block in section["blocks"]:
            out += _md_block(block, data)
    return "\n\n".join(out) + "\n"


def render(data: dict, fmt: str) -> str:
    return render_html(data) if fmt == "html" else render_markdown(data)


def write(path: str | Path, text: str) -> Path:
    """Write the report owner-only: it names people."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path

"""The annual report rendered: one self-contained HTML page (Jinja2, inline CSS and SVG
charts) or Markdown with the same sections, as render/annual_layout.py says them.

Charts are inlined into the page: no prolog, ids made unique per chart, a <title> and
<desc>, role="img", and a <figcaption> that says the same numbers in words. The page
names people: write it with registry/files.py, owner-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import Invalid
from .annual_charts import chart_file, chart_texts, charts
from .annual_layout import layout, period_text, title
from .blocks import table
from .words import cell, long_date

FORMATS = ("html", "markdown")
SUFFIX = {"html": ".html", "markdown": ".md"}
TEMPLATES = Path(__file__).resolve().parent / "templates"
NUMERIC = ("num", "change", "percent")


def render_html(data: dict, progress: Callable[[str], None] | None = None) -> str:
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
    drawn = {name: {**chart, "svg": Markup(chart["svg"])} for name, chart in charts(data, sections, progress).items()}
    return environment.get_template("annual.html.j2").render(
        title=title(data),
        period=period_text(data),
        generated_on=long_date(data["generated_on"]),
        policy=data["policy"],
        sections=sections,
        charts=drawn,
        numeric=NUMERIC,
        published=bool(data.get("publication")),
    )


def _md_cell(value, kind: str) -> str:
    return cell(value, kind).replace("|", "\\|").replace("\n", " ")


def _md_table(block: dict) -> list[str]:
    columns = block["columns"]
    if not block["rows"]:
        return [f"**{block['caption']}**", block["empty"]]
    lines = [
        "| " + " | ".join(header for _, header, _ in columns) + " |",
        "|" + "|".join("---:" if kind in NUMERIC else "---" for _, _, kind in columns) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(row[key], kind) for key, _, kind in columns) + " |" for row in block["rows"]]
    return [f"**{block['caption']}**", "\n".join(lines)]


def _md_block(block: dict, data: dict, texts: dict[str, tuple[str, str]]) -> list[str]:
    kind = block["type"]
    if kind == "text":
        return [block["text"]]
    if kind == "chart":
        chart_title, caption = texts[block["chart"]]
        filed = chart_file(data, block["chart"])
        link = f" {filed['words']} [{filed['name']}]({filed['href']})." if filed else ""
        return [f"*Chart: {chart_title}.* {caption}{link}"]
    if kind == "bullets":
        return ["\n".join(f"- {item}" for item in block["items"])]
    if kind == "list":
        return [f"### {block['heading']}", "\n".join(f"- {item}" for item in block["items"]) or "None."]
    if kind == "figures":
        return _md_table(table("Key figures", block["items"], [("measure", "Measure", ""), ("value", "Value", "")]))
    return _md_table(block)


def render_markdown(data: dict) -> str:
    out = [
        f"# {title(data)}",
        (
            f"Period: {period_text(data)}. Generated on {long_date(data['generated_on'])}; compliance under the "
            f"{data['policy']} policy."
        ),
    ]
    texts = chart_texts(data)
    for section in layout(data):
        out.append(f"## {section['heading']}")
        for block in section["blocks"]:
            out += _md_block(block, data, texts)
    return "\n\n".join(out) + "\n"


def report_format(out: str | None, fmt: str | None) -> str:
    """The format to write: the one asked for, else the one of the `out` file's suffix,
    else HTML. An `out` that is not an .html or .md file, or not of the format asked for,
    is refused: the file's name must say what is in it."""
    if out is None:
        return fmt or "html"
    by_suffix = {suffix: name for name, suffix in SUFFIX.items()}
    suffix = Path(out).suffix.lower()
    if suffix not in by_suffix:
        raise Invalid(
            f"out: {out!r} is not an .html or .md file: the report is written as HTML (a browser prints it "
            "to PDF) or Markdown"
        )
    if fmt is not None and by_suffix[suffix] != fmt:
        raise Invalid(f"out: {out!r} is not a {SUFFIX[fmt]} file, as the {fmt} format needs")
    return by_suffix[suffix]


def render(data: dict, fmt: str, progress: Callable[[str], None] | None = None) -> str:
    """The report in `fmt`; `progress` is told each chart (of chart_names) as it is drawn."""
    return render_html(data, progress) if fmt == "html" else render_markdown(data)

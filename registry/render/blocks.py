"""The blocks the annual report's sections are made of (annual_layout.py and
annual_quality.py say what each section holds with them): a sentence, a chart named as
annual_charts.py draws it, and a table. render/annual.py lays them out as HTML or Markdown.
"""

from __future__ import annotations


def text(words: str) -> dict:
    return {"type": "text", "text": words}


def chart(name: str) -> dict:
    return {"type": "chart", "chart": name}


def table(caption: str, rows: list[dict], columns: list[tuple[str, str, str]], empty: str = "None.") -> dict:
    """A table block; each column is (key, header, kind), kind as words.cell takes it."""
    return {"type": "table", "caption": caption, "rows": rows, "columns": columns, "empty": empty}


def num(key: str, header: str) -> tuple[str, str, str]:
    """A column of numbers."""
    return (key, header, "num")

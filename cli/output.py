"""One `--format` option and one renderer for every list and report."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import Any, Iterable, Sequence

import click

FORMATS = ("table", "csv", "json")


def output_options(formats: Sequence[str] = FORMATS):
    """Adds `--format` to a command, passed to it as `fmt`."""

    def decorator(func):
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="table",
            show_default=True,
            help="Output format.",
        )(func)

    return decorator


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _records(items: list) -> bool:
    return bool(items) and all(isinstance(item, dict) for item in items)


def json_text(data: Any) -> str:
    """JSON with ISO dates; one line per record of a list, so that large reports stay fast
    to write (the C encoder does each line) and easy to read."""
    if isinstance(data, list) and _records(data):
        return "[\n  " + ",\n  ".join(_dumps(item) for item in data) + "\n]"
    if not isinstance(data, dict) or not data:
        return _dumps(data)
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and _records(value):
            inner = ",\n    ".join(_dumps(item) for item in value)
            parts.append(f"  {_dumps(key)}: [\n    {inner}\n  ]")
        else:
            parts.append(f"  {_dumps(key)}: {_dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _csv_cell(value: Any) -> str:
    from mbp_registry.registry.fields import neutralise_formula

    return neutralise_formula(value) if isinstance(value, str) else _cell(value)


def table_text(rows: Iterable[dict], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    from tabulate import tabulate

    body = [[_cell(row.get(column)) for column in columns] for row in rows]
    if not body:
        return "(none)"
    return tabulate(body, headers=list(headers or columns), tablefmt="simple", disable_numparse=True)


def csv_text(rows: Iterable[dict], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue().rstrip("\n")


def render(
    rows: list[dict],
    fmt: str,
    columns: Sequence[str],
    headers: Sequence[str] | None = None,
    json_data: Any = None,
) -> None:
    """Print `rows` as a table, CSV, or JSON (`json_data` when the JSON has more shape)."""
    if fmt == "json":
        click.echo(json_text(rows if json_data is None else json_data))
    elif fmt == "csv":
        click.echo(csv_text(rows, columns))
    else:
        click.echo(table_text(rows, columns, headers))


def render_record(data: dict, fmt: str, sections: dict[str, Sequence[str]]) -> None:
    """Print one record: its own fields, then a table for each related list in `sections`."""
    if fmt == "json":
        click.echo(json_text(data))
        return
    width = max(len(name) for name in data if name not in sections)
    for name, value in data.items():
        if name not in sections:
            click.echo(f"{name.replace('_', ' '):<{width}}  {_cell(value)}")
    for name, columns in sections.items():
        title = "CPD" if name == "cpd" else name.replace("_", " ").capitalize()
        click.echo(f"\n{title}:")
        click.echo(table_text(data[name], columns))

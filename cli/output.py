"""One `--format` option and one renderer for every list, record and report.

A command describes its output once, as an `Output`: the columns of its table and CSV
(each `Column` says its header, what its table cell shows, and which formats carry it),
where the rows are in the result, and any words around the table. `render(result, fmt,
output)` prints it: JSON is always the whole result, CSV the rows' plain values, and the
table the columns as people read them (or the report's own text).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import click

from .params import choice

FORMATS = ("table", "csv", "json")


def output_options(formats: Sequence[str] = FORMATS):
    """Adds `--format` to a command, passed to it as `fmt`."""

    def decorator(func):
        return click.option(
            "--format",
            "fmt",
            type=choice(formats),
            default="table",
            show_default=True,
            help="Output format.",
        )(func)

    return decorator


@dataclass(frozen=True)
class Column:
    """One column: `key` in the rows (and the CSV header), its table `header`, what its
    table cell `shows` of the row (default: the value at `key`), and the formats it is in."""

    key: str
    header: str | None = None
    shows: Callable[[dict], Any] | None = None
    formats: tuple[str, ...] = ("table", "csv")

    def cell(self, row: dict) -> Any:
        return row.get(self.key) if self.shows is None else self.shows(row)


def columns(*keys: str) -> tuple[Column, ...]:
    """Plain columns, headed by their keys."""
    return tuple(Column(key) for key in keys)


def yes_no(key: str, no: str = "NO") -> Callable[[dict], str]:
    """A table cell showing a flag as "yes" or `no`."""
    return lambda row: "yes" if row[key] else no


@dataclass(frozen=True)
class Output:
    """How a command's result is shown in each format."""

    columns: Sequence[Column] = ()
    rows: Callable[[Any], list[dict]] = lambda result: result  # where the rows are in the result
    before: Callable[[Any], str] | None = None  # a line above the table
    after: Callable[[Any], str] | None = None  # a line below the table
    text: Callable[[Any], str] | None = None  # the table format, when it is a report of its own
    empty: Callable[[Any], str] | None = None  # the table format when there are no rows: why, in words


def render(result: Any, fmt: str, output: Output) -> None:
    """Print `result` as JSON, CSV or a table, as `output` describes it."""
    if fmt == "json":
        click.echo(json_text(result))
    elif fmt == "csv":
        chosen = [column.key for column in output.columns if "csv" in column.formats]
        click.echo(csv_text(output.rows(result), chosen))
    elif output.text is not None:
        click.echo(output.text(result))
    elif output.empty is not None and not output.rows(result):
        click.echo(output.empty(result))
    else:
        for part in (output.before, _table_of(output), output.after):
            if part is not None:
                click.echo(part(result))


def _table_of(output: Output) -> Callable[[Any], str]:
    chosen = [column for column in output.columns if "table" in column.formats]
    return lambda result: table_text(
        [{column.key: column.cell(row) for column in chosen} for row in output.rows(result)],
        [column.key for column in chosen],
        [column.header or column.key for column in chosen],
    )


def record_text(sections: dict[str, Sequence[str] | Callable[[Any], str]]) -> Callable[[dict], str]:
    """The table format of one record: its own fields, then each related list in `sections`
    as a table of the columns named (or as the text a function makes of it)."""

    def text(data: dict) -> str:
        width = max(len(name) for name in data if name not in sections)
        lines = [f"{name.replace('_', ' '):<{width}}  {_cell(value)}" for name, value in data.items() if name not in sections]
        for name, shown in sections.items():
            title = "CPD" if name == "cpd" else name.replace("_", " ").capitalize()
            body = shown(data[name]) if callable(shown) else table_text(data[name], shown)
            lines += [f"\n{title}:", body]
        return "\n".join(lines)

    return text


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
    """A CSV cell: text (a list's cell too, whatever its first item) protected as the bundle
    export protects it; numbers, dates and flags as they are, so -2.5 stays a number."""
    from mbp_registry.registry.fields import neutralise_formula

    return neutralise_formula(_cell(value)) if isinstance(value, (str, list, tuple)) else _cell(value)


def table_text(rows: Iterable[dict], keys: Sequence[str], headers: Sequence[str] | None = None) -> str:
    """Rows as a plain-text table of the columns `keys`, or "(none)"."""
    from tabulate import tabulate

    body = [[_cell(row.get(key)) for key in keys] for row in rows]
    if not body:
        return "(none)"
    return tabulate(body, headers=list(headers or keys), tablefmt="simple", disable_numparse=True)


def csv_text(rows: Iterable[dict], keys: Sequence[str]) -> str:
    """Rows as CSV of the columns `keys`, spreadsheet formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key in keys])
    return buffer.getvalue().rstrip("\n")

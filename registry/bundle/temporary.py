"""Temporary tables of an import: made in the caller's transaction (a rollback removes
them) and filled fast, since what goes in is already checked and typed."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Date, MetaData, Table


def temporary_table(connection: Connection, metadata: MetaData, name: str, *columns: Column) -> Table:
    table = Table(name, metadata, *columns, prefixes=["TEMPORARY"])
    table.create(connection)
    return table


def insert_many(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert plain rows through the driver's executemany, skipping SQLAlchemy's per-row
    processing."""
    names = [column.name for column in table.columns]
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    quote = connection.dialect.identifier_preparer.quote  # a column may be named like a keyword (`on`)
    listed = ", ".join(quote(name) for name in names)
    statement = f"INSERT INTO {quote(table.name)} ({listed}) VALUES ({', '.join([marker] * len(names))})"
    values = [tuple(map(row.get, names)) for row in rows]
    if connection.dialect.name == "sqlite":
        values = _dates_as_text(table, values)
    connection.exec_driver_sql(statement, values)


def _dates_as_text(table: Table, rows: list[tuple]) -> list[tuple]:
    """Rows with their dates as the ISO text SQLAlchemy stores in SQLite (rather than
    relying on the sqlite3 module's date adapter, deprecated since Python 3.12)."""
    dates = [index for index, column in enumerate(table.columns) if isinstance(column.type, Date)]
    if not dates:
        return rows
    converted = []
    for row in rows:
        cells = list(row)
        for index in dates:
            if cells[index] is not None:
                cells[index] = cells[index].isoformat()
        converted.append(tuple(cells))
    return converted

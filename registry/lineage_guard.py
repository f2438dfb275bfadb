"""The lineage kept without loops, also when writers race and when data was changed
around the registry.

- `hold_lineages`: every write of training records (add, amend, audit restore, import)
  holds the lineage of its programmes from before it reads it until its transaction
  ends, so that two writers cannot each pass the acyclic rule against a lineage without
  the other's record (`A trains B` and `B trains A` at once). On PostgreSQL this is a
  transaction-level advisory lock per programme id; on SQLite every write transaction
  already holds the database's write lock from its start.
- `registry_lineage`: the registry's trainer -> trainee edges by programme.
- `stored_loops` and `refuse_stored_loop`: a loop stored all the same (by hand, or with
  the foreign keys off) is named in one line, by `db check` and by every report that
  reads the lineage, rather than ending in a traceback.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import func, select

from . import tables
from .errors import Damaged
from .queries import training_edges
from .session import connection_of
from .validate import lineage_cycle, lineage_loop

if TYPE_CHECKING:
    from .session import Database

# Lineage edges by programme code: (trainer, trainee) -> the bundle line that adds it (0: the registry's).
Lineage = dict[str, dict[tuple[str, str], int]]
# The first key of the advisory locks of lineages ("LINE"), so that they are told apart
# from any other advisory lock taken on the same database.
LOCK_CLASS = 0x4C494E45


def hold_lineages(db: Database, programmes: Iterable[str]) -> None:
    """Hold the lineages of the programmes with these codes (those in the registry) until
    the transaction ends; in the order of their ids, so that two writers never wait for
    each other in a circle."""
    connection = connection_of(db)
    if connection.dialect.name != "postgresql":
        return
    codes = sorted(set(programmes))
    if not codes:
        return
    programme = tables.programmes
    ids = connection.execute(select(programme.c.id).where(programme.c.code.in_(codes)).order_by(programme.c.id))
    for (programme_id,) in ids.all():
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_CLASS, programme_id)))


def registry_lineage(db: Database, programme: str | None = None) -> Lineage:
    """The registry's trainer -> trainee edges by programme."""
    edges: Lineage = defaultdict(dict)
    for row in db.execute(training_edges(programme=programme)):
        edges[row.programme][(row.trainer, row.trainee)] = 0
    return edges


def stored_loops(edges: Lineage) -> list[tuple[str, list[str]]]:
    """A loop of each programme whose lineage has one: (programme, [A, B, ..., A])."""
    loops = [(code, lineage_cycle(edges[code])) for code in sorted(edges)]
    return [(code, cycle) for code, cycle in loops if cycle]


def refuse_stored_loop(db: Database, edges: Lineage | None = None) -> None:
    """Damaged, naming the loop, when the lineage (the registry's, or `edges` read from
    it) has one: no lineage, generation or report can be read from it."""
    for code, cycle in stored_loops(registry_lineage(db) if edges is None else edges):
        raise Damaged(loop_refused(code, cycle))


def loop_refused(programme: str, cycle: list[str]) -> str:
    """Why a report or a write cannot go on while the lineage has this loop."""
    return f"{lineage_loop(programme, cycle)}; run `db check`"

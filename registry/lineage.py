"""The training lineage: who trained whom, as one graph read as of a date.

Nodes are people, edges are training records (trainer -> trainee, every stage). Nodes
carry names, stages, trainer generations and the succession risks, so that any drawing
or export (see render/lineage.py) reads everything from the graph.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models
from .errors import NotFound
from .queries import training_edges
from .succession import Snapshot, leaving_soon, load_snapshot, single_points_of_failure, trainer_lineage
from .vocab import STAGES


def lineage_graph(session: Session, *, as_of: dt.date, programme: str | None = None):
    """The lineage as a networkx MultiDiGraph, with names, stages, generations and risks on the nodes."""
    import networkx as nx

    snapshot = load_snapshot(session, as_of)
    graph = nx.MultiDiGraph()
    describe = _node_attributes(snapshot)
    for trainer, trainee, code, stage, trained_on in session.execute(training_edges(as_of=as_of, programme=programme)):
        for ref in (trainer, trainee):
            if ref not in graph:
                graph.add_node(ref, **describe(ref))
        graph.add_edge(trainer, trainee, programme=code, stage=stage, trained_on=trained_on.isoformat())
    return graph


def _node_attributes(snapshot: Snapshot):
    """A function giving the attributes of a person's node."""
    generations, _ = trainer_lineage(snapshot)
    risky = {risk["person"] for risk in single_points_of_failure(snapshot)}
    leaving = {row["person"] for row in leaving_soon(snapshot)}
    stages_of: dict[str, dict[str, str]] = {}
    for (ref, code), rank in snapshot.stages.items():
        stages_of.setdefault(ref, {})[code] = STAGES[rank - 1]

    def attributes(ref: str) -> dict:
        person = snapshot.people[ref]
        return {
            "name": person.name,
            "status": person.status,
            "region": person.region,
            "stages": dict(sorted(stages_of.get(ref, {}).items())),
            "generation": {code: g[ref] for code, g in sorted(generations.items()) if ref in g},
            "single_point_of_failure": ref in risky,
            "leaving_soon": ref in leaving,
        }

    return attributes


def person_lineage(session: Session, ref: str, *, as_of: dt.date) -> dict:
    """A person's place in the lineage: who trained them (up to the first generation) and
    whom they trained (down to the last), each with the stage trained towards."""
    name = session.execute(select(models.Person.name).where(models.Person.ref == ref)).scalar()
    if name is None:
        raise NotFound(f"ref: no person {ref!r} in the registry")
    graph = lineage_graph(session, as_of=as_of)
    if ref not in graph:
        return {"person": ref, "name": name, "generation": {}, "trained_by": [], "trained": []}
    node = graph.nodes[ref]
    return {
        "person": ref,
        "name": node["name"],
        "generation": node["generation"],
        "trained_by": _walk(graph, ref, "trained_by", None, frozenset({ref})),
        "trained": _walk(graph, ref, "trained", None, frozenset({ref})),
    }


def _walk(graph, person: str, branch: str, programme: str | None, seen: frozenset) -> list[dict]:
    """The people one step up (`trained_by`) or down (`trained`) from `person`, each with
    the rest of the walk beyond them; in one programme once the first step has chosen it."""
    upwards = branch == "trained_by"
    edges = graph.in_edges(person, data=True) if upwards else graph.out_edges(person, data=True)
    result = []
    for code, other, records in _steps(edges, 0 if upwards else 1, programme):
        node = graph.nodes[other]
        result.append(
            {
                "person": other,
                "name": node["name"],
                "programme": code,
                "stages": [{"stage": d["stage"], "trained_on": d["trained_on"]} for d in records],
                "generation": node["generation"].get(code),
                branch: [] if other in seen else _walk(graph, other, branch, code, seen | {other}),
            }
        )
    return result


def _steps(edges, other_end: int, programme: str | None) -> list[tuple[str, str, list[dict]]]:
    """Edges to the same person in the same programme, gathered into one step, oldest record first."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for edge in edges:
        data = edge[2]
        if programme is None or data["programme"] == programme:
            grouped.setdefault((data["programme"], edge[other_end]), []).append(data)
    return [
        (code, person, sorted(records, key=lambda d: d["trained_on"]))
        for (code, person), records in sorted(grouped.items())
    ]

"""The training lineage: who trained whom, as a tree in the terminal, a graph file, or a picture.

Nodes are people, edges are training records (trainer -> trainee, every stage), read
as of one date. Nodes carry the succession risks, so that a drawing can show them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models
from .errors import Invalid, NotFound
from .succession import analyse, load_snapshot, trainer_lineage
from .vocab import STAGES

FORMATS = ("dot", "graphml", "mermaid", "json")
# Okabe-Ito colours, distinguishable with the common forms of colour blindness.
COLOURS = {"node": "#56B4E9", "risk": "#D55E00", "leaving": "#E69F00", "inactive": "#BBBBBB", "edge": "#555555"}


def lineage_graph(session: Session, *, as_of: dt.date, programme: str | None = None):
    """The lineage as a networkx MultiDiGraph, with names, stages, generations and risks on the nodes."""
    import networkx as nx

    snapshot = load_snapshot(session, as_of)
    generations, _ = trainer_lineage(snapshot)
    report = analyse(snapshot)
    risky = {r["person"] for r in report["single_points_of_failure"]}
    leaving = {r["person"] for r in report["leaving_soon"]}
    trainer = models.Person.__table__.alias("trainer")
    trainee = models.Person.__table__.alias("trainee")
    programmes, training = models.Programme.__table__, models.Training.__table__
    query = (
        select(trainer.c.ref, trainee.c.ref, programmes.c.code, training.c.stage, training.c.trained_on)
        .select_from(training)
        .join(trainer, trainer.c.id == training.c.trainer_id)
        .join(trainee, trainee.c.id == training.c.trainee_id)
        .join(programmes, programmes.c.id == training.c.programme_id)
        .where(training.c.trained_on <= as_of)
        .order_by(programmes.c.code, trainer.c.ref, trainee.c.ref, training.c.stage)
    )
    if programme:
        query = query.where(programmes.c.code == programme)
    stages_of: dict[str, dict[str, str]] = {}
    for (ref, code), rank in snapshot.stages.items():
        stages_of.setdefault(ref, {})[code] = STAGES[rank - 1]
    graph = nx.MultiDiGraph()

    def add_person(ref: str) -> None:
        if ref in graph:
            return
        person = snapshot.people[ref]
        graph.add_node(
            ref,
            name=person.name,
            status=person.status,
            region=person.region,
            stages=dict(sorted(stages_of.get(ref, {}).items())),
            generation={code: g[ref] for code, g in sorted(generations.items()) if ref in g},
            single_point_of_failure=ref in risky,
            leaving_soon=ref in leaving,
        )

    for a, b, code, stage, on in session.execute(query):
        add_person(a)
        add_person(b)
        graph.add_edge(a, b, programme=code, stage=stage, trained_on=on.isoformat())
    return graph


def person_lineage(session: Session, ref: str, *, as_of: dt.date) -> dict:
    """A person's place in the lineage: who trained them (up to the first generation) and
    whom they trained (down to the last), each with the stage trained towards."""
    if session.execute(select(models.Person.id).where(models.Person.ref == ref)).scalar() is None:
        raise NotFound(f"ref: no person {ref!r} in the registry")
    graph = lineage_graph(session, as_of=as_of)
    if ref not in graph:
        snapshot = load_snapshot(session, as_of)
        person = snapshot.people[ref]
        return {"person": ref, "name": person.name, "generation": {}, "trained_by": [], "trained": []}

    def step(edges, other_end: int, branch: str, programme: str | None) -> list[tuple[str, str, list[dict]]]:
        """Edges to the same person in the same programme, gathered into one step."""
        grouped: dict[tuple[str, str], list[dict]] = {}
        for edge in edges:
            data = edge[2]
            if programme is None or data["programme"] == programme:
                grouped.setdefault((data["programme"], edge[other_end]), []).append(data)
        return [
            (code, person, sorted(items, key=lambda d: d["trained_on"]))
            for (code, person), items in sorted(grouped.items())
        ]

    def walk(person: str, branch: str, programme: str | None, seen: frozenset) -> list[dict]:
        edges = graph.in_edges(person, data=True) if branch == "trained_by" else graph.out_edges(person, data=True)
        result = []
        for code, other, items in step(edges, 0 if branch == "trained_by" else 1, branch, programme):
            node = graph.nodes[other]
            result.append(
                {
                    "person": other,
                    "name": node["name"],
                    "programme": code,
                    "stages": [{"stage": d["stage"], "trained_on": d["trained_on"]} for d in items],
                    "generation": node["generation"].get(code),
                    branch: [] if other in seen else walk(other, branch, code, seen | {other}),
                }
            )
        return result

    node = graph.nodes[ref]
    return {
        "person": ref,
        "name": node["name"],
        "generation": node["generation"],
        "trained_by": walk(ref, "trained_by", None, frozenset({ref})),
        "trained": walk(ref, "trained", None, frozenset({ref})),
    }


def export_text(graph, fmt: str) -> str:
    """The lineage graph written as Graphviz dot, GraphML, Mermaid or JSON."""
    if fmt == "dot":
        return _dot(graph)
    if fmt == "mermaid":
        return _mermaid(graph)
    if fmt == "graphml":
        import networkx as nx

        flat = graph.copy()
        for _, data in flat.nodes(data=True):
            for key in ("stages", "generation"):
                data[key] = json.dumps(data[key], sort_keys=True)
        return "\n".join(nx.generate_graphml(flat)) + "\n"
    if fmt == "json":
        nodes = [{"id": ref, **data} for ref, data in sorted(graph.nodes(data=True))]
        edges = [{"trainer": a, "trainee": b, **data} for a, b, data in graph.edges(data=True)]
        return json.dumps({"nodes": nodes, "edges": edges}, indent=2) + "\n"
    raise Invalid(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")


def _label(ref: str, data: dict) -> str:
    stages = ", ".join(f"{code} {stage}" for code, stage in data["stages"].items())
    return f"{ref} {data['name']}" + (f" ({stages})" if stages else "")


def _node_colour(data: dict) -> str:
    if data["single_point_of_failure"]:
        return COLOURS["risk"]
    if data["leaving_soon"]:
        return COLOURS["leaving"]
    if data["status"] != "active":
        return COLOURS["inactive"]
    return COLOURS["node"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot(graph) -> str:
    lines = ["digraph lineage {", "  rankdir=TB;", '  node [shape=box, style="rounded,filled", fontname="Helvetica"];']
    for ref, data in sorted(graph.nodes(data=True)):
        lines.append(f"  {_quote(ref)} [label={_quote(_label(ref, data))}, fillcolor={_quote(_node_colour(data))}];")
    for a, b, data in graph.edges(data=True):
        lines.append(f"  {_quote(a)} -> {_quote(b)} [label={_quote(data['programme'] + ' ' + data['stage'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid(graph) -> str:
    def node_id(ref: str) -> str:
        return "p_" + "".join(ch if ch.isalnum() else "_" for ch in ref)

    lines = ["graph TD"]
    for ref, data in sorted(graph.nodes(data=True)):
        label = _label(ref, data).replace('"', "'")
        lines.append(f'  {node_id(ref)}["{label}"]')
    for a, b, data in graph.edges(data=True):
        lines.append(f"  {node_id(a)} -->|{data['programme']} {data['stage']}| {node_id(b)}")
    risky = [node_id(ref) for ref, data in graph.nodes(data=True) if data["single_point_of_failure"]]
    if risky:
        lines.append(f"  classDef risk fill:{COLOURS['risk']},color:#fff")
        lines.append(f"  class {','.join(sorted(risky))} risk")
    return "\n".join(lines) + "\n"


def draw(graph, path: str | Path) -> str:
    """Draw the lineage to an SVG or PNG file; returns the tool used (graphviz or matplotlib)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise Invalid(f"out: {path.name!r} must end in .svg or .png")
    if graph.number_of_nodes() == 0:
        raise Invalid("the lineage is empty: no training records to draw")
    dot = shutil.which("dot")
    if dot:
        subprocess.run([dot, f"-T{suffix[1:]}", "-o", str(path)], input=_dot(graph), text=True, check=True)
        return "graphviz"
    _draw_matplotlib(graph, path)
    return "matplotlib"


def _draw_matplotlib(graph, path: Path) -> None:
    import matplotlib.pyplot as plt

    figure = _figure(graph)
    figure.savefig(path, format=path.suffix[1:], metadata={"Date": None} if path.suffix == ".svg" else None)
    plt.close(figure)


def svg_text(graph, *, max_width: float = 12) -> str:
    """The matplotlib drawing of the lineage as SVG text, at most `max_width` inches wide
    (nodes drawn smaller to fit), for inlining into a page."""
    import io

    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mbp-registry"}):
        figure = _figure(graph, max_width=max_width)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
        plt.close(figure)
    return buffer.getvalue()


def _figure(graph, max_width: float | None = None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.patches import Patch

    depth: dict[str, int] = {}
    simple = nx.DiGraph(graph)
    for ref in nx.topological_sort(simple):
        depth[ref] = 1 + max((depth[p] for p in simple.predecessors(ref)), default=-1)
    for ref, level in depth.items():
        simple.nodes[ref]["layer"] = level
    positions = nx.multipartite_layout(simple, subset_key="layer", align="horizontal", scale=1)
    positions = {ref: (x, -y) for ref, (x, y) in positions.items()}
    width = max(8, 1.2 * max(list(depth.values()).count(level) for level in set(depth.values())))
    height = max(5, 1.6 * (max(depth.values()) + 1))
    node_size = 1600
    if max_width and width > max_width:
        node_size = max(500, round(node_size * (max_width / width) ** 2))
        width = max_width
    figure, axes = plt.subplots(figsize=(width, height))
    axes.set_title("Training lineage: who trained whom (risks highlighted)")
    nx.draw_networkx_edges(
        simple, positions, ax=axes, edge_color=COLOURS["edge"], arrows=True, arrowsize=12, node_size=node_size
    )
    nx.draw_networkx_nodes(
        simple, positions, ax=axes, node_size=node_size, node_color=[_node_colour(d) for _, d in simple.nodes(data=True)]
    )
    nx.draw_networkx_labels(simple, positions, ax=axes, labels={ref: ref for ref in simple}, font_size=8)
    axes.legend(
        handles=[
            Patch(color=COLOURS["risk"], label="single point of failure"),
            Patch(color=COLOURS["leaving"], label="leaving within 18 months"),
            Patch(color=COLOURS["node"], label="active"),
            Patch(color=COLOURS["inactive"], label="not active"),
        ],
        loc="lower right",
        fontsize=8,
    )
    axes.axis("off")
    figure.tight_layout()
    return figure

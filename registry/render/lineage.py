"""The lineage graph (registry/lineage.py) written out: Graphviz dot, Mermaid, GraphML or
JSON text. The pictures of `lineage draw` and of the annual report, one programme each,
are lineage_picture.py's.

Files name people: they are written owner-only through registry/files.py.
"""

from __future__ import annotations

import json

from ..errors import Invalid
from .charts import PALETTE
from .words import who

FORMATS = ("dot", "graphml", "mermaid", "json")
NODE_COLOURS = {
    "node": PALETTE["sky"],
    "risk": PALETTE["vermillion"],
    "leaving": PALETTE["orange"],
    "inactive": PALETTE["grey"],
    "edge": PALETTE["dark_grey"],
}


def export_text(graph, fmt: str) -> str:
    """The lineage graph written as Graphviz dot, GraphML, Mermaid or JSON."""
    writers = {"dot": dot_text, "graphml": _graphml, "mermaid": _mermaid, "json": _json}
    if fmt not in writers:
        raise Invalid(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    return writers[fmt](graph)


def _label(ref: str, data: dict) -> str:
    stages = ", ".join(f"{code} {stage}" for code, stage in data["stages"].items())
    return who(ref, data["name"], brackets=False) + (f" ({stages})" if stages else "")


def _node_colour(data: dict) -> str:
    if data["single_point_of_failure"]:
        return NODE_COLOURS["risk"]
    if data["leaving_soon"]:
        return NODE_COLOURS["leaving"]
    if data["status"] != "active":
        return NODE_COLOURS["inactive"]
    return NODE_COLOURS["node"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_text(graph) -> str:
    """The lineage in Graphviz dot, nodes coloured by risk."""
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
        lines.append(f"  classDef risk fill:{NODE_COLOURS['risk']},color:#fff")
        lines.append(f"  class {','.join(sorted(risky))} risk")
    return "\n".join(lines) + "\n"


def _graphml(graph) -> str:
    """GraphML keeps flat values only: stages and generations go in as JSON text."""
    import networkx as nx

    flat = graph.copy()
    for _, data in flat.nodes(data=True):
        for key in ("stages", "generation"):
            data[key] = json.dumps(data[key], sort_keys=True)
    return "\n".join(nx.generate_graphml(flat)) + "\n"


def _json(graph) -> str:
    nodes = [{"id": ref, **data} for ref, data in sorted(graph.nodes(data=True))]
    edges = [{"trainer": a, "trainee": b, **data} for a, b, data in graph.edges(data=True)]
    return json.dumps({"nodes": nodes, "edges": edges}, indent=2) + "\n"

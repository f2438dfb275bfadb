"""The lineage graph (registry/lineage.py) written out: Graphviz dot, Mermaid, GraphML or
JSON text, and the drawing of the whole graph that the annual report inlines (`svg_text`).
The pictures of `lineage draw`, one programme each, are lineage_picture.py's.

Files name people: they are written owner-only through registry/files.py.
"""

from __future__ import annotations

import json

from ..errors import Invalid
from .charts import PALETTE, figure_bytes
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


# ---------------------------------------------------------------- drawing


def svg_text(graph, *, max_width: float = 12) -> str:
    """The drawing of the lineage as SVG text to inline into a page, at most `max_width`
    inches wide (nodes drawn smaller to fit)."""
    return figure_bytes(_figure(graph, max_width=max_width), inline=True).decode("utf-8")


def _layers(graph):
    """A simple graph of the lineage (people in ref order) with each person's layer:
    the length of the longest chain of trainers above them."""
    import networkx as nx

    simple = nx.DiGraph()
    simple.add_nodes_from(sorted(graph.nodes(data=True)))
    simple.add_edges_from(graph.edges(data=True))
    for ref in nx.topological_sort(simple):
        simple.nodes[ref]["layer"] = 1 + max((simple.nodes[p]["layer"] for p in simple.predecessors(ref)), default=-1)
    return simple


def _figure(graph, max_width: float | None = None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.patches import Patch

    simple = _layers(graph)
    depth = [layer for _, layer in simple.nodes(data="layer")]
    positions = nx.multipartite_layout(simple, subset_key="layer", align="horizontal", scale=1)
    positions = {ref: (x, -y) for ref, (x, y) in positions.items()}
    width = max(8, 1.2 * max(depth.count(level) for level in set(depth)))
    height = max(5, 1.6 * (max(depth) + 1))
    node_size = 1600
    if max_width and width > max_width:
        node_size = max(500, round(node_size * (max_width / width) ** 2))
        width = max_width
    figure, axes = plt.subplots(figsize=(width, height))
    axes.set_title("Training lineage: who trained whom (risks highlighted)")
    nx.draw_networkx_edges(
        simple, positions, ax=axes, edge_color=NODE_COLOURS["edge"], arrows=True, arrowsize=12, node_size=node_size
    )
    colours = [_node_colour(data) for _, data in simple.nodes(data=True)]
    nx.draw_networkx_nodes(simple, positions, ax=axes, node_size=node_size, node_color=colours)
    nx.draw_networkx_labels(simple, positions, ax=axes, labels={ref: ref for ref in simple}, font_size=8)
    legend = [
        Patch(color=NODE_COLOURS["risk"], label="single point of failure"),
        Patch(color=NODE_COLOURS["leaving"], label="leaving within 18 months"),
        Patch(color=NODE_COLOURS["node"], label="active"),
        Patch(color=NODE_COLOURS["inactive"], label="not active"),
    ]
    axes.legend(handles=legend, loc="lower right", fontsize=8)
    axes.axis("off")
    figure.tight_layout()
    return figure

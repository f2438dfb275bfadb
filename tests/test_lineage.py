"""`lineage`: show, export and draw, on a three-generation chain built by hand.

A (North, trainer of trainers since 2008) trained B towards teacher (2008-06-01) and
towards trainer (2011-06-01); B (South) trained C (East) towards trainer (2015-06-01).
So A is generation 1, B 2 and C 3 in MBCT. E, an MBCT teacher in the East with no
training record, makes C the only trainer of a region with another practitioner: a
training single point of failure. A plans to leave 100 days after the report date.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from xml.etree import ElementTree

import networkx as nx
import pytest

from tests.helpers import assert_refused
from tests.succession_helpers import AS_OF, Service, day

AS = ("--as-of", AS_OF.isoformat())


@pytest.fixture
def chain(run, tmp_path):
    service = (
        Service()
        .person("A", name="Ann Founder", leaving=day(100))
        .stage("A", "teacher", on="2005-01-01").stage("A", "trainer_of_trainers", on="2008-01-01")
        .person("B", name="Bea Second", org="ORG-S")
        .stage("B", "teacher", on="2009-01-01").stage("B", "trainer", on="2012-01-01")
        .person("C", name="Cal Third", org="ORG-E")
        .stage("C", "teacher", on="2013-01-01").stage("C", "trainer", on="2016-01-01")
        .person("E", name="Eve Teacher", org="ORG-E").stage("E", "teacher", on="2017-01-01")
        .trained("A", "B", stage="teacher", on="2008-06-01")
        .trained("A", "B", stage="trainer", on="2011-06-01")
        .trained("B", "C", stage="trainer", on="2015-06-01")
    )
    service.load(run, tmp_path)


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


# ------------------------------------------------------------ show


def test_show_the_middle_generation_as_text(run, chain):
    result = _ok(run("lineage", "show", "B", *AS))
    assert result.stdout == (
        "B Bea Second (MBCT generation 2)\n"
        "Trained by:\n"
        # both training records from A, gathered in one line, oldest first
        "  A Ann Founder [generation 1] - MBCT: teacher 2008-06-01, trainer 2011-06-01\n"
        "Trained:\n"
        "  C Cal Third [generation 3] - MBCT: trainer 2015-06-01\n"
    )


def test_show_walks_up_to_the_first_generation_and_down_to_the_last(run, chain):
    assert _ok(run("lineage", "show", "C", *AS)).stdout == (
        "C Cal Third (MBCT generation 3)\n"
        "Trained by:\n"
        "  B Bea Second [generation 2] - MBCT: trainer 2015-06-01\n"
        "    A Ann Founder [generation 1] - MBCT: teacher 2008-06-01, trainer 2011-06-01\n"
        "Trained:\n"
        "  nobody yet\n"
    )
    assert _ok(run("lineage", "show", "A", *AS)).stdout == (
        "A Ann Founder (MBCT generation 1)\n"
        "Trained by:\n"
        "  nobody in the registry\n"
        "Trained:\n"
        "  B Bea Second [generation 2] - MBCT: teacher 2008-06-01, trainer 2011-06-01\n"
        "    C Cal Third [generation 3] - MBCT: trainer 2015-06-01\n"
    )


def test_show_as_json(run, chain):
    data = json.loads(_ok(run("lineage", "show", "C", *AS, "--format", "json")).stdout)
    assert data == {
        "person": "C",
        "name": "Cal Third",
        "generation": {"MBCT": 3},
        "trained_by": [
            {
                "person": "B",
                "name": "Bea Second",
                "programme": "MBCT",
                "stages": [{"stage": "trainer", "trained_on": "2015-06-01"}],
                "generation": 2,
                "trained_by": [
                    {
                        "person": "A",
                        "name": "Ann Founder",
                        "programme": "MBCT",
                        "stages": [
                            {"stage": "teacher", "trained_on": "2008-06-01"},
                            {"stage": "trainer", "trained_on": "2011-06-01"},
                        ],
                        "generation": 1,
                        "trained_by": [],
                    }
                ],
            }
        ],
        "trained": [],
    }


def test_show_reads_the_lineage_as_of_the_date(run, chain):
    # On 2013-01-01, B -> C has not happened and C is not yet a trainer.
    assert _ok(run("lineage", "show", "B", "--as-of", "2013-01-01")).stdout == (
        "B Bea Second (MBCT generation 2)\n"
        "Trained by:\n"
        "  A Ann Founder [generation 1] - MBCT: teacher 2008-06-01, trainer 2011-06-01\n"
        "Trained:\n"
        "  nobody yet\n"
    )


def test_show_someone_outside_the_lineage(run, chain):
    assert _ok(run("lineage", "show", "E", *AS)).stdout == (
        "E Eve Teacher\nTrained by:\n  nobody in the registry\nTrained:\n  nobody yet\n"
    )


def test_show_an_unknown_person_is_refused(run, chain):
    result = run("lineage", "show", "NOBODY", *AS)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: ref: no person 'NOBODY' in the registry\n"


# ------------------------------------------------------------ export

EDGES = [
    ("A", "B", "MBCT", "teacher", "2008-06-01"),
    ("A", "B", "MBCT", "trainer", "2011-06-01"),
    ("B", "C", "MBCT", "trainer", "2015-06-01"),
]


def test_export_json_has_every_person_of_the_lineage_and_every_training_record(run, chain):
    data = json.loads(_ok(run("lineage", "export", "--format", "json", *AS)).stdout)
    assert [node["id"] for node in data["nodes"]] == ["A", "B", "C"]  # E trained nobody and was trained by nobody
    nodes = {node["id"]: node for node in data["nodes"]}
    assert nodes["A"] == {
        "id": "A",
        "name": "Ann Founder",
        "status": "active",
        "region": "North",
        "stages": {"MBCT": "trainer_of_trainers"},
        "generation": {"MBCT": 1},
        "single_point_of_failure": False,
        "leaving_soon": True,  # leaves 100 days after the report date
    }
    assert {ref: node["generation"] for ref, node in nodes.items()} == {"A": {"MBCT": 1}, "B": {"MBCT": 2}, "C": {"MBCT": 3}}
    # C is the only MBCT trainer of the East, where E practises.
    assert [ref for ref, node in nodes.items() if node["single_point_of_failure"]] == ["C"]
    assert sorted((e["trainer"], e["trainee"], e["programme"], e["stage"], e["trained_on"]) for e in data["edges"]) == EDGES


def test_export_graphml_reads_back_with_networkx(run, chain, tmp_path):
    out = tmp_path / "lineage.graphml"
    result = _ok(run("lineage", "export", "--format", "graphml", "--out", str(out), *AS))
    assert result.stdout == f"Wrote the lineage to {out}.\n"
    graph = nx.read_graphml(out)
    assert graph.is_directed()
    assert sorted(graph.nodes) == ["A", "B", "C"]
    assert sorted((a, b, d["programme"], d["stage"], d["trained_on"]) for a, b, d in graph.edges(data=True)) == EDGES
    assert graph.nodes["B"]["name"] == "Bea Second"
    assert graph.nodes["B"]["region"] == "South"
    assert json.loads(graph.nodes["C"]["generation"]) == {"MBCT": 3}
    assert json.loads(graph.nodes["A"]["stages"]) == {"MBCT": "trainer_of_trainers"}
    assert graph.nodes["C"]["single_point_of_failure"] is True
    assert graph.nodes["B"]["single_point_of_failure"] is False


def test_export_dot_has_a_node_per_person_and_an_edge_line_per_training_record(run, chain):
    text = _ok(run("lineage", "export", "--format", "dot", *AS)).stdout
    lines = text.splitlines()
    assert lines[0] == "digraph lineage {" and lines[-1] == "}"
    assert '  "A" -> "B" [label="MBCT teacher"];' in lines
    assert '  "A" -> "B" [label="MBCT trainer"];' in lines
    assert '  "B" -> "C" [label="MBCT trainer"];' in lines
    assert sum("->" in line for line in lines) == 3
    # risk colours: C a single point of failure, A leaving soon, B neither.
    assert '  "C" [label="C Cal Third (MBCT trainer)", fillcolor="#D55E00"];' in lines
    assert '  "A" [label="A Ann Founder (MBCT trainer_of_trainers)", fillcolor="#E69F00"];' in lines
    assert '  "B" [label="B Bea Second (MBCT trainer)", fillcolor="#56B4E9"];' in lines


def test_export_mermaid_has_the_edge_lines_and_marks_the_risks(run, chain):
    text = _ok(run("lineage", "export", "--format", "mermaid", *AS)).stdout
    lines = text.splitlines()
    assert lines[0] == "graph TD"
    assert '  p_B["B Bea Second (MBCT trainer)"]' in lines
    assert "  p_A -->|MBCT teacher| p_B" in lines
    assert "  p_A -->|MBCT trainer| p_B" in lines
    assert "  p_B -->|MBCT trainer| p_C" in lines
    assert sum("-->" in line for line in lines) == 3
    assert "  class p_C risk" in lines


def test_export_reads_the_lineage_as_of_the_date(run, chain):
    data = json.loads(_ok(run("lineage", "export", "--format", "json", "--as-of", "2010-01-01")).stdout)
    # On 2010-01-01 only A -> B towards teacher has happened.
    assert [(e["trainer"], e["trainee"], e["stage"]) for e in data["edges"]] == [("A", "B", "teacher")]
    assert [node["id"] for node in data["nodes"]] == ["A", "B"]


def test_export_of_one_programme_leaves_out_the_others(run, chain, tmp_path):
    data = json.loads(_ok(run("lineage", "export", "--format", "json", "--programme", "MBSR", *AS)).stdout)
    assert data == {"nodes": [], "edges": []}


# ------------------------------------------------------------ draw


def test_draw_svg(run, chain, tmp_path):
    out = tmp_path / "lineage.svg"
    result = _ok(run("lineage", "draw", "--programme", "MBCT", "--out", str(out), *AS))
    assert result.stdout == f"Drew the MBCT lineage of 3 trainers, by name, to {out}.\n"
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # names on the trainers, and E (a teacher, no trainer) not drawn
    assert all(f">{name}</text>" in svg for name in ("Ann Founder", "Bea Second", "Cal Third"))
    assert "Eve Teacher" not in svg


def test_draw_png(run, chain, tmp_path):
    out = tmp_path / "lineage.png"
    _ok(run("lineage", "draw", "--programme", "MBCT", "--out", str(out), *AS))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_draw_pdf(run, chain, tmp_path):
    out = tmp_path / "lineage.pdf"
    _ok(run("lineage", "draw", "--programme", "MBCT", "--out", str(out), *AS))
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (("--out", "lineage.txt"), "out: 'lineage.txt' must end in .svg, .png or .pdf"),
        (("--programme", "MBXX"), "programme: no programme 'MBXX' in the registry; known: MBCT, MBSR"),
        (("--region", "Nrth"), "region: no region 'Nrth' in the registry; closest: North"),
        (("--around", "Z"), "around: no person 'Z' in the registry; known: A, B, C, E"),
        (("--around", "E"), f"around: 'E' is not a trainer in any programme on {AS_OF.isoformat()}"),
        (("--around", "E", "--programme", "MBCT"), f"around: 'E' is not a trainer in MBCT on {AS_OF.isoformat()}"),
        (("--around", "A", "--depth", "two"), "depth: 'two' is not a whole number"),
        (("--around", "A", "--depth", "0"), "depth: 0 is out of range (1 to 50)"),
        (("--depth", "2"), "depth: '2' needs a person to draw around (around)"),
        (("--region", "East", "--around", "A", "--depth", "1"), f"the lineage is empty: no trainer to draw in East around A on {AS_OF.isoformat()}"),
    ],
    ids=["suffix", "programme", "region", "around unknown", "around no trainer", "around no trainer in it", "depth word", "depth 0", "depth alone", "empty part"],
)
def test_draw_refuses_bad_options_in_one_line_and_writes_nothing(run, engine, chain, tmp_path, monkeypatch, options, error):
    folder = tmp_path / "pictures"
    folder.mkdir()
    monkeypatch.chdir(folder)
    if "--out" not in options:
        options = (*options, "--out", "lineage.svg")
    assert_refused(run, engine, "lineage", "draw", *options, *AS, error=error)
    assert list(folder.iterdir()) == []


def test_draw_an_empty_lineage_is_refused(run, tmp_path):
    Service().person("A").stage("A", "teacher").load(run, tmp_path)
    out = tmp_path / "lineage.svg"
    result = run("lineage", "draw", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"Error: the lineage is empty: no trainer to draw on {dt.date.today().isoformat()}\n"
    assert not out.exists()


# ------------------------------------------------------------ the files name people


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("fmt", ["dot", "graphml", "mermaid", "json"])
def test_export_files_are_owner_only_also_when_they_were_there_before(run, chain, tmp_path, fmt):
    out = tmp_path / f"lineage.{fmt}"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    _ok(run("lineage", "export", "--format", fmt, "--out", str(out), *AS))
    assert _mode(out) == 0o600
    assert out.read_text(encoding="utf-8") != "old"


@pytest.mark.parametrize("name", ["lineage.svg", "lineage.png", "lineage.pdf"])
def test_drawings_are_owner_only(run, chain, tmp_path, name):
    out = tmp_path / name
    _ok(run("lineage", "draw", "--programme", "MBCT", "--out", str(out), *AS))
    assert _mode(out) == 0o600


@pytest.mark.parametrize(
    ("command", "name"),
    [(("lineage", "export", "--format", "dot"), "x.dot"), (("lineage", "draw", "--programme", "MBCT"), "x.svg")],
    ids=["export", "draw"],
)
def test_a_file_in_a_missing_folder_is_one_error_line(run, chain, tmp_path, command, name):
    out = tmp_path / "missing" / name
    result = run(*command, "--out", str(out), *AS)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: out: cannot write {str(out)!r}: No such file or directory\n"
    assert "Traceback" not in result.output
    assert not out.parent.exists()


def test_a_drawing_shows_names_as_they_are_written(run, tmp_path):
    # "$...$" would be a formula to matplotlib, "&" and "<" markup to SVG
    name = "Ann $x$ O'Neil & <Co>"
    service = (
        Service()
        .person("A", name=name).stage("A", "teacher", on="2005-01-01").stage("A", "trainer", on="2008-01-01")
        .person("B").stage("B", "teacher", on="2009-01-01").stage("B", "trainer", on="2012-01-01")
        .trained("A", "B", stage="trainer", on="2011-06-01")
    )
    service.load(run, tmp_path)
    out = tmp_path / "lineage.svg"
    _ok(run("lineage", "draw", "--programme", "MBCT", "--out", str(out), *AS))
    texts = [element.text for element in ElementTree.parse(out).iter("{http://www.w3.org/2000/svg}text")]
    assert name in texts

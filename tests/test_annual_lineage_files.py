"""`report annual --lineage-pictures DIR`: the full lineage picture of each programme
written beside the report (the files `lineage draw` writes, owner-only), the report
showing each programme's summary linked to its file; refused with --anonymise and for a
folder that cannot be written, with nothing written.

The demo's trainers at the end of 2025, by hand from fixtures/demo (see also
tests/test_lineage_pictures.py): MBCT has four, all active: R01 Morag Sinclair (North)
in generation 1, R02 Callum Fraser and R04 Fiona Drummond (both Central) in generation
2, R03 Eilidh Grant (North) in generation 3; the demo's regions are Central, North and
South. MBSR has three, all in generation 1: R01 and R06 in North, R05 in Central.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from mbp_registry.cli.main import SUBCOMMANDS
from tests.helpers import assert_refused, ok

YEAR_END = "2025-12-31"
CODES = ("MBCT", "MBSR")
MBCT_NAMES = ("Morag Sinclair", "Callum Fraser", "Fiona Drummond", "Eilidh Grant")
MBCT_SUMMARY = (
    "MBCT: 4 trainers, 4 active. Generation 1: 1 active (North 1); a gap in Central, South. "
    "Generation 2: 2 active (Central 2); a gap in North, South. "
    "Generation 3: 1 active (North 1); a gap in Central, South."
)
MBSR_SUMMARY = (
    "MBSR: 3 trainers, 3 active. Generation 1: 3 active (Central 1, North 2). "
    "Generation 2: 0 active; a gap in Central, North. Generation 3: 0 active; a gap in Central, North."
)


@pytest.fixture(autouse=True)
def _setting(monkeypatch, tmp_path):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(SUBCOMMANDS, "report", ("mbp_registry.cli.report", "report"))


@pytest.fixture
def demo(run):
    ok(run, "demo")


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its content, but the SQLite database's own."""
    found = [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith("registry.db")]
    return {str(p.relative_to(folder)): p.read_bytes() for p in found}


def _chart_svg(html: str, code: str) -> str:
    return re.search(rf'<svg id="chart-lineage-{code.lower()}".*?</svg>', html, re.S).group(0)


def test_each_programme_s_full_picture_is_the_file_lineage_draw_writes(run, demo, tmp_path):
    result = ok(run, "report", "annual", "--year", "2025", "--out", "board/report.html", "--lineage-pictures", "board/lineage")
    assert result.stdout == (
        "Wrote the annual report for 2025 to board/report.html.\n"
        "Drew the MBCT lineage of 4 trainers, by name, to board/lineage/lineage-MBCT.svg.\n"
        "Drew the MBSR lineage of 3 trainers, by name, to board/lineage/lineage-MBSR.svg.\n"
    )
    folder = tmp_path / "board" / "lineage"
    assert sorted(p.name for p in folder.iterdir()) == ["lineage-MBCT.svg", "lineage-MBSR.svg"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    titles = {"MBCT": "Mindfulness-Based Cognitive Therapy", "MBSR": "Mindfulness-Based Stress Reduction"}
    for code in CODES:
        path = folder / f"lineage-{code}.svg"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        svg = path.read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<svg " in svg and svg.rstrip().endswith("</svg>")
        assert f">{code} trainer lineage on 31 December 2025<" in svg
        assert f">{titles[code]}: " in svg
    assert all(f">{name}<" in (folder / "lineage-MBCT.svg").read_text(encoding="utf-8") for name in MBCT_NAMES)
    # The very files of `lineage draw` on the report's last day.
    (tmp_path / "drawn").mkdir()
    ok(run, "lineage", "draw", "--as-of", YEAR_END, "--out", str(tmp_path / "drawn" / "lineage.svg"))
    assert _files(folder) == _files(tmp_path / "drawn")


def test_the_report_shows_each_summary_linked_to_its_file(run, demo, tmp_path):
    ok(run, "report", "annual", "--year", "2025", "--out", "board/report.html", "--lineage-pictures", "board/lineage")
    html = (tmp_path / "board" / "report.html").read_text(encoding="utf-8")
    assert "the full picture of each, who trained whom" in html
    for code, summary in (("MBCT", MBCT_SUMMARY), ("MBSR", MBSR_SUMMARY)):
        href = f"lineage/lineage-{code}.svg"
        assert (tmp_path / "board" / href).is_file()
        # the summary drawn is a link to the file, and its caption says so in words, with the link
        assert f'<a href="{href}"><svg id="chart-lineage-{code.lower()}"' in html
        assert (
            f"{summary} This is a summary; the full picture of the {code} lineage" in html
            and f"is a separate file: <a href=\"{href}\">lineage-{code}.svg</a>.</figcaption>" in html
        )
        chart = _chart_svg(html, code)
        assert f"{code} trainers by generation and region on 31 December 2025" in chart
        assert not [name for name in MBCT_NAMES if name in chart]  # the summary names nobody
    # Markdown, with the pictures in a folder beside the report's: the link climbs out of it.
    ok(run, "report", "annual", "--year", "2025", "--out", "board/report.md", "--lineage-pictures", "pictures")
    markdown = (tmp_path / "board" / "report.md").read_text(encoding="utf-8")
    assert f"{MBCT_SUMMARY} This is a summary; " in markdown
    assert "is a separate file: [lineage-MBSR.svg](../pictures/lineage-MBSR.svg)." in markdown
    assert (tmp_path / "pictures" / "lineage-MBSR.svg").is_file()


def test_without_the_option_the_report_draws_each_lineage_by_name(run, demo, tmp_path):
    ok(run, "report", "annual", "--year", "2025", "--out", "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "separate file" not in html
    assert all(name in _chart_svg(html, "MBCT") for name in MBCT_NAMES)


def test_with_no_trainer_the_report_is_written_and_no_picture(run, tmp_path):
    result = ok(run, "report", "annual", "--year", "1990", "--out", "r.html", "--lineage-pictures", "pictures")
    assert result.stdout == (
        "Wrote the annual report for 1990 to r.html.\n"
        "No trainer in the lineage on 31 December 1990: no picture drawn.\n"
    )
    assert not (tmp_path / "pictures").exists()
    assert "separate file" not in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_progress_is_told_each_chart_then_each_picture(run, demo, engine, tmp_path, monkeypatch):
    from mbp_registry.cli import progress
    from mbp_registry.registry.annual import annual_report
    from mbp_registry.registry.policy import load_policy
    from mbp_registry.registry.render.annual_charts import chart_names
    from mbp_registry.registry.render.annual_files import drawing_steps, write_annual_report
    from mbp_registry.registry.render.annual_layout import layout
    from mbp_registry.registry.session import reading

    with reading(engine) as session:
        data = annual_report(session, 2025, load_policy())
    told: list[str] = []
    write_annual_report(data, tmp_path / "r.html", "html", pictures=tmp_path / "p", progress=told.append)
    charts = chart_names(layout(data))
    assert len(charts) == 7 and told == [*charts, "MBCT", "MBSR"]
    assert drawing_steps(data, "html", tmp_path / "p") == 9
    assert drawing_steps(data, "markdown", tmp_path / "p") == 2 and drawing_steps(data, "html") == 7
    monkeypatch.setattr(progress, "interactive", lambda: True)
    shown = ok(run, "report", "annual", "--out", "shown.html", "--lineage-pictures", "shown")
    assert "Drawing the charts and lineage pictures" in shown.stderr


@pytest.mark.parametrize(
    ("make", "given", "error"),
    [
        (None, "pictures", "lineage-pictures: 'pictures': the full lineage pictures name people, and the report for "
         "publication (--anonymise) names nobody"),
        ("file", "taken", "lineage-pictures: 'taken' is not a folder"),
        ("file", "taken/pictures", "lineage-pictures: cannot write 'taken/pictures': Not a directory"),
        (None, "/proc/missing", "lineage-pictures: cannot write '/proc/missing': No such file or directory"),
    ],
    ids=["anonymise", "a file", "under a file", "cannot be made"],
)
def test_a_refused_folder_leaves_no_file_and_no_report(run, engine, demo, tmp_path, make, given, error):
    if make:
        (tmp_path / "taken").write_text("kept", encoding="utf-8")
    before = _files(tmp_path)
    anonymise = ("--anonymise",) if given == "pictures" else ()
    assert_refused(run, engine, "report", "annual", "--out", "r.html", *anonymise, "--lineage-pictures", given, error=error)
    assert _files(tmp_path) == before

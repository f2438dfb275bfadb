"""`lineage draw` at the demo's size and at 1,000 generated people: one programme per
picture, generations as rows, names when they fit on an A4 landscape page and the summary
by generation and region when they do not, SVG, PNG and PDF, the picture's size and
aspect; and the committed pictures of the README are those the command draws today.

The demo's MBCT trainers, by hand from fixtures/demo: R01 Morag Sinclair (North,
trainer of trainers, planned to leave on 2027-09-30: within 18 months of 2026-12-03) is
generation 1; she trained R02 Callum Fraser and R04 Fiona Drummond (Central) as
trainers, generation 2; R02 trained R03 Eilidh Grant (North), generation 3. R03 and R04
trained no trainer: no successor. MBSR has three trainers, all generation 1 (R01, R05
Hamish Kerr, R06 Isla MacLeod) and none of them has a successor.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mbp_registry.registry.db import create_registry_engine, resolve_url
from mbp_registry.registry.lineage import lineage_picture_data
from mbp_registry.registry.render.lineage_layout import A4_LANDSCAPE
from mbp_registry.registry.render.lineage_picture import lineage_picture, lineage_summary_svg, lineage_summary_words
from mbp_registry.registry.session import reading
from tests.lineage_helpers import (
    A4_LANDSCAPE_PT,
    DEMO_DAY,
    demo_bundle,
    generated_bundle,
    loaded_registry,
    pdf_pages,
    png_size,
    read_csv,
    runner_for,
    svg_size_pt,
    svg_texts,
    trainers_of,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
AS = ("--as-of", DEMO_DAY)
MBCT_ROWS = {"R01": 1, "R02": 2, "R04": 2, "R03": 3}
NAMES = {"R01": "Morag Sinclair", "R02": "Callum Fraser", "R03": "Eilidh Grant", "R04": "Fiona Drummond"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, _migrated_template):
    yield from loaded_registry(tmp_path_factory, _migrated_template, demo_bundle())


@pytest.fixture(scope="module")
def generated(tmp_path_factory, _migrated_template):
    bundle = generated_bundle(tmp_path_factory.mktemp("generated") / "bundle")
    for url in loaded_registry(tmp_path_factory, _migrated_template, bundle):
        yield url, bundle


def _ok(result):
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def _check_page_sized(width: float, height: float) -> None:
    """At most an A4 landscape page at its own size (so 8 pt text prints as 8 pt), and
    never a strip."""
    assert width <= A4_LANDSCAPE_PT[0] and height <= A4_LANDSCAPE_PT[1]
    assert width <= 4 * height


def _check_readable(svg: str) -> None:
    """An SVG picture of A4 size at most whose every text is 8 points or more (its units
    are points: matplotlib writes the sizes as px of a viewBox in points)."""
    width, height = svg_size_pt(svg)
    assert re.search(rf'viewBox="0 0 {width:g} {height:g}"', svg)
    _check_page_sized(width, height)
    sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 8


# ---------------------------------------------------------------- the demo, by name


def test_the_demo_draws_one_svg_per_programme_suffixed_with_its_code(demo, tmp_path):
    out = tmp_path / "lineage.svg"
    assert _ok(runner_for(demo)("lineage", "draw", "--out", str(out), *AS)) == (
        f"Drew the MBCT lineage of 4 trainers, by name, to {tmp_path / 'lineage-MBCT.svg'}.\n"
        f"Drew the MBSR lineage of 3 trainers, by name, to {tmp_path / 'lineage-MBSR.svg'}.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lineage-MBCT.svg", "lineage-MBSR.svg"]
    mbsr = (tmp_path / "lineage-MBSR.svg").read_text(encoding="utf-8")
    words = [w for _, _, w in svg_texts(mbsr)]
    assert {"Morag Sinclair", "Hamish Kerr", "Isla MacLeod"} <= set(words)
    assert not (set(NAMES.values()) - {"Morag Sinclair"}) & set(words)  # MBCT's other trainers are not in it
    # no MBSR trainer of generation 2 or 3: the rows are there, marked as gaps
    assert "A gap: no generation 2 trainer" in words and "A gap: no generation 3 trainer" in words
    assert words.count("no successor") == 3 and words.count("leaving Sep 2027") == 1


def test_the_mbct_picture_has_generations_as_rows_names_stages_in_words_and_risks(demo, tmp_path):
    out = tmp_path / "mbct.svg"
    _ok(runner_for(demo)("lineage", "draw", "--programme", "MBCT", "--out", str(out), *AS))
    svg = out.read_text(encoding="utf-8")
    _check_readable(svg)
    texts = svg_texts(svg)
    words = [w for _, _, w in texts]
    assert words[0] == "MBCT trainer lineage on 3 December 2026"
    top = {w: y for _, y, w in texts}
    # generation 1 at the top, each trainer in the row of their generation
    rows = sorted({top[NAMES[ref]] for ref in MBCT_ROWS})
    assert [rows.index(top[NAMES[ref]]) + 1 for ref in sorted(MBCT_ROWS)] == [MBCT_ROWS[ref] for ref in sorted(MBCT_ROWS)]
    assert [top[f"Generation {g}"] < top[NAMES[ref]] for ref, g in MBCT_ROWS.items()] == [True] * 4
    assert ["R01 \u00b7 North", "R02 \u00b7 Central", "R03 \u00b7 North", "R04 \u00b7 Central"] == sorted(
        w for w in words if w[:2] == "R0"
    )
    assert words.count("trainer of trainers") == 2 and words.count("trainer") == 2
    assert "trainer_of_trainers" not in svg
    assert words.count("leaving Sep 2027") == 1
    assert words.count("no successor") == 2  # R03 and R04
    assert {"active", "not active (left, retired, on leave)", "leaving within 18 months"} <= set(words)
    assert "T001" not in svg  # teachers are not trainers: not drawn


@pytest.mark.parametrize("options", [(), ("--programme", "MBCT")], ids=["every programme", "one"])
def test_a_pdf_has_an_a4_landscape_page_per_programme(demo, tmp_path, options):
    out = tmp_path / "lineage.pdf"
    _ok(runner_for(demo)("lineage", "draw", *options, "--out", str(out), *AS))
    pages = pdf_pages(out.read_bytes())
    assert len(pages) == (1 if options else 2)
    for width, height in pages:
        assert (round(width / 72, 2), round(height / 72, 2)) == A4_LANDSCAPE


def test_a_png_is_an_a4_landscape_picture_at_most(demo, tmp_path):
    out = tmp_path / "mbct.png"
    _ok(runner_for(demo)("lineage", "draw", "--programme", "MBCT", "--out", str(out), *AS))
    width, height = png_size(out.read_bytes())
    _check_page_sized(width * 72 / 150, height * 72 / 150)  # 150 dots per inch
    assert width > 1000 and height > 500


@pytest.mark.parametrize(
    ("options", "drawn"),
    [
        (("--region", "North"), ["R01", "R03"]),
        (("--around", "R03", "--depth", "1"), ["R02", "R03"]),
        (("--around", "r01"), ["R01", "R02", "R03", "R04"]),  # two steps by default
        (("--around", "R04", "--depth", "2"), ["R01", "R02", "R04"]),
        # R04 is two steps from R02 through R01 (North), who is not drawn
        (("--region", "Central", "--around", "R02", "--depth", "2"), ["R02", "R04"]),
        (("--region", "Central", "--around", "R02", "--depth", "1"), ["R02"]),
    ],
    ids=["region", "around one step", "around two steps", "around upwards", "region and around", "region and near"],
)
def test_a_part_of_the_lineage(demo, tmp_path, options, drawn):
    out = tmp_path / "part.svg"
    _ok(runner_for(demo)("lineage", "draw", "--programme", "MBCT", *options, "--out", str(out), *AS))
    words = {w for _, _, w in svg_texts(out.read_text(encoding="utf-8"))}
    assert sorted(ref for ref, name in NAMES.items() if name in words) == drawn


def test_a_region_without_trainers_of_a_programme_says_so(demo, tmp_path):
    out = tmp_path / "north.svg"
    assert _ok(runner_for(demo)("lineage", "draw", "--region", "Central", "--out", str(out), *AS)) == (
        f"Drew the MBCT lineage of 2 trainers, by name, to {tmp_path / 'north-MBCT.svg'}.\n"
        f"Drew the MBSR lineage of 1 trainer, by name, to {tmp_path / 'north-MBSR.svg'}.\n"
    )
    result = runner_for(demo)("lineage", "draw", "--region", "South", "--out", str(out), *AS)
    assert result.exit_code == 1
    assert result.stderr == "Error: the lineage is empty: no trainer to draw in South on 2026-12-03\n"


# ---------------------------------------------------------------- the summary, and nobody named in it


def test_the_summary_names_nobody_and_shows_every_count(demo):
    engine = create_registry_engine(resolve_url(demo))
    with reading(engine) as session:
        data = lineage_picture_data(session, as_of=dt.date.fromisoformat(DEMO_DAY), names=False)
    engine.dispose()
    assert all("trainers" not in p and "edges" not in p for p in data["programmes"])
    people = read_csv(demo_bundle() / "people.csv")
    svg = lineage_summary_svg(data, programme="MBCT")
    for person in people:
        assert person["ref"] not in svg and person["name"] not in svg
    words = [w for _, _, w in svg_texts(svg)]
    # North: 1 in generation 1 and 1 in generation 3; Central: 2 in generation 2; South none.
    # Columns Central, North, South and all regions, a row per generation.
    assert [w for w in words if w.isdigit()] == ["1", "1", "2", "2", "1", "1"]
    assert words.count("none") == 6  # the other cells of the three regions
    assert not any("fewer than" in w for w in words)
    # and in words, for a text alternative
    assert lineage_summary_words(data, programme="MBCT") == (
        "MBCT: 4 trainers, 4 active. Generation 1: 1 active (North 1); a gap in Central, South. "
        "Generation 2: 2 active (Central 2); a gap in North, South. "
        "Generation 3: 1 active (North 1); a gap in Central, South."
    )
    assert lineage_summary_words(data, programme="MBSR") == (
        "MBSR: 3 trainers, 3 active. Generation 1: 3 active (Central 1, North 2). "
        "Generation 2: 0 active; a gap in Central, North. Generation 3: 0 active; a gap in Central, North."
    )
    # without names, a picture is always the summary
    assert b"Morag" not in lineage_picture(data, programme="MBCT", fmt="svg")


# ---------------------------------------------------------------- 1,000 people


def test_at_1000_people_each_programme_is_a_summary_by_generation_and_region(generated, tmp_path):
    url, bundle = generated
    out = tmp_path / "lineage.svg"
    lines = _ok(runner_for(url)("lineage", "draw", "--out", str(out))).splitlines()
    assert len(lines) == 2  # MBCT and MBSR (a third programme starts at 2,000 people)
    for line, code in zip(lines, ["MBCT", "MBSR"]):
        trainers = trainers_of(bundle, code)
        assert line == (
            f"Drew the {code} lineage of {len(trainers)} trainers as a summary by generation and region "
            f"(too many to name on an A4 page) to {tmp_path / f'lineage-{code}.svg'}."
        )
        svg = (tmp_path / f"lineage-{code}.svg").read_text(encoding="utf-8")
        _check_readable(svg)
        words = [w for _, _, w in svg_texts(svg)]
        assert f"{code} trainers by generation and region on {dt.date.today().day} " in words[0]
        for person in read_csv(bundle / "people.csv"):
            assert person["ref"] not in svg and person["name"] not in svg
        regions = sorted({t["region"] for t in trainers.values()})
        assert set(regions) <= set(words)
        assert "Generation 1" in words and "Generation 3" in words


def test_at_1000_people_a_region_of_few_trainers_is_drawn_by_name(generated, tmp_path):
    url, bundle = generated
    trainers = trainers_of(bundle, "MBCT")
    counts = {}
    for trainer in trainers.values():
        counts[trainer["region"]] = counts.get(trainer["region"], 0) + 1
    region = min(counts, key=counts.get)
    out = tmp_path / "few.png"
    assert _ok(runner_for(url)("lineage", "draw", "--programme", "MBCT", "--region", region, "--out", str(out))).startswith(
        f"Drew the MBCT lineage of {counts[region]} trainer"
    )
    svg_out = tmp_path / "few.svg"
    _ok(runner_for(url)("lineage", "draw", "--programme", "MBCT", "--region", region, "--out", str(svg_out)))
    words = {w for _, _, w in svg_texts(svg_out.read_text(encoding="utf-8"))}
    assert {t["name"] for t in trainers.values() if t["region"] == region} <= words
    width, height = png_size(out.read_bytes())
    _check_page_sized(width * 72 / 150, height * 72 / 150)


def test_at_1000_people_the_pdf_has_a_page_per_programme(generated, tmp_path):
    url, _ = generated
    out = tmp_path / "lineage.pdf"
    _ok(runner_for(url)("lineage", "draw", "--out", str(out)))
    assert len(pdf_pages(out.read_bytes())) == 2


# ---------------------------------------------------------------- the README's pictures


def test_the_committed_demo_pictures_are_those_the_documented_command_draws(demo, tmp_path):
    # README: mbp-registry --db demo.db lineage draw --as-of 2026-12-03 --out docs/lineage-demo.svg
    out = tmp_path / "lineage-demo.svg"
    _ok(runner_for(demo)("lineage", "draw", "--as-of", DEMO_DAY, "--out", str(out)))
    for code in ("MBCT", "MBSR"):
        drawn = (tmp_path / f"lineage-demo-{code}.svg").read_text(encoding="utf-8")
        assert (DOCS / f"lineage-demo-{code}.svg").read_text(encoding="utf-8") == drawn, (
            f"docs/lineage-demo-{code}.svg is stale: run the command in the README"
        )

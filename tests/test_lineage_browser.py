"""The lineage pictures opened in headless Chromium, at the demo's size (MBCT by name)
and at 1,000 generated people (MBCT as the summary by generation and region): the
picture renders at its own size, is no strip, names its trainers when drawn by name and
nobody in the summary. The screenshots are kept in tests/artifacts/.

Skipped when no Chromium is installed, unless MBP_REGISTRY_REQUIRE_BROWSER=1, as in CI
(see test_annual_browser.py).
"""

from __future__ import annotations

import shutil

import pytest

from tests.lineage_helpers import (
    DEMO_DAY,
    demo_bundle,
    generated_bundle,
    loaded_registry,
    read_csv,
    runner_for,
    svg_size_pt,
    trainers_of,
)
from tests.test_annual_browser import ARTIFACTS, browse, chromium, png_size

CSS_PX_PER_PT = 96 / 72
VERMILLION = (213, 94, 0)


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


def _open(binary: str, svg_path, tmp_path, name: str) -> tuple[str, set]:
    """The picture's DOM as Chromium reads it, and the colours of its screenshot (taken
    at the picture's own size, which is checked)."""
    width, height = svg_size_pt(svg_path.read_text(encoding="utf-8"))
    assert width <= 4 * height
    window = (round(width * CSS_PX_PER_PT), round(height * CSS_PX_PER_PT))
    dumped = browse(binary, tmp_path / "profile-dom", "--dump-dom", svg_path.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    screenshot = tmp_path / f"{name}.png"
    shot = browse(
        binary,
        tmp_path / "profile-shot",
        f"--screenshot={screenshot}",
        f"--window-size={window[0]},{window[1]}",
        "--hide-scrollbars",
        svg_path.as_uri(),
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png_size(screenshot) == window
    from PIL import Image

    with Image.open(screenshot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(screenshot, ARTIFACTS / f"{name}.png")
    assert len(colours) > 20  # text and boxes, not a blank page
    return dumped.stdout, {rgb for count, rgb in colours if count > 50}


def test_the_demo_lineage_renders_by_name(browser, tmp_path_factory, _migrated_template, tmp_path):
    for url in loaded_registry(tmp_path_factory, _migrated_template, demo_bundle()):
        out = tmp_path / "lineage-demo.svg"
        result = runner_for(url)("lineage", "draw", "--programme", "MBCT", "--as-of", DEMO_DAY, "--out", str(out))
        assert result.exit_code == 0, result.output
    dom, colours = _open(browser, out, tmp_path, "lineage-demo")
    for name in ("Morag Sinclair", "Callum Fraser", "Fiona Drummond", "Eilidh Grant"):
        assert f">{name}<" in dom
    assert VERMILLION in colours  # the borders of the trainers with no successor
    assert (230, 159, 0) in colours  # the palette's orange: a trainer leaving within 18 months


def test_the_lineage_at_1000_people_renders_as_a_summary_naming_nobody(browser, tmp_path_factory, _migrated_template, tmp_path):
    bundle = generated_bundle(tmp_path / "bundle")
    for url in loaded_registry(tmp_path_factory, _migrated_template, bundle):
        out = tmp_path / "lineage-1000.svg"
        result = runner_for(url)("lineage", "draw", "--programme", "MBCT", "--out", str(out))
        assert result.exit_code == 0, result.output
        assert "as a summary by generation and region" in result.stdout
    dom, colours = _open(browser, out, tmp_path, "lineage-1000")
    for person in read_csv(bundle / "people.csv"):
        assert person["name"] not in dom and person["ref"] not in dom
    for region in {trainer["region"] for trainer in trainers_of(bundle, "MBCT").values()}:
        assert f">{region}<" in dom
    assert ">Generation 1<" in dom

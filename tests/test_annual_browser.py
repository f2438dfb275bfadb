"""The annual report opened in headless Chromium: every section and chart is in the rendered
page, and it draws and prints. The screenshot and the PDF are kept in tests/artifacts/.

Skipped when no Chromium is installed (Debian: `apt-get install chromium`), unless
MBP_REGISTRY_REQUIRE_BROWSER=1, as in CI, where a missing browser fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mbp_registry.registry.render.annual_layout import SECTIONS
from tests.helpers import load_demo

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHARTS = ["chart-pipeline", "chart-teaching", "chart-evaluation", "chart-supervision", "chart-compliance", "chart-lineage-mbct",
    "chart-lineage-mbsr"]
# Printed to A4 with its sections flowing, the demo's report takes 9 pages (13 when each section started a page).
MOST_PAGES = {"demo": 9, "1,000 generated people": 16}
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    if found:
        return found
    if os.environ.get("MBP_REGISTRY_REQUIRE_BROWSER") == "1":
        pytest.fail("MBP_REGISTRY_REQUIRE_BROWSER=1 but no chromium binary was found (apt-get install chromium)")
    pytest.skip("no chromium binary (apt-get install chromium); set MBP_REGISTRY_REQUIRE_BROWSER=1 to require it")


def browse(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


class Rendered(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections: list[str] = []
        self.charts: list[tuple[str, str]] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id"))
        if tag == "svg":
            if self.depth == 0:
                self.charts.append((attrs.get("id"), attrs.get("role")))
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def pdf_pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def svg_aspects(html: str) -> dict[str, float]:
    """Each lineage chart's width over its height, from its <svg> element (points)."""
    found = re.findall(r'<svg id="(chart-lineage-[^"]+)"[^>]*? width="([\d.]+)pt" height="([\d.]+)pt"', html)
    return {chart: float(width) / float(height) for chart, width, height in found}


def people_words(engine) -> list[str]:
    from sqlalchemy import text

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT ref, name, email FROM people")).all()
    return sorted({word for row in rows for word in row if word})


@pytest.mark.parametrize("size", ["demo", "1,000 generated people"])
def test_the_report_renders_in_headless_chromium_with_every_section_and_chart(run, engine, tmp_path, monkeypatch, size):
    binary = chromium()
    monkeypatch.chdir(tmp_path)
    if size == "demo":
        load_demo(run, engine)
    else:
        for args in (("fixtures", "generate", "bundle", "--people", "1000", "--seed", "5"), ("import", "bundle")):
            assert run(*args).exit_code == 0
    for args in (("--out", "board.html"), ("--anonymise", "--out", "published.html")):
        result = run("report", "annual", *args)
        assert result.exit_code == 0, result.output
    report = tmp_path.resolve() / "board.html"
    url = report.as_uri()

    dumped = browse(binary, tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    page = Rendered()
    page.feed(dumped.stdout)
    assert page.sections == [id for id, _ in SECTIONS]
    assert page.charts == [(chart, "img") for chart in CHARTS]
    # Each programme's lineage is a picture, never a strip: at most 4 times as wide as high.
    aspects = svg_aspects(report.read_text(encoding="utf-8"))
    assert sorted(aspects) == CHARTS[5:] and all(0.25 <= aspect <= 4 for aspect in aspects.values()), aspects

    # Names in the board's report, none in the one for publication (the page as rendered, and the file).
    words = people_words(engine)
    assert any(word in dumped.stdout for word in words)
    published = browse(binary, tmp_path / "profile-pub", "--dump-dom", (tmp_path / "published.html").as_uri())
    assert published.returncode == 0, published.stderr[-2000:]
    for text in (published.stdout, (tmp_path / "published.html").read_text(encoding="utf-8")):
        assert [word for word in words if word.lower() in text.lower()] == []

    screenshot = tmp_path / "annual-report.png"
    shot = browse(
        binary,
        tmp_path / "profile-shot",
        f"--screenshot={screenshot}",
        "--window-size=1280,4000",
        "--hide-scrollbars",
        url,
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png_size(screenshot) == (1280, 4000)
    assert screenshot.stat().st_size > 50_000  # text, tables and two charts, not a blank page

    from PIL import Image

    with Image.open(screenshot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 50
    drawn = {rgb for count, rgb in colours if count > 500}
    assert (0, 114, 178) in drawn  # the charts' Okabe-Ito blue: the pipeline and supervision bars

    pdf = tmp_path / "annual-report.pdf"
    printed = browse(binary, tmp_path / "profile-pdf", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", url)
    assert printed.returncode == 0, printed.stderr[-2000:]
    # Sections flow: far fewer pages than one per section and chart, and not one page either.
    assert 3 <= pdf_pages(pdf) <= MOST_PAGES[size], pdf_pages(pdf)

    ARTIFACTS.mkdir(exist_ok=True)
    suffix = "" if size == "demo" else "-1000"
    shutil.copy(screenshot, ARTIFACTS / f"annual-report{suffix}.png")
    shutil.copy(pdf, ARTIFACTS / f"annual-report{suffix}.pdf")

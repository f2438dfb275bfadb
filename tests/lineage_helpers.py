"""Registries shared by the tests of a module that only read them (lineage pictures): the
demo service and a generated one of 1,000 people, each loaded once, on SQLite or in a
PostgreSQL schema of its own; and what the tests read back from a picture file."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from mbp_registry.cli.main import cli
from mbp_registry.fixtures.generate import generate_bundle
from mbp_registry.registry.db import create_registry_engine, resolve_url
from mbp_registry.registry.schema import upgrade
from tests.conftest import FIXTURES, drop_pg_schema, new_pg_schema, pg_base_url

DEMO_DAY = "2026-12-03"  # the date of the demo's committed pictures (docs/lineage-demo-*.svg)
A4_LANDSCAPE_PT = (842, 595)


def runner_for(url: str):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", url, "--actor", "tester", *args])

    return invoke


def _new_registry(tmp_path_factory, template: str) -> tuple[str | None, str]:
    """A registry of its own at the newest schema: (its PostgreSQL schema or None, URL)."""
    base = pg_base_url()
    if not base:
        path = tmp_path_factory.mktemp("registry") / "registry.db"
        shutil.copy(template, path)
        return None, f"sqlite:///{path}"
    schema, url = new_pg_schema(base)
    engine = create_registry_engine(resolve_url(url))
    upgrade(engine)
    engine.dispose()
    return schema, url


def loaded_registry(tmp_path_factory, template: str, bundle: Path):
    """Yield the URL of a registry of its own holding `bundle`; dropped afterwards."""
    schema, url = _new_registry(tmp_path_factory, template)
    result = runner_for(url)("import", str(bundle))
    assert result.exit_code == 0, result.output
    yield url
    if schema:
        drop_pg_schema(pg_base_url(), schema)


def demo_bundle() -> Path:
    return FIXTURES / "demo"


def generated_bundle(directory: Path, people: int = 1000) -> Path:
    generate_bundle(directory, people=people, seed=1)
    return directory


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def trainers_of(bundle: Path, programme: str) -> dict[str, dict[str, str]]:
    """The people of a bundle holding stage trainer or higher in `programme`, by ref (with
    the region of their organisation), read with plain Python."""
    regions = {row["code"]: row["region"] for row in read_csv(bundle / "organisations.csv")}
    people = {row["ref"]: {**row, "region": regions[row["organisation"]]} for row in read_csv(bundle / "people.csv")}
    refs = {
        row["person"]
        for row in read_csv(bundle / "stages.csv")
        if row["programme"] == programme and row["stage"] in ("trainer", "trainer_of_trainers")
    }
    return {ref: people[ref] for ref in refs}


def svg_size_pt(svg: str) -> tuple[float, float]:
    opening = svg[svg.index("<svg") : svg.index(">", svg.index("<svg"))]
    width = float(re.search(r'width="([\d.]+)pt"', opening).group(1))
    height = float(re.search(r'height="([\d.]+)pt"', opening).group(1))
    return width, height


def svg_texts(svg: str) -> list[tuple[float, float, str]]:
    """Every text of the picture with its position (x, y in points from the top left)."""
    found = []
    for match in re.finditer(r"<text\b([^>]*)>([^<]*)</text>", svg):
        attributes, words = match.groups()
        x = float(re.search(r'\bx="([-\d.]+)"', attributes).group(1))
        y = float(re.search(r'\by="([-\d.]+)"', attributes).group(1))
        found.append((x, y, words))
    return found


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """The size of each page of a PDF, in points."""
    assert data[:5] == b"%PDF-"
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", data)
    boxes = [tuple(float(v) for v in m.split()[2:4]) for m in re.findall(rb"/MediaBox\s*\[\s*([-\d.\s]+)\]", data)]
    assert len(boxes) >= len(pages)
    return boxes[: len(pages)] if len(boxes) == len(pages) else boxes[-len(pages) :]

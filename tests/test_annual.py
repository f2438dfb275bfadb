"""`report annual`: the board's annual report, its numbers checked against the registry's own
commands and a hand-written SQL aggregate on the demo data, and its HTML checked for structure."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections import Counter
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from sqlalchemy import text

from mbp_registry.cli.main import SUBCOMMANDS
from mbp_registry.cli.output import json_text
from mbp_registry.registry.annual import NOT_RECORDED, annual_report, quarter_ends
from mbp_registry.registry.render.annual import render_markdown
from mbp_registry.registry.render.annual_layout import SECTIONS
from mbp_registry.registry.render.charts import inline_svg
from mbp_registry.registry.policy import load_policy
from mbp_registry.registry.session import reading
from mbp_registry.registry.vocab import STAGE_RANK, STAGES
from tests.helpers import load_demo

TODAY = dt.date.today()
# The demo's last complete year with joiners, leavers and progressions, and the year to date.
YEARS = sorted({2025, TODAY.year})
SECTION_IDS = [id for id, _ in SECTIONS]
CHART_IDS = ["chart-pipeline", "chart-teaching", "chart-evaluation", "chart-supervision", "chart-compliance", "chart-lineage-mbct",
    "chart-lineage-mbsr"]


@pytest.fixture(autouse=True)
def _setting(monkeypatch, tmp_path):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)
    # The report writes to the current directory by default, and so does the demo on PostgreSQL.
    monkeypatch.chdir(tmp_path)
    # `report` is listed in cli/main.py's SUBCOMMANDS; make sure of it here too.
    monkeypatch.setitem(SUBCOMMANDS, "report", ("mbp_registry.cli.report", "report"))


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def _json(run, *args):
    return json.loads(_ok(run(*args, "--format", "json")).stdout)


def _plain(value):
    return json.loads(json_text(value))


@pytest.fixture
def demo(run, engine):
    load_demo(run, engine)


def _report(engine, year: int) -> dict:
    with reading(engine) as session:
        return annual_report(session, year, load_policy())


# ------------------------------------------------------------ numbers


@pytest.mark.parametrize("year", YEARS)
def test_compliance_is_the_summary_at_the_year_end_and_at_each_quarter_end(run, engine, demo, year):
    data = _report(engine, year)
    end = data["period"]["end"]
    assert _plain(data["compliance"]["year_end"]) == _json(run, "cpd", "summary", "--as-of", end.isoformat())
    quarters = data["compliance"]["by_quarter"]
    assert [q["as_of"] for q in quarters] == [day for _, day in quarter_ends(data["period"]["start"], end)]
    for quarter in quarters:
        summary = _json(run, "cpd", "summary", "--as-of", quarter["as_of"].isoformat())
        assert (quarter["assessed"], quarter["compliant"], quarter["rate"]) == (
            summary["assessed"],
            summary["compliant"],
            summary["rate"],
        )


@pytest.mark.parametrize("year", YEARS)
def test_succession_counts_are_the_succession_reports_at_this_and_the_previous_year_end(run, engine, demo, year):
    data = _report(engine, year)["succession"]
    now = _json(run, "succession", "report", "--as-of", data["as_of"].isoformat())
    before = _json(run, "succession", "report", "--as-of", data["previous_as_of"].isoformat())
    counts = {row["kind"]: row for row in data["counts"]}
    for kind in ("single_points_of_failure", "missing_generations", "no_successor", "leaving_soon", "unsupervised"):
        assert (counts[kind]["previous"], counts[kind]["current"]) == (len(before[kind]), len(now[kind])), kind
        assert len(data["current"][kind]) == len(now[kind])
    at_risk = [post for post in now["posts"] if post["at_risk"]]
    assert counts["posts_at_risk"]["current"] == len(at_risk)
    assert counts["single_points_of_failure"]["current"] > 0  # the demo has some
    assert sum(row["count"] for row in data["generations"]) == sum(len(g) for g in now["trainer_generations"].values())
    # New risks are at the year end and were not at the previous year end; resolved, the reverse.
    for row in data["new"]:
        assert row["risk"] in data["current"][row["kind"]]
    net = Counter(row["kind"] for row in data["new"])
    net.subtract(Counter(row["kind"] for row in data["resolved"]))
    for kind, change in net.items():
        assert counts[kind]["change"] == change


@pytest.mark.parametrize("year", YEARS)
def test_supervision_by_month_is_a_hand_written_aggregate_over_supervision_sessions(engine, demo, year):
    report = _report(engine, year)
    data, end = report["supervision"], report["period"]["end"]
    months = []
    with engine.connect() as c:
        for month in range(1, end.month + 1 if year == TODAY.year else 13):
            first = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            bounds = {"first": first, "following": following, "end": end}
            rows, minutes = c.execute(
                text(
                    "SELECT count(*), coalesce(sum(minutes), 0) FROM supervision_sessions "
                    "WHERE held_on >= :first AND held_on < :following AND held_on <= :end"
                ),
                bounds,
            ).one()
            sessions = c.execute(
                text(
                    "SELECT count(*) FROM (SELECT DISTINCT supervisor_id, held_on, kind FROM supervision_sessions "
                    "WHERE held_on >= :first AND held_on < :following AND held_on <= :end) AS held"
                ),
                bounds,
            ).scalar()
            months.append(
                {"month": first.strftime("%Y-%m"), "rows": rows, "sessions": sessions, "minutes": int(minutes)}
            )
    assert [{k: m[k] for k in ("month", "rows", "sessions", "minutes")} for m in data["by_month"]] == months
    assert data["rows"] == sum(m["rows"] for m in months) > 0
    assert data["sessions"] < data["rows"]  # group sessions have several attendances
    assert data["hours"] == round(sum(m["minutes"] for m in months) / 60, 1)


def test_workforce_at_the_year_end_is_what_person_list_shows(run, engine, demo):
    data = _report(engine, TODAY.year)["workforce"]
    people = _json(run, "person", "list", "--status", "active")
    highest, by_programme = Counter(), Counter()
    for person in people:
        ranks = []
        for held in person["stages"]:
            programme, stage = held.split(" ")
            by_programme[(programme, stage)] += 1
            ranks.append(STAGE_RANK[stage])
        highest[STAGES[max(ranks) - 1] if ranks else "no stage yet"] += 1
    assert {row["stage"]: row["end"] for row in data["by_stage"] if row["end"]} == dict(highest)
    assert {(r["programme"], r["stage"]): r["end"] for r in data["by_programme"] if r["end"]} == dict(by_programme)
    assert {row["region"]: row["end"] for row in data["by_region"] if row["end"]} == dict(
        Counter(p["region"] for p in people)
    )
    assert data["total"]["end"] == len(people)


@pytest.mark.parametrize("year", YEARS)
def test_movement_courses_cpd_and_retreats_are_what_the_lists_show(run, engine, demo, year):
    data = _report(engine, year)
    window = ["--from", data["period"]["start"].isoformat(), "--to", data["period"]["end"].isoformat()]
    courses = _json(run, "course", "list", *window)
    assert data["courses"]["courses"] == len(courses)
    assert data["courses"]["participants"] == sum(c["participants"] or 0 for c in courses)
    settings = Counter(c["setting"] or NOT_RECORDED for c in courses)
    assert {r["setting"]: r["courses"] for r in data["courses"]["by_setting"]} == dict(settings)
    cpd = _json(run, "cpd", "list", *window)
    assert data["development"]["cpd_hours"] == pytest.approx(sum(r["hours"] for r in cpd))
    assert data["development"]["cpd_people"] == len({r["person"] for r in cpd})
    retreats = _json(run, "retreat", "list", *window)
    assert data["development"]["retreat_days"] == pytest.approx(sum(r["days"] for r in retreats))
    stages = _json(run, "stage", "list", *window)
    assert data["movement"]["progressions_total"] == len(stages)
    assert {(r["programme"], r["stage"]): r["count"] for r in data["movement"]["progressions"]} == dict(
        Counter((s["programme"], s["stage"]) for s in stages)
    )
    w = data["workforce"]
    # The end is the start plus joiners less leavers, less those who went on leave (the demo's
    # T005, from 1 May 2026, by its status history).
    went_on_leave = 1 if year == 2026 else 0
    assert w["total"]["end"] == w["total"]["start"] + len(data["movement"]["joiners"]) - len(
        data["movement"]["leavers"]
    ) - went_on_leave


def test_the_complete_year_2025_of_the_demo_has_its_leaver_joiner_and_progressions(engine, demo):
    data = _report(engine, 2025)
    assert [p["person"] for p in data["movement"]["leavers"]] == ["S05"]
    assert [p["person"] for p in data["movement"]["joiners"]] == ["E04"]
    assert data["movement"]["progressions_total"] > 0
    assert data["period"]["end"] == dt.date(2025, 12, 31) and data["period"]["complete"]


def test_the_lineage_captions_say_what_each_picture_shows(engine, demo):
    # By hand from fixtures/demo (see test_lineage_pictures.py): MBCT is R01 (generation 1,
    # leaving on 30 September 2027), R02 and R04 (trained by R01), R03 (trained by R02): three
    # arrows; R03 and R04 trained no trainer. MBSR is R01, R05 and R06, all generation 1, none
    # a trainer's trainer; its generations 2 and 3 are gaps.
    from mbp_registry.registry.lineage import lineage_picture_data
    from mbp_registry.registry.render.annual_charts import chart_texts

    data = _report(engine, 2026)
    on = f"{data['lineage']['as_of'].day} {data['lineage']['as_of']:%B %Y}"
    texts = chart_texts(data)
    assert texts["lineage:MBCT"] == (
        f"MBCT trainer lineage on {on}",
        "4 trainers, 4 active, by generation, with 3 arrows from trainer to trainee. No successor (trained no "
        "active trainer): R03, R04. Leaving within 18 months: R01 (30 September 2027). An active trainer in every "
        "generation.",
    )
    assert texts["lineage:MBSR"][1] == (
        "3 trainers, 3 active, by generation, with 0 arrows from trainer to trainee. No successor (trained no "
        "active trainer): R01, R05, R06. Leaving within 18 months: R01 (30 September 2027). No active trainer in "
        "generations 2, 3."
    )
    # Drawn without names (as the summary), the caption is the summary's counts: nobody named.
    with reading(engine) as session:
        data["lineage"]["pictures"] = lineage_picture_data(session, as_of=data["lineage"]["as_of"], names=False)
    title, words = chart_texts(data)["lineage:MBCT"]
    assert title == f"MBCT trainers by generation and region on {on}"
    assert words.startswith("MBCT: 4 trainers, 4 active. Generation 1: 1 active (North 1)")
    assert not any(name in words for name in ("R0", "Morag", "Callum", "Eilidh", "Fiona"))


# ------------------------------------------------------------ the page


class Page(HTMLParser):
    """Collects what the checks need and fails on any end tag that does not close the open element."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.counts: Counter = Counter()
        self.sections: list[dict] = []
        self.tables: list[dict] = []
        self.svgs: list[dict] = []
        self.references: list[str] = []
        self.th_without_scope = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._element(tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, dict(attrs))

    def _element(self, tag, attrs):
        self.counts[tag] += 1
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for name in ("aria-labelledby", "aria-describedby"):
            self.references += (attrs.get(name) or "").split()
        if (attrs.get("href") or "").startswith("#"):
            self.references.append(attrs["href"][1:])
        if tag == "section":
            self.sections.append({"id": attrs.get("id"), "h2": 0})
        if tag == "h2" and "section" in self.stack:
            self.sections[-1]["h2"] += 1
        if tag == "table":
            self.tables.append({"caption": 0, "th_col": 0})
        if tag == "caption":
            self.tables[-1]["caption"] += 1
        if tag == "th":
            self.th_without_scope += attrs.get("scope") not in ("col", "row")
            if attrs.get("scope") == "col":
                self.tables[-1]["th_col"] += 1
        if tag == "svg" and "svg" not in self.stack:
            self.svgs.append({"id": attrs.get("id"), "role": attrs.get("role"), "first": None})
        elif self.stack and self.stack[-1] == "svg" and self.svgs and self.svgs[-1]["first"] is None:
            self.svgs[-1]["first"] = tag

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def check_page(html: str, charts: int) -> Page:
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html and "https://" not in html
    assert "<?xml" not in html and "xmlns" not in html
    page = Page()
    page.feed(html)
    page.close()
    assert page.errors == [] and page.stack == []
    assert page.counts["h1"] == 1
    assert [s["id"] for s in page.sections] == SECTION_IDS
    assert all(s["h2"] == 1 for s in page.sections)
    assert len(page.ids) == len(set(page.ids)), [i for i, n in Counter(page.ids).items() if n > 1]
    assert set(page.references) <= set(page.ids)
    assert page.tables and all(t["caption"] == 1 and t["th_col"] > 0 for t in page.tables)
    assert page.th_without_scope == 0
    assert len(page.svgs) == charts
    assert all(svg["role"] == "img" and svg["first"] == "title" for svg in page.svgs)
    assert page.counts["figcaption"] == charts
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url(http"):
        assert forbidden not in html
    return page


def test_report_annual_writes_a_valid_self_contained_page_owner_only(run, demo, tmp_path):
    result = _ok(run("report", "annual"))
    path = f"annual-report-{TODAY.year}.html"
    assert result.stdout == f"Wrote the annual report for {TODAY.year} to {path}.\n"
    assert stat.S_IMODE(os.stat(tmp_path / path).st_mode) == 0o600
    html = (tmp_path / path).read_text(encoding="utf-8")
    page = check_page(html, charts=len(CHART_IDS))
    assert [svg["id"] for svg in page.svgs] == CHART_IDS
    assert f"<h1>Annual governance report {TODAY.year}</h1>" in html
    # Sections flow on the printed page: none starts a page of its own.
    assert "@media print" in html and "break-before: page" not in html
    assert "Rhona Elliot" in html  # a single point of failure, named


def test_a_chosen_year_and_file_and_markdown_with_the_same_sections(run, demo, tmp_path):
    out = tmp_path / "board" / "2025.md"
    out.parent.mkdir()
    result = _ok(run("report", "annual", "--year", "2025", "--format", "markdown", "--out", str(out)))
    assert result.stdout == f"Wrote the annual report for 2025 to {out}.\n"
    markdown = out.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert markdown.startswith("# Annual governance report 2025\n")
    headings = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [heading for _, heading in SECTIONS]
    assert "1 January 2025 to 31 December 2025." in markdown
    assert "<svg" not in markdown and "http" not in markdown
    assert "| S05 | Moira Henderson | North | retired | 31 March 2025 |" in markdown
    default = _ok(run("report", "annual", "--year", "2025", "--format", "markdown"))
    assert default.stdout == "Wrote the annual report for 2025 to annual-report-2025.md.\n"


def test_a_year_with_no_data_still_renders(run, demo, tmp_path):
    _ok(run("report", "annual", "--year", "1990", "--out", "old.html"))
    html = (tmp_path / "old.html").read_text(encoding="utf-8")
    check_page(html, charts=5)  # no lineage to draw
    assert "No training records by 31 December 1990." in html
    _ok(run("report", "annual", "--year", "1990", "--format", "markdown", "--out", "old.md"))
    assert "No training records by 31 December 1990." in (tmp_path / "old.md").read_text(encoding="utf-8")


def test_an_empty_registry_renders_this_year(run, engine, tmp_path):
    _ok(run("report", "annual", "--out", "empty.html"))
    check_page((tmp_path / "empty.html").read_text(encoding="utf-8"), charts=5)
    with reading(engine) as session:
        data = annual_report(session, TODAY.year, load_policy())
    assert data["workforce"]["total"] == {"start": 0, "end": 0, "change": 0}
    assert data["compliance"]["year_end"]["rate"] is None
    assert "## Compliance" in render_markdown(data)


def test_a_year_not_yet_begun_is_refused(run, tmp_path):
    result = run("report", "annual", "--year", str(TODAY.year + 1))
    assert result.exit_code == 1
    assert result.stderr == f"Error: year: {TODAY.year + 1} has not started yet\n"
    assert not list(tmp_path.glob("annual-report-*"))


@pytest.mark.parametrize(("fmt", "name"), [("html", "x.html"), ("markdown", "x.md")])
def test_a_report_in_a_missing_folder_makes_it_owner_only(run, tmp_path, fmt, name):
    out = tmp_path / "missing" / "nested" / name
    result = run("report", "annual", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    for folder in (tmp_path / "missing", out.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert [path.name for path in out.parent.iterdir()] == [name]  # no temporary file left


@pytest.mark.parametrize(("fmt", "name"), [("html", "x.html"), ("markdown", "x.md")])
def test_a_report_in_a_folder_that_cannot_be_made_is_one_error_line(run, fmt, name):
    out = f"/proc/missing/{name}"
    result = run("report", "annual", "--format", fmt, "--out", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: out: cannot write {out!r}: No such file or directory\n"


def test_a_report_written_over_a_readable_file_is_made_owner_only(run, tmp_path):
    out = tmp_path / "annual.md"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    _ok(run("report", "annual", "--format", "markdown", "--out", str(out)))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("# Annual governance report")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--out", "board.pdf"),
         "out: 'board.pdf' is not an .html or .md file: the report is written as HTML (a browser prints it to PDF) "
         "or Markdown"),
        (("--out", "board"),
         "out: 'board' is not an .html or .md file: the report is written as HTML (a browser prints it to PDF) "
         "or Markdown"),
        (("--format", "html", "--out", "board.md"), "out: 'board.md' is not a .html file, as the html format needs"),
        (("--format", "markdown", "--out", "board.html"), "out: 'board.html' is not a .md file, as the markdown format needs"),
    ],
    ids=["pdf", "no suffix", "html as md", "markdown as html"],
)
def test_a_report_file_whose_name_says_another_format_is_refused(run, engine, tmp_path, args, error):
    from tests.helpers import assert_refused

    assert_refused(run, engine, "report", "annual", *args, error=error)
    assert list(tmp_path.glob("board*")) == []


@pytest.mark.parametrize(("name", "starts"), [("board.md", "# Annual governance report"), ("Board.HTML", "<!DOCTYPE html>")])
def test_the_format_follows_the_report_file_name(run, tmp_path, name, starts):
    _ok(run("report", "annual", "--out", name))
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)


def test_report_help_has_an_example(run):
    result = _ok(run("report", "--help"))
    assert "Example:" in result.stdout and "mbp-registry report annual --year 2025" in result.stdout


def test_report_annual_help_names_every_section_of_the_report(run):
    words = " ".join(_ok(run("report", "annual", "--help")).stdout.lower().split())
    for heading in ("workforce", "joiners, leavers and progressions", "courses", "quality of teaching",
                    "evaluation of courses", "supervision", "cpd and retreats", "compliance", "succession risks",
                    "lineage"):
        assert heading in words, heading


def test_demo_ends_by_writing_the_report_and_printing_its_path(run, tmp_path):
    result = _ok(run("demo"))
    # Next to the SQLite database file (in tmp_path), or in the current directory (tmp_path too).
    path = tmp_path.resolve() / f"annual-report-{TODAY.year}.html"
    assert f"The annual report for {TODAY.year} is in {path}: open it in a browser" in result.stdout
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    check_page(path.read_text(encoding="utf-8"), charts=len(CHART_IDS))


# ------------------------------------------------------------ charts


def test_inline_svg_has_no_prolog_unique_ids_a_title_and_a_text_alternative():
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" '
        'xmlns="http://www.w3.org/2000/svg"><defs><style type="text/css">*{stroke: none}</style>'
        '<path id="m1" d=""/><clipPath id="p1"/></defs><use xlink:href="#m1"/><g clip-path="url(#p1)"/></svg>'
    )
    result = inline_svg(svg, "chart-x", "A <title>", "Numbers & words")
    assert result.startswith(
        '<svg id="chart-x" role="img" aria-labelledby="chart-x-title" aria-describedby="chart-x-desc"'
    )
    assert (
        '<title id="chart-x-title">A &lt;title&gt;</title><desc id="chart-x-desc">Numbers &amp; words</desc>' in result
    )
    assert 'id="chart-x-m1"' in result and 'href="#chart-x-m1"' in result and "url(#chart-x-p1)" in result
    assert "<style>#chart-x *{stroke: none}</style>" in result
    assert "http" not in result and "xlink:" not in result

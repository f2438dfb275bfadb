"""What each section of the annual report holds, said once as blocks (a sentence, a chart,
a table, a list, key figures, bullets); the HTML template and the Markdown writer in
render/annual.py only lay them out. Each chart comes with a text alternative that says
the same numbers in words.
"""

from __future__ import annotations

from .words import MEASURE_LABELS, RISK_LABELS, in_words, long_date, month_label, number, percent, risk_text, signed, who

SECTIONS = (
    ("summary", "Summary"),
    ("workforce", "Workforce"),
    ("movement", "Joiners, leavers and progressions"),
    ("courses", "Courses delivered"),
    ("supervision", "Supervision"),
    ("development", "CPD and retreats"),
    ("compliance", "Compliance"),
    ("succession", "Succession risks"),
    ("lineage", "Training lineage"),
    ("notes", "About these figures"),
)
NOTES = (
    (
        "The year's start is read as at 31 December of the year before, so that the workforce at the end is "
        "the workforce at the start, plus joiners, less leavers."
    ),
    (
        "Active people: the registry keeps each person's current status only; on a past date, a person counts "
        "when they had joined by then and are active now or left after that date. People on leave are not counted."
    ),
    "Highest stage: the highest stage attained by the date in any programme.",
    (
        "Supervision: an attendance is one supervisee at one session; a session is one supervisor's meeting on "
        "a day, of one kind (a group session has several attendances). Hours add up the attendances' minutes."
    ),
    "Compliance is assessed under the policy named above, over its rolling window ending on each date.",
    (
        "Succession risks are those of `mbp-registry succession report` on each date; new and resolved risks "
        "compare the year end with the previous year end."
    ),
)


def title(data: dict) -> str:
    return f"Annual governance report {data['period']['year']}"


def period_text(data: dict) -> str:
    when = data["period"]
    text = f"{long_date(when['start'])} to {long_date(when['end'])}"
    return text if when["complete"] else text + " (the year to date)"


def _text(text: str) -> dict:
    return {"type": "text", "text": text}


def _chart(name: str) -> dict:
    return {"type": "chart", "chart": name}


def table(caption: str, rows: list[dict], columns: list[tuple[str, str, str]], empty: str = "None.") -> dict:
    """A table block; each column is (key, header, kind), kind as words.cell takes it."""
    return {"type": "table", "caption": caption, "rows": rows, "columns": columns, "empty": empty}


def _list(heading: str, items: list[str]) -> dict:
    return {"type": "list", "heading": f"{heading} ({len(items)})", "items": items}


def _num(key: str, header: str) -> tuple[str, str, str]:
    return (key, header, "num")


def layout(data: dict) -> list[dict]:
    """The sections in order, each {"id", "heading", "blocks"}."""
    blocks = {
        "summary": [{"type": "figures", "items": key_figures(data)}],
        "workforce": _workforce(data["workforce"]),
        "movement": _movement(data["movement"]),
        "courses": _courses(data["courses"]),
        "supervision": _supervision(data["supervision"]),
        "development": _development(data["development"]),
        "compliance": _compliance(data["compliance"]),
        "succession": _succession(data["succession"], data["names"]),
        "lineage": _lineage(data["lineage"]),
        "notes": [{"type": "bullets", "items": list(NOTES)}],
    }
    return [{"id": id, "heading": heading, "blocks": blocks[id]} for id, heading in SECTIONS]


def key_figures(data: dict) -> list[dict]:
    w, movement, courses = data["workforce"], data["movement"], data["courses"]
    s, d, year_end = data["supervision"], data["development"], data["compliance"]["year_end"]
    risks = {row["kind"]: row for row in data["succession"]["counts"]}

    def with_change(count: int, change: int) -> str:
        return f"{count} ({signed(change) if change else 'no change'})"

    def risk(kind: str) -> str:
        return with_change(risks[kind]["current"], risks[kind]["change"])

    return [
        {"measure": "Active people at the year end", "value": with_change(w["total"]["end"], w["total"]["change"])},
        {"measure": "Joiners / leavers", "value": f"{len(movement['joiners'])} / {len(movement['leavers'])}"},
        {"measure": "Stage progressions", "value": number(movement["progressions_total"])},
        {
            "measure": "Courses started / participants",
            "value": f"{courses['courses']} / {number(courses['participants'])}",
        },
        {"measure": "Supervision sessions / hours", "value": f"{number(s['sessions'])} / {number(s['hours'])}"},
        {"measure": "CPD hours / retreat days", "value": f"{number(d['cpd_hours'])} / {number(d['retreat_days'])}"},
        {
            "measure": "Compliant at the year end",
            "value": f"{percent(year_end['rate'])} ({year_end['compliant']} of {year_end['assessed']})",
        },
        {"measure": "Single points of failure", "value": risk("single_points_of_failure")},
        {"measure": "Posts without a ready-now successor", "value": risk("posts_at_risk")},
    ]


def _workforce(w: dict) -> list[dict]:
    changes = [
        _num("start", f"Start ({long_date(w['start'])})"),
        _num("end", f"End ({long_date(w['end'])})"),
        ("change", "Change", "change"),
    ]
    total = w["total"]
    return [
        _text(
            f"Active people: {total['start']} at the start of the year, {total['end']} at its end "
            f"({signed(total['change'])})."
        ),
        _chart("pipeline"),
        table("Active people by highest stage in any programme", w["by_stage"], [("stage", "Stage", "words"), *changes]),
        table(
            "Active people by programme and their highest stage in it",
            w["by_programme"],
            [("programme", "Programme", ""), ("stage", "Stage", "words"), *changes],
        ),
        table("Active people by region", w["by_region"], [("region", "Region", ""), *changes]),
    ]


def _movement(m: dict) -> list[dict]:
    person = [("person", "Person", ""), ("name", "Name", ""), ("region", "Region", "")]
    return [
        _text(
            f"{len(m['joiners'])} joined, {len(m['leavers'])} left, and {m['progressions_total']} stages "
            "were attained in the year."
        ),
        table(f"Joiners ({len(m['joiners'])})", m["joiners"], [*person, ("on", "Joined on", "")]),
        table(
            f"Leavers ({len(m['leavers'])})",
            m["leavers"],
            [*person, ("status", "Status", "words"), ("on", "Left on", "")],
        ),
        table(
            "Stage progressions: stages attained in the year",
            m["progressions"],
            [("programme", "Programme", ""), ("stage", "Stage attained", "words"), _num("count", "People")],
        ),
    ]


def _courses(c: dict) -> list[dict]:
    counts = [_num("courses", "Courses"), _num("participants", "Participants")]
    return [
        _text(f"{number(c['courses'])} courses started in the year, with {number(c['participants'])} participants."),
        table("Courses and participants by setting", c["by_setting"], [("setting", "Setting", ""), *counts]),
        table("Courses and participants by programme", c["by_programme"], [("programme", "Programme", ""), *counts]),
    ]


def _supervision(s: dict) -> list[dict]:
    months = [{**month, "label": month_label(month["month"])} for month in s["by_month"]]
    return [
        _text(
            f"{number(s['sessions'])} sessions held by {s['supervisors']} supervisors, with {number(s['rows'])} "
            f"attendances by {s['supervisees']} supervisees: {number(s['hours'])} hours attended."
        ),
        _chart("supervision"),
        table(
            "Supervision by month",
            months,
            [("label", "Month", ""), _num("sessions", "Sessions"), _num("rows", "Attendances"), _num("hours", "Hours")],
        ),
        table(
            "Supervision by kind",
            s["by_kind"],
            [("kind", "Kind", "words"), _num("rows", "Attendances"), _num("hours", "Hours")],
        ),
    ]


def _development(d: dict) -> list[dict]:
    return [
        _text(
            f"{number(d['cpd_hours'])} CPD hours logged by {d['cpd_people']} people in {d['cpd_activities']} "
            f"activities; {number(d['retreat_days'])} retreat days by {d['retreat_people']} people on "
            f"{d['retreats']} retreats."
        ),
        table(
            "CPD hours by category",
            d["cpd_by_category"],
            [("category", "Category", "words"), _num("activities", "Activities"), _num("hours", "Hours")],
        ),
    ]


def _compliance(c: dict) -> list[dict]:
    year_end = c["year_end"]
    rates = [_num("assessed", "Assessed"), _num("compliant", "Compliant"), ("rate", "Rate", "percent")]
    shortfalls = [
        _num("short_of_cpd", "Short of CPD"),
        _num("short_of_retreat", "Short of retreat"),
        _num("short_of_supervision", "Short of supervision"),
    ]
    return [
        _text(
            f"On {long_date(year_end['as_of'])}, {year_end['compliant']} of {year_end['assessed']} assessed "
            f"people were compliant ({percent(year_end['rate'])})."
        ),
        _chart("compliance"),
        table(
            "Compliance at each quarter end",
            c["by_quarter"],
            [("quarter", "Quarter", ""), ("as_of", "As of", ""), *rates],
        ),
        table(
            "People short of each requirement at the year end",
            year_end["by_requirement"],
            [("requirement", "Requirement", "words"), _num("short", "People short")],
        ),
        table(
            "Compliance by region at the year end",
            year_end["by_region"],
            [("region", "Region", ""), *rates, *shortfalls],
        ),
        table(
            "Compliance by organisation at the year end",
            year_end["by_organisation"],
            [("organisation", "Organisation", ""), *rates],
        ),
    ]


def _succession(succ: dict, names: dict[str, str]) -> list[dict]:
    before, after = long_date(succ["previous_as_of"]), long_date(succ["as_of"])

    def changed(rows: list[dict]) -> list[dict]:
        return [{"risk": RISK_LABELS[r["kind"]], "text": risk_text(r["kind"], r["risk"], names)} for r in rows]

    generations = [
        {**row, "trainers": [who(ref, names.get(ref), brackets=False) for ref in row["trainers"]]}
        for row in succ["generations"]
    ]
    risk = [("risk", "Risk", ""), ("text", "Detail", "")]
    return [
        _text(f"Risks on {after}, against {before}."),
        table(
            "Succession risks at the year end and the previous year end",
            [{**row, "measure": MEASURE_LABELS[row["kind"]]} for row in succ["counts"]],
            [("measure", "Measure", ""), _num("previous", before), _num("current", after), ("change", "Change", "change")],
        ),
        *[
            _list(label, [risk_text(kind, r, names) for r in succ["current"][kind]])
            for kind, label in RISK_LABELS.items()
        ],
        table(
            "Active trainers by generation",
            generations,
            [
                ("programme", "Programme", ""),
                _num("generation", "Generation"),
                _num("count", "Active trainers"),
                ("trainers", "Who", ""),
            ],
            "No active trainer.",
        ),
        table("New since the previous year end", changed(succ["new"]), risk),
        table("Resolved since the previous year end", changed(succ["resolved"]), risk),
    ]


def _lineage(lineage: dict) -> list[dict]:
    if lineage["graph"].number_of_nodes() == 0:
        return [_text(f"No training records by {long_date(lineage['as_of'])}.")]
    return [
        _text(
            f"Who trained whom, as of {long_date(lineage['as_of'])}; single points of failure and "
            "people leaving within 18 months are highlighted."
        ),
        _chart("lineage"),
    ]


def chart_texts(data: dict) -> dict[str, tuple[str, str]]:
    """Each chart's title and its text alternative, which gives the numbers it shows."""
    year = data["period"]["year"]
    w, s, c, lineage = data["workforce"], data["supervision"], data["compliance"], data["lineage"]
    nodes = sorted(lineage["graph"].nodes(data=True))

    def refs(flag: str) -> str:
        return ", ".join(ref for ref, node in nodes if node[flag]) or "none"

    firsts = ", ".join(sorted({ref for ref, node in nodes if 1 in node["generation"].values()})) or "none"
    by_stage = "; ".join(f"{in_words(r['stage'])} {r['start']} to {r['end']}" for r in w["by_stage"])
    by_month = "; ".join(f"{month_label(m['month'])} {number(m['hours'])}" for m in s["by_month"])
    by_quarter = "; ".join(
        f"{q['quarter']} ({long_date(q['as_of'])}) {percent(q['rate'])}, {q['compliant']} of {q['assessed']}"
        for q in c["by_quarter"]
    )
    return {
        "pipeline": (
            f"Workforce pipeline by highest stage, start and end of {year}",
            "Active people by highest stage at the start and end of the year: "
            + (by_stage or "nobody in post")
            + f". Total {w['total']['start']} to {w['total']['end']}.",
        ),
        "supervision": (
            f"Supervision hours by month, {year}",
            f"Hours of supervision attended each month ({number(s['hours'])} in all): {by_month}.",
        ),
        "compliance": (
            f"Compliance at each quarter end, {year}",
            f"People compliant with the policy at each quarter end: {by_quarter}.",
        ),
        "lineage": (
            f"Training lineage on {long_date(lineage['as_of'])}: who trained whom",
            (
                f"{len(nodes)} people linked by {lineage['graph'].number_of_edges()} training records. "
                f"First-generation trainers: {firsts}. Single points of failure: {refs('single_point_of_failure')}. "
                f"Leaving within 18 months: {refs('leaving_soon')}."
            ),
        ),
    }

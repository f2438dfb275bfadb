"""What each section of the annual report holds, said once as blocks (a sentence, a chart,
a table, a list, key figures, bullets); the HTML template and the Markdown writer in
render/annual.py only lay them out. Each chart comes with a text alternative that says
the same numbers in words.
"""

from __future__ import annotations

from . import blocks
from .annual_quality import evaluation_blocks, teaching_blocks
from .words import MEASURE_LABELS, RISK_LABELS, day_month, long_date, month_label, number, percent, risk_text, signed, who

SECTIONS = (
    ("summary", "Summary"),
    ("workforce", "Workforce"),
    ("movement", "Joiners, leavers and progressions"),
    ("courses", "Courses delivered"),
    ("teaching", "Quality of teaching"),
    ("evaluation", "Evaluation of courses"),
    ("supervision", "Supervision"),
    ("development", "CPD and retreats"),
    ("compliance", "Compliance"),
    ("succession", "Succession risks"),
    ("lineage", "Training lineage"),
    ("notes", "About these figures"),
)
NOTES = (
    (
        "Start and end count the people active on 31 December of the year before and on the report's last day; "
        "the change is those who became active less those who stopped. It differs from joiners less leavers by "
        "people going on leave, coming back or returning after leaving, joiners on leave at the end and leavers "
        "on leave at the start."
    ),
    (
        "Active people: each person's status and organisation on a date are those of their status history "
        "on that date (a person whose joining date is not recorded counts from the start of the records). "
        "People on leave are not counted. Joiners are people whose history starts in the year; leavers, people "
        "whose status became left, retired or erased in it."
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
    for_publication = " for publication" if data.get("publication") else ""
    return f"Annual governance report {data['period']['year']}{for_publication}"


def at_end(when: dict) -> str:
    """The report's last day as its sentences say it: "at the year end", or "on 3 December"
    in a year to date."""
    return "at the year end" if when["complete"] else f"on {day_month(when['end'])}"


def in_year(when: dict) -> str:
    return "in the year" if when["complete"] else "in the year to date"


def period_text(data: dict) -> str:
    when = data["period"]
    text = f"{long_date(when['start'])} to {long_date(when['end'])}"
    return text if when["complete"] else text + " (the year to date)"


def _list(heading: str, items: list[str]) -> dict:
    return {"type": "list", "heading": f"{heading} ({len(items)})", "items": items}


def layout(data: dict) -> list[dict]:
    """The sections in order, each {"id", "heading", "blocks"}."""
    when, published = data["period"], bool(data.get("publication"))
    held = {
        "summary": [{"type": "figures", "items": key_figures(data)}],
        "workforce": _workforce(data["workforce"], when),
        "movement": (_movement_counts if published else _movement)(data["movement"], when),
        "courses": _courses(data["courses"], when),
        "teaching": teaching_blocks(data["teaching"], in_year(when)),
        "evaluation": evaluation_blocks(data["evaluation"], in_year(when)),
        "supervision": _supervision(data["supervision"], when),
        "development": _development(data["development"], when),
        "compliance": _compliance(data["compliance"], when),
        "succession": _succession(data["succession"], data["names"], when, published),
        "lineage": _lineage(data["lineage"], published),
        "notes": [{"type": "bullets", "items": [*NOTES, *_publication_notes(data)]}],
    }
    return [{"id": id, "heading": heading, "blocks": held[id]} for id, heading in SECTIONS]


def _publication_notes(data: dict) -> list[str]:
    if not data.get("publication"):
        return []
    below = data["publication"]["suppress_below"]
    return [
        (
            f"For publication: nobody is named. In the tables by region or organisation, a count of 1 to {below - 1} "
            f"people is shown as \u201cfewer than {below}\u201d; the people of a group not compliant (assessed "
            "less compliant) are protected the same way, though no table lists them. A figure from which such a "
            "count could be worked out by adding and subtracting the figures shown, totals included, is "
            "\u201cnot shown\u201d: another region\u2019s count beside the total, another organisation\u2019s "
            "beside its region, the people compliant beside the people assessed, and a change or rate beside a "
            "count not shown. What remains: a count that is all of its total (everyone counted in one "
            f"region) is that total, and with few people in all, knowing that \u201cfewer than {below}\u201d is "
            f"1 to {below - 1} and that a count not shown is at least {below} can narrow a count down."
        )
    ]


def key_figures(data: dict) -> list[dict]:
    w, movement, courses = data["workforce"], data["movement"], data["courses"]
    s, d, year_end = data["supervision"], data["development"], data["compliance"]["year_end"]
    risks = {row["kind"]: row for row in data["succession"]["counts"]}
    end = at_end(data["period"])

    def with_change(count: int, change: int) -> str:
        return f"{count} ({signed(change) if change else 'no change'})"

    def risk(kind: str) -> str:
        return with_change(risks[kind]["current"], risks[kind]["change"])

    return [
        {"measure": f"Active people {end}", "value": with_change(w["total"]["end"], w["total"]["change"])},
        {"measure": "Joiners / leavers", "value": f"{_count(movement['joiners'])} / {_count(movement['leavers'])}"},
        {"measure": "Stage progressions", "value": number(movement["progressions_total"])},
        {
            "measure": "Courses started / participants",
            "value": f"{courses['courses']} / {number(courses['participants'])}",
        },
        {"measure": "Supervision sessions / hours", "value": f"{number(s['sessions'])} / {number(s['hours'])}"},
        {"measure": "CPD hours / retreat days", "value": f"{number(d['cpd_hours'])} / {number(d['retreat_days'])}"},
        {
            "measure": f"Compliant {end}",
            "value": f"{percent(year_end['rate'])} ({year_end['compliant']} of {year_end['assessed']})",
        },
        {"measure": "Single points of failure", "value": risk("single_points_of_failure")},
        {"measure": "Posts without a ready-now successor", "value": risk("posts_at_risk")},
    ]


def _count(people) -> int:
    """How many people: a list of them, or (for publication) their number."""
    return people if isinstance(people, int) else len(people)


def _changes(w: dict, when: dict) -> list[tuple[str, str, str]]:
    end = "End" if when["complete"] else "Year to date"
    return [
        blocks.num("start", f"Start ({long_date(w['start'])})"),
        blocks.num("end", f"{end} ({long_date(w['end'])})"),
        ("change", "Change", "change"),
    ]


def _workforce(w: dict, when: dict) -> list[dict]:
    changes, total = _changes(w, when), w["total"]
    return [
        blocks.text(
            f"Active people: {total['start']} at the start of the year, {total['end']} "
            f"{'at its end' if when['complete'] else at_end(when)} ({signed(total['change'])})."
        ),
        blocks.chart("pipeline"),
        blocks.table(
            "Active people by highest stage in any programme", w["by_stage"], [("stage", "Stage", "words"), *changes]
        ),
        blocks.table(
            "Active people by programme and their highest stage in it",
            w["by_programme"],
            [("programme", "Programme", ""), ("stage", "Stage", "words"), *changes],
        ),
        blocks.table("Active people by region", w["by_region"], [("region", "Region", ""), *changes]),
    ]


def _movement_text(m: dict, when: dict) -> dict:
    return blocks.text(
        f"{_count(m['joiners'])} joined, {_count(m['leavers'])} left, and {m['progressions_total']} stages "
        f"were attained {in_year(when)}."
    )


def _progressions(m: dict, when: dict) -> dict:
    return blocks.table(
        f"Stage progressions: stages attained {in_year(when)}",
        m["progressions"],
        [("programme", "Programme", ""), ("stage", "Stage attained", "words"), blocks.num("count", "People")],
    )


def _movement(m: dict, when: dict) -> list[dict]:
    person = [("person", "Person", ""), ("name", "Name", ""), ("region", "Region", "")]
    return [
        _movement_text(m, when),
        blocks.table(f"Joiners ({len(m['joiners'])})", m["joiners"], [*person, ("on", "Joined on", "")]),
        blocks.table(
            f"Leavers ({len(m['leavers'])})",
            m["leavers"],
            [*person, ("status", "Status", "words"), ("on", "Left on", "")],
        ),
        _progressions(m, when),
    ]


def _movement_counts(m: dict, when: dict) -> list[dict]:
    """Joiners and leavers counted by region, for publication."""
    by_region = [("region", "Region", ""), blocks.num("count", "People")]
    return [
        _movement_text(m, when),
        blocks.table(f"Joiners by region ({m['joiners']})", m["joiners_by_region"], by_region),
        blocks.table(f"Leavers by region ({m['leavers']})", m["leavers_by_region"], by_region),
        _progressions(m, when),
    ]


def _courses(c: dict, when: dict) -> list[dict]:
    counts = [blocks.num("courses", "Courses"), blocks.num("participants", "Participants")]
    return [
        blocks.text(
            f"{number(c['courses'])} courses started {in_year(when)}, with {number(c['participants'])} participants."
        ),
        blocks.table("Courses and participants by setting", c["by_setting"], [("setting", "Setting", ""), *counts]),
        blocks.table(
            "Courses and participants by programme", c["by_programme"], [("programme", "Programme", ""), *counts]
        ),
    ]


def month_text(month: dict, when: dict) -> str:
    """A month of the year as its tables and charts name it; a month in progress says so ("Dec 1-3")."""
    label = month_label(month["month"])
    return f"{label} 1\u2013{when['end'].day}" if month.get("partial") else label


def _supervision(s: dict, when: dict) -> list[dict]:
    months = [{**month, "label": month_text(month, when)} for month in s["by_month"]]
    partial = [m for m in months if m["partial"]]
    so_far = f" {partial[0]['label']} is the month in progress, to {long_date(when['end'])}." if partial else ""
    return [
        blocks.text(
            f"{number(s['sessions'])} sessions held by {s['supervisors']} supervisors, with {number(s['rows'])} "
            f"attendances by {s['supervisees']} supervisees: {number(s['hours'])} hours attended.{so_far}"
        ),
        blocks.chart("supervision"),
        blocks.table(
            "Supervision by month",
            months,
            [("label", "Month", ""), blocks.num("sessions", "Sessions"), blocks.num("rows", "Attendances"),
             blocks.num("hours", "Hours")],
        ),
        blocks.table(
            "Supervision by kind",
            s["by_kind"],
            [("kind", "Kind", "words"), blocks.num("rows", "Attendances"), blocks.num("hours", "Hours")],
        ),
    ]


def _development(d: dict, when: dict) -> list[dict]:
    return [
        blocks.text(
            f"{number(d['cpd_hours'])} CPD hours logged {in_year(when)} by {d['cpd_people']} people in "
            f"{d['cpd_activities']} activities; {number(d['retreat_days'])} retreat days by {d['retreat_people']} "
            f"people on {d['retreats']} retreats."
        ),
        blocks.table(
            "CPD hours by category",
            d["cpd_by_category"],
            [("category", "Category", "words"), blocks.num("activities", "Activities"), blocks.num("hours", "Hours")],
        ),
    ]


SHORTFALL_COLUMNS = [
    blocks.num("short_of_cpd", "Short of CPD hours"),
    blocks.num("short_of_retreat", "Short of retreat days"),
    blocks.num("short_of_supervision", "Short of supervision"),
]


def _compliance(c: dict, when: dict) -> list[dict]:
    year_end, end = c["year_end"], at_end(when)
    rates = [blocks.num("assessed", "Assessed"), blocks.num("compliant", "Compliant"), ("rate", "Rate", "percent")]
    return [
        blocks.text(
            f"On {long_date(year_end['as_of'])}, {year_end['compliant']} of {year_end['assessed']} assessed "
            f"people were compliant ({percent(year_end['rate'])})."
        ),
        blocks.chart("compliance"),
        blocks.table(
            "Compliance at each quarter end" + ("" if when["complete"] else " (the quarter in progress to date)"),
            c["by_quarter"],
            [("quarter", "Quarter", ""), ("as_of", "As of", ""), *rates],
        ),
        blocks.table(
            f"People short of each requirement {end}",
            year_end["by_requirement"],
            [("requirement", "Requirement", "requirement"), blocks.num("short", "People short")],
        ),
        blocks.table(
            f"Compliance by region {end}", year_end["by_region"], [("region", "Region", ""), *rates, *SHORTFALL_COLUMNS]
        ),
        blocks.table(
            f"Compliance by organisation {end}",
            year_end["by_organisation"],
            [("organisation", "Organisation", ""), *rates, *SHORTFALL_COLUMNS],
        ),
    ]


def _succession(succ: dict, names: dict[str, str], when: dict, published: bool) -> list[dict]:
    before, after = long_date(succ["previous_as_of"]), long_date(succ["as_of"])
    end = "the year end" if when["complete"] else after
    generation_columns = [
        ("programme", "Programme", ""), blocks.num("generation", "Generation"), blocks.num("count", "Active trainers")
    ]
    counts = [
        blocks.text(f"Risks on {after}, against {before}."),
        blocks.table(
            f"Succession risks {at_end(when)} and at the previous year end",
            [{**row, "measure": MEASURE_LABELS[row["kind"]]} for row in succ["counts"]],
            [("measure", "Measure", ""), blocks.num("previous", before), blocks.num("current", after),
             ("change", "Change", "change")],
        ),
    ]
    if published:
        by_kind = [("risk", "Risk", ""), blocks.num("count", "Risks")]
        return [
            *counts,
            blocks.table(
                "Active trainers by generation", succ["generations"], generation_columns, "No active trainer."
            ),
            blocks.table("New since the previous year end", _risk_kinds(succ["new"]), by_kind),
            blocks.table("Resolved since the previous year end", _risk_kinds(succ["resolved"]), by_kind),
        ]

    def changed(rows: list[dict]) -> list[dict]:
        return [{"risk": RISK_LABELS[r["kind"]], "text": risk_text(r["kind"], r["risk"], names)} for r in rows]

    generations = [
        {**row, "trainers": [who(ref, names.get(ref), brackets=False) for ref in row["trainers"]]}
        for row in succ["generations"]
    ]
    risk = [("risk", "Risk", ""), ("text", "Detail", "")]
    return [
        *counts,
        *[
            _list(f"{label} on {end}" if not when["complete"] else label,
                  [risk_text(kind, r, names) for r in succ["current"][kind]])
            for kind, label in RISK_LABELS.items()
        ],
        blocks.table("Active trainers by generation", generations, [*generation_columns, ("trainers", "Who", "")],
              "No active trainer."),
        blocks.table("New since the previous year end", changed(succ["new"]), risk),
        blocks.table("Resolved since the previous year end", changed(succ["resolved"]), risk),
    ]


def _risk_kinds(rows: list[dict]) -> list[dict]:
    return [{"risk": RISK_LABELS[row["kind"]], "count": row["count"]} for row in rows]


def _lineage(lineage: dict, published: bool) -> list[dict]:
    if not lineage["generations"] and not lineage["programmes"]:
        return [blocks.text(f"No training records by {long_date(lineage['as_of'])}.")]
    counts = blocks.table(
        "Trainers in the lineage by programme and generation",
        lineage["generations"],
        [
            ("programme", "Programme", ""),
            blocks.num("generation", "Generation"),
            blocks.num("active", "Active"),
            blocks.num("not_active", "Not active"),
        ],
        "No trainer yet.",
    )
    if published:
        return [
            blocks.text(
                "Trainers counted by programme and generation (generation 1 trained by nobody in the registry), "
                f"as of {long_date(lineage['as_of'])}."
            ),
            counts,
        ]
    marks = "a red border: no successor; orange: leaving within 18 months; dashed: not active"
    about = (f"The trainers of each programme counted per generation and region; the full picture of each, who trained "
             f"whom by name ({marks}), is a separate file, linked below" if lineage.get("files") else
             f"Who trained whom in each programme: by name where the trainers fit on a page ({marks}), else counted "
             "per generation and region")
    return [
        blocks.text(f"{about}. As of {long_date(lineage['as_of'])}; a generation or region with no active trainer is a gap."),
        *[blocks.chart(f"lineage:{code}") for code in lineage["programmes"]],
        counts,
    ]

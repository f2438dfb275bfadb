"""The English of the analysis results: how a person, a number and a date are written,
each succession risk as a sentence, and the succession and what-if reports as text."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..vocab import READY_NOW_STAGE

READINESS_WORDS = {"ready_now": "ready now", "1_2_years": "1-2 years", "3_plus_years": "3+ years"}
# Why a nomination is no successor (succession._successor), completed with the post's role and programme.
NOT_COUNTED_WORDS = {
    "holds_post": "holds the post already",
    "below_stage": "not yet a {stage} in {programme}",
    "below_proficient": "latest MBI:TAC assessment in {programme} below proficient in {domains}",
}
RISK_LABELS = {
    "single_points_of_failure": "Single point of failure",
    "missing_generations": "Missing trainer generation",
    "posts_at_risk": "Post without a ready-now successor",
    "no_successor": "Trainer with no successor",
    "leaving_soon": "Leaving within 18 months",
    "unsupervised": "No active supervisor",
}
MEASURE_LABELS = {**RISK_LABELS, "active_trainers": "Active trainers"}
# The compliance requirements (compliance/standing.py) and the kinds of single point of failure, in words.
REQUIREMENT_WORDS = {
    "cpd": "CPD hours", "retreat": "retreat days", "supervision": "supervision sessions",
    "assessment": "assessment of teaching",
}
SINGLE_POINT_WORDS = {"supervision": "sole supervisor", "training": "sole trainer"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------- people, numbers, dates


def who(ref: str, name: str | None, *, brackets: bool = True) -> str:
    """A person as "ref (name)", or "ref name" without `brackets`; the ref alone without a name."""
    if name is None:
        return ref
    return f"{ref} ({name})" if brackets else f"{ref} {name}"


def in_words(value) -> str:
    """A vocabulary value in words: trainer_of_trainers as trainer of trainers."""
    return str(value).replace("_", " ")


def percent(rate) -> str:
    """A rate as a percentage; a rate withheld (a text) as it is."""
    if rate is None:
        return "n/a"
    return f"{rate:.0%}" if isinstance(rate, (int, float)) else str(rate)


def number(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}" if isinstance(value, int) else str(value)


def signed(change) -> str:
    if not isinstance(change, (int, float)):
        return str(change)
    if not change:
        return "0"
    return f"+{number(change)}" if change > 0 else f"\u2212{number(-change)}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def day_month(day: dt.date) -> str:
    """3 December."""
    return f"{day.day} {day.strftime('%B')}"


def month_label(month: str) -> str:
    """"2025-03" as "Mar"."""
    return MONTHS[int(month[5:7]) - 1]


def nobody_lapses(scope_words: str, within: int, day) -> str:
    """The words of `cpd due` and `reminders send` when nobody lapses in the days ahead;
    `scope_words` is " in region North" or empty."""
    return f"No one assessed for compliance{scope_words} lapses within {within} days of {day.isoformat()}."


def cell(value, kind: str = "") -> str:
    """One table cell; `kind` is change, percent, words, requirement, num or empty."""
    if kind == "requirement":
        return REQUIREMENT_WORDS.get(value, in_words(value))
    if kind == "change":
        return signed(value)
    if kind == "percent":
        return percent(value)
    if kind == "words":
        return in_words(value)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return number(value)


# ---------------------------------------------------------------- one risk in a line (the annual report)


def risk_text(kind: str, risk: dict, names: dict[str, str]) -> str:
    """One risk of a succession report (of a kind in RISK_LABELS) as a line to read."""

    def name(ref: str) -> str:
        return who(ref, names.get(ref), brackets=False)

    if kind == "single_points_of_failure":
        where = f"{risk['programme']}, {risk['region']}"
        kind_words = SINGLE_POINT_WORDS.get(risk["kind"], in_words(risk["kind"]))
        return f"{name(risk['person'])}, {kind_words} ({where}; {len(risk['affected'])} depend on them)"
    if kind == "missing_generations":
        return f"{risk['programme']}: no active generation {risk['generation']} trainer"
    if kind == "posts_at_risk":
        holders = ", ".join(name(ref) for ref in risk["holders"]) or "nobody"
        return f"{in_words(risk['role'])}, {risk['programme']}, {risk['region']}: held by {holders}"
    if kind == "no_successor":
        return f"{name(risk['person'])} ({risk['programme']})"
    if kind == "leaving_soon":
        return f"{name(risk['person'])}, planned to leave on {risk['planned_leaving_on'].isoformat()}"
    return f"{name(risk['person'])} ({risk['programme']}, {risk['region']})"  # unsupervised


# ---------------------------------------------------------------- the succession report as a board reads it


def succession_report_text(data: dict, names: dict[str, str]) -> str:
    """Risks grouped by programme and region, each with one line on why it is a risk;
    then trainer generations, trainers with no successor, leavers and caseloads."""

    def name(ref: str) -> str:
        return who(ref, names.get(ref))

    lines = [f"Succession report on {data['as_of'].isoformat()}", "", "Risks by programme and region"]
    lines += _risks_by_place(data, name)
    lines += ["", "Trainer generations (ASPIRE asks for second and third generations)"]
    lines += _generation_lines(data)
    lines += ["", "Trainers with no successor (they have trained no active trainer)"]
    lines += [f"  {row['programme']}: {name(row['person'])}" for row in data["no_successor"]] or ["  none"]
    lines += ["", "Leaving within 18 months (supervisors and trainers)"]
    lines += [
        f"  {row['planned_leaving_on'].isoformat()}  {name(row['person'])}" for row in data["leaving_soon"]
    ] or ["  none"]
    over = [row for row in data.get("caseload", []) if row["over_cap"]]
    if over:
        lines += ["", "Supervisors over the caseload cap"]
        lines += [f"  {name(r['supervisor'])}: {r['supervisees']} supervisees in {r['programme']}" for r in over]
    return "\n".join(lines)


def _risks_by_place(data: dict, name) -> list[str]:
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for risk in data["single_points_of_failure"]:
        grouped[(risk["programme"], risk["region"])].append(_why_single_point(risk, name))
    for post in data.get("posts", []):
        if post["at_risk"]:
            successors = ", ".join(_successor_words(c, post) for c in post["successors"]) or "none nominated"
            grouped[(post["programme"], post["region"])].append(
                f"Post without a ready-now successor: {in_words(post['role'])} is held by "
                f"{name(post['holders'][0])} alone; successors: {successors}."
            )
    for row in data.get("unsupervised", []):
        grouped[(row["programme"], row["region"])].append(
            f"No active supervisor: {name(row['person'])} has no current supervisor who is active."
        )
    lines = [] if grouped else ["  none"]
    for (programme, region), risks in sorted(grouped.items()):
        lines.append(f"  {programme}, {region}")
        lines += [f"    - {risk}" for risk in risks]
    return lines


def _successor_words(successor: dict, post: dict) -> str:
    """A nominated successor with their readiness, and why they are not counted if they are not."""
    said = READINESS_WORDS[successor["readiness"]]
    if successor.get("not_counted"):
        stage = in_words(READY_NOW_STAGE[post["role"]])
        why = NOT_COUNTED_WORDS[successor["not_counted"]].format(
            stage=stage, programme=post["programme"], domains=", ".join(successor.get("domains", []))
        )
        said += f"; not counted: {why}"
    return f"{successor['person']} ({said})"


def _why_single_point(risk: dict, name) -> str:
    if risk["kind"] == "supervision":
        return (
            f"Supervision single point of failure: {name(risk['person'])} is the only current "
            f"supervisor of {', '.join(risk['affected'])}, and nobody else in their region holds supervisor "
            f"stage in {risk['programme']}."
        )
    others = len(risk["affected"])
    return (
        f"Training single point of failure: {name(risk['person'])} is the only active "
        f"{risk['programme']} trainer in {risk['region']}, where "
        f"{'1 other person' if others == 1 else f'{others} other people'} practise {risk['programme']}."
    )


def _generation_lines(data: dict) -> list[str]:
    missing = defaultdict(list)
    for row in data["missing_generations"]:
        missing[row["programme"]].append(row["generation"])
    lines = [] if data["trainer_generations"] else ["  no programme has an active trainer"]
    for programme, generations in sorted(data["trainer_generations"].items()):
        listed = ", ".join(f"{ref} ({g})" for ref, g in sorted(generations.items(), key=lambda x: (x[1], x[0])))
        gap = ""
        if missing[programme]:
            gap = " - missing generation " + " and ".join(str(g) for g in missing[programme])
        lines.append(f"  {programme}: {listed}{gap}")
    return lines


def what_if_text(data: dict, names: dict[str, str]) -> str:
    """Each risk that would be new if these people left, in one line."""

    def name(ref: str) -> str:
        return who(ref, names.get(ref))

    new = data["new_risks"]
    lines = [f"If {', '.join(name(ref) for ref in data['without'])} left on {data['as_of'].isoformat()}:", ""]
    said = [
        *(
            f"  - {name(r['person'])} would have no active supervisor in {r['programme']} ({r['region']})."
            for r in new["unsupervised"]
        ),
        *(f"  - {r['region']} would have no active {r['programme']} trainer." for r in new["regions_without_trainer"]),
        *(
            f"  - New {r['kind']} single point of failure: {name(r['person'])} in "
            f"{r['programme']}, {r['region']} (affects {', '.join(r['affected'])})."
            for r in new["single_points_of_failure"]
        ),
        *(f"  - {r['programme']} would have no generation-{r['generation']} trainer." for r in new["missing_generations"]),
        *(f"  - {name(r['person'])} would be a trainer of {r['programme']} with no successor." for r in new["no_successor"]),
    ]
    return "\n".join(lines + (said or ["  no new risks."]))


def changes(before: dict | None, after: dict | None) -> str:
    """What an audit entry changed, field by field: "minutes 45 -> 60; held_on ... -> ..."."""
    if before is None or after is None:
        return ""
    shown = []
    for name in after:
        if before.get(name) != after.get(name):
            shown.append(f"{name} {field_value(before.get(name))} -> {field_value(after.get(name))}")
    return "; ".join(shown)


def field_value(value) -> str:
    """One bundle value as a correction shows it."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)

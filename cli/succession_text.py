"""The succession report as a board reads it: risks grouped by programme and region,
each with one line on why it is a risk."""

from __future__ import annotations

from collections import defaultdict

READINESS_WORDS = {"ready_now": "ready now", "1_2_years": "1-2 years", "3_plus_years": "3+ years"}


def _who(ref: str, names: dict[str, str]) -> str:
    return f"{ref} ({names[ref]})" if ref in names else ref


def _people(count: int) -> str:
    return "1 other person" if count == 1 else f"{count} other people"


def report_text(data: dict, names: dict[str, str]) -> str:
    lines = [f"Succession report on {data['as_of'].isoformat()}", ""]
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for risk in data["single_points_of_failure"]:
        affected = ", ".join(risk["affected"])
        if risk["kind"] == "supervision":
            why = (
                f"Supervision single point of failure: {_who(risk['person'], names)} is the only current "
                f"supervisor of {affected}, and nobody else in their region holds supervisor stage in "
                f"{risk['programme']}."
            )
        else:
            why = (
                f"Training single point of failure: {_who(risk['person'], names)} is the only active "
                f"{risk['programme']} trainer in {risk['region']}, where {_people(len(risk['affected']))} "
                f"practise {risk['programme']}."
            )
        grouped[(risk["programme"], risk["region"])].append(why)
    for post in data.get("posts", []):
        if post["at_risk"]:
            successors = ", ".join(
                f"{c['person']} ({READINESS_WORDS[c['readiness']]})" for c in post["successors"]
            ) or "none nominated"
            grouped[(post["programme"], post["region"])].append(
                f"Post without a ready-now successor: {post['role'].replace('_', ' ')} is held by "
                f"{_who(post['holders'][0], names)} alone; successors: {successors}."
            )
    for row in data.get("unsupervised", []):
        grouped[(row["programme"], row["region"])].append(
            f"No active supervisor: {_who(row['person'], names)} has no current supervisor who is active."
        )
    lines.append("Risks by programme and region")
    if not grouped:
        lines.append("  none")
    for (programme, region), risks in sorted(grouped.items()):
        lines.append(f"  {programme}, {region}")
        lines += [f"    - {risk}" for risk in risks]
    lines += ["", "Trainer generations (ASPIRE asks for second and third generations)"]
    missing = defaultdict(list)
    for row in data["missing_generations"]:
        missing[row["programme"]].append(row["generation"])
    if not data["trainer_generations"]:
        lines.append("  no programme has an active trainer")
    for programme, generations in sorted(data["trainer_generations"].items()):
        listed = ", ".join(f"{ref} ({g})" for ref, g in sorted(generations.items(), key=lambda x: (x[1], x[0])))
        gap = ""
        if missing[programme]:
            gap = " - missing generation " + " and ".join(str(g) for g in missing[programme])
        lines.append(f"  {programme}: {listed}{gap}")
    lines += ["", "Trainers with no successor (they have trained no active trainer)"]
    lines += [f"  {row['programme']}: {_who(row['person'], names)}" for row in data["no_successor"]] or ["  none"]
    lines += ["", "Leaving within 18 months (supervisors and trainers)"]
    lines += [
        f"  {row['planned_leaving_on'].isoformat()}  {_who(row['person'], names)}" for row in data["leaving_soon"]
    ] or ["  none"]
    over = [row for row in data.get("caseload", []) if row["over_cap"]]
    if over:
        lines += ["", "Supervisors over the caseload cap"]
        lines += [f"  {_who(r['supervisor'], names)}: {r['supervisees']} supervisees in {r['programme']}" for r in over]
    return "\n".join(lines)


def what_if_text(data: dict, names: dict[str, str]) -> str:
    who = ", ".join(_who(ref, names) for ref in data["without"])
    new = data["new_risks"]
    lines = [f"If {who} left on {data['as_of'].isoformat()}:", ""]
    said = False
    for row in new["unsupervised"]:
        lines.append(f"  - {_who(row['person'], names)} would have no active supervisor in {row['programme']} ({row['region']}).")
        said = True
    for row in new["regions_without_trainer"]:
        lines.append(f"  - {row['region']} would have no active {row['programme']} trainer.")
        said = True
    for risk in new["single_points_of_failure"]:
        lines.append(
            f"  - New {risk['kind']} single point of failure: {_who(risk['person'], names)} in "
            f"{risk['programme']}, {risk['region']} (affects {', '.join(risk['affected'])})."
        )
        said = True
    for row in new["missing_generations"]:
        lines.append(f"  - {row['programme']} would have no generation-{row['generation']} trainer.")
        said = True
    for row in new["no_successor"]:
        lines.append(f"  - {_who(row['person'], names)} would be a trainer of {row['programme']} with no successor.")
        said = True
    if not said:
        lines.append("  no new risks.")
    return "\n".join(lines)

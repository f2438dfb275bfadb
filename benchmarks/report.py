"""The Markdown tables of a benchmark run: the figures, the targets, the growth."""

from __future__ import annotations

import statistics

from targets import growth, judge_by, sizes_of, spread_text, target_rows

FIGURE_NAMES = {"wall": "wall time", "cpu": "CPU time (user + system)", "highest peak": "highest peak memory"}


def cell(result: dict) -> str:
    """Median wall time (lowest–highest of the runs) and median CPU time."""
    wall, cpu = result["wall"], result["cpu"]
    return f"{statistics.median(wall):.2f} s ({spread_text(wall)}); CPU {statistics.median(cpu):.2f} s"


def figures_table(results: list[dict], backend: str) -> str:
    sizes = sizes_of(results, backend)
    mine = [r for r in results if r["backend"] == backend]
    by = {(r["command"], r["size"]): r for r in mine}
    largest = sizes[-1]
    header = "| command | " + " | ".join(f"{s:,} people" for s in sizes) + f" | peak MiB at {largest:,} (median) | note |"
    lines = [header, "|---" * (len(sizes) + 3) + "|"]
    for command in dict.fromkeys(r["command"] for r in mine):
        cells = [cell(by[(command, s)]) if (command, s) in by else "-" for s in sizes]
        last = by.get((command, largest))
        peak = f"{statistics.median(last['peak_mib']):.0f}" if last else "-"
        lines.append(f"| {command} | " + " | ".join(cells) + f" | {peak} | {last['note'] if last else ''} |")
    return "\n".join(lines)


def targets_table(results: list[dict], judge: str, errors: dict | None) -> str:
    rows = target_rows(results, judge, errors)
    lines = ["| target | judged by | measured: median (lowest–highest) | verdict |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['target']} | {FIGURE_NAMES[row['figure']]} | {row['measured']} | {row['verdict']} |")
    met = sum(row["verdict"].startswith("met") for row in rows)
    missed = sum(row["verdict"].startswith("MISSED") for row in rows)
    unmeasured = len(rows) - met - missed
    lines.append(f"\n{met} met, {missed} missed" + (f", {unmeasured} not measured." if unmeasured else "."))
    return "\n".join(lines)


def growth_table(results: list[dict], judge: str) -> str:
    lines = ["| database | command | per-person time, largest over smallest size | growth |", "|---|---|---|---|"]
    for backend in ("sqlite", "postgresql"):
        for row in growth(results, backend, judge):
            said = "WORSE than linear" if row["worse"] else "linear or better"
            lines.append(
                f"| {backend} | {row['command']} | {row['ratio']:.2f} ({row['small']:,} to {row['large']:,} people, "
                f"{FIGURE_NAMES[row['figure']]}) | {said} |"
            )
    return "\n".join(lines) if len(lines) > 2 else "(one size only: no growth to show)"


def parts_table(parts: list[dict], cores: int) -> str:
    lines = [f"| people | databases | measured on | code at commit | load average (1 minute) at the start, {cores} cores |",
             "|---|---|---|---|---|"]
    for part in parts:
        lines.append(f"| {part['size']:,} | {', '.join(part['backends'])} | {part['date']} | {part['code']} | {part['load']:.1f} |")
    return "\n".join(lines)


def document(run: dict, judge_option: str) -> str:
    """The whole Markdown of a run: what was measured how, then the tables."""
    results, errors = run["results"], run.get("errors")
    judge = judge_by([part["load"] for part in run["parts"]], run["cores"]) if judge_option == "auto" else judge_option
    loads = ", ".join(f"{part['load']:.1f} ({part['size']:,} people)" for part in run["parts"])
    parts = [
        f"Machine: {run['machine']}. Each figure is the median of {run['runs']} runs, the lowest and highest "
        "in brackets.",
        parts_table(run["parts"], run["cores"]),
    ]
    for backend in ("sqlite", "postgresql"):
        if sizes_of(results, backend):
            parts.append(f"### {backend}\n\n{figures_table(results, backend)}")
    judged = (
        f"Judged by {FIGURE_NAMES[judge]} on SQLite: the load average at the start was {loads} on "
        f"{run['cores']} cores ({'busy' if judge == 'cpu' else 'quiet'}; wall time is the judge only when every "
        "part began with less work than cores). On PostgreSQL by wall time, as the CPU time of a command "
        "leaves out the server's."
    )
    parts.append(f"### Against the targets\n\n{judged}\n\n{targets_table(results, judge, errors)}")
    parts.append(f"### Growth with the number of people\n\n{growth_table(results, judge)}")
    return "\n\n".join(parts) + "\n"

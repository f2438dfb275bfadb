"""The annual report written to its file, owner-only, and with `report annual
--lineage-pictures DIR` the full lineage picture of each programme beside it: the files
`lineage draw` writes (lineage_picture.write_lineage_pictures), `lineage-CODE.svg` in
DIR. The report then shows each programme's lineage as its summary (trainers counted by
generation and region), says that the full picture is a separate file, and links to it
(relative to the report, so the report and its folder of pictures can move together).

The full pictures name people: the report for publication (--anonymise) has none.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, ContextManager
from urllib.parse import quote

from ..errors import Invalid
from ..files import folder_to_write, in_place_when_done, private_folder
from .annual import render
from .annual_charts import chart_names
from .annual_layout import layout
from .words import long_date

PICTURES_OPTION = "lineage-pictures"
# The name `lineage draw` is given for the pictures; each file is suffixed with its programme's code.
PICTURES_NAME = "lineage.svg"


def pictures_folder(path: str | Path, *, anonymise: bool = False) -> Path:
    """The folder asked for the full lineage pictures, checked before any work: a folder
    there or one that can be made (files.folder_to_write), and never for the report for
    publication."""
    if anonymise:
        raise _names_people(path)
    return folder_to_write(path, what=PICTURES_OPTION)


def _names_people(path: str | Path) -> Invalid:
    return Invalid(
        f"{PICTURES_OPTION}: {str(path)!r}: the full lineage pictures name people, and the report for "
        "publication (--anonymise) names nobody"
    )


def drawing_steps(data: dict, fmt: str, pictures: str | Path | None = None) -> int:
    """How many times `write_annual_report` tells its `progress`: each chart of an HTML
    report, then each lineage picture."""
    charts = len(chart_names(layout(data))) if fmt == "html" else 0
    return charts + len(_picture_files(data, pictures))


def _picture_files(data: dict, pictures: str | Path | None) -> list[tuple[dict, Path]]:
    from .lineage_picture import picture_files

    if pictures is None or "pictures" not in data["lineage"]:
        return []
    return picture_files(data["lineage"]["pictures"], Path(pictures) / PICTURES_NAME)


def write_annual_report(
    data: dict,
    out: str | Path,
    fmt: str,
    *,
    pictures: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Path, list[str]]:
    """Render the year's figures and write them to `out`, owner-only (with any missing
    folders); with `pictures`, the full lineage picture of each programme that has
    trainers into that folder, linked from the report. Everything is drawn before anything
    is written, and the report is put in place only once its pictures are: a picture that
    cannot be written leaves no report. `progress` is told each chart and picture as it
    is drawn. Returns the report's path and a line for each programme's picture."""
    out = Path(out)
    if pictures is not None and data.get("publication"):
        raise _names_people(pictures)
    files = _picture_files(data, pictures)
    if files:
        links = {p["programme"]: {"name": target.name, "href": _link(target, out)} for p, target in files}
        data = {**data, "lineage": {**data["lineage"], "files": links}}
    text = render(data, fmt, progress)
    drawn = [] if pictures is None else [f"No trainer in the lineage on {long_date(data['lineage']['as_of'])}: no picture drawn."]
    with in_place_when_done(out, what="out") as temporary:
        if files:
            from .lineage_picture import write_lineage_pictures

            private_folder(pictures, what=PICTURES_OPTION)
            folder = Path(pictures) / PICTURES_NAME
            drawn = write_lineage_pictures(data["lineage"]["pictures"], folder, progress=progress, what=PICTURES_OPTION)
        temporary.write_text(text, encoding="utf-8", newline="")
    return out, drawn


def _link(target: Path, report: Path) -> str:
    """The address of `target` relative to the folder of `report`, as a link in it."""
    relative = os.path.relpath(os.path.abspath(target), os.path.dirname(os.path.abspath(report)))
    return quote(Path(relative).as_posix())


# A progress bar: given how many steps and a label, a context manager that yields the
# callback told each step (or None, to show nothing).
ProgressBar = Callable[[int, str], ContextManager[Callable[[str], None] | None]]


def write_report(
    data: dict, out: str | Path, fmt: str, *, pictures: str | Path | None = None, progress_bar: ProgressBar | None = None
) -> tuple[Path, list[str]]:
    """write_annual_report with `progress_bar`, if given, opened for the charts and
    pictures drawn. Returns the report's path and a line for each programme's picture."""
    steps = drawing_steps(data, fmt, pictures) if progress_bar else 0
    label = "Drawing the charts and lineage pictures" if pictures else "Drawing the charts"
    with (progress_bar or _no_bar)(steps, label) as step:
        return write_annual_report(data, out, fmt, pictures=pictures, progress=step)


def _no_bar(steps: int, label: str) -> ContextManager[None]:
    return nullcontext()

"""manifest.json: what an export wrote, so that a partial copy of it is refused.

`export` writes it last: each file of the bundle with its row count and SHA-256
checksum. `import` checks a bundle against it when there is one: a listed file that is
missing, or has another number of rows, is an error (the copy was interrupted); a file
whose checksum differs while its rows are as many is a warning (edited in a
spreadsheet since). A folder without a manifest imports as before.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from .. import recordtypes as rt
from ..errors import Invalid

MANIFEST = "manifest.json"
FORMAT = "mbp-registry bundle"
_CHUNK = 1 << 20


def checksum(path: Path) -> str:
    """The SHA-256 of the file's bytes, in hexadecimal."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while data := handle.read(_CHUNK):
            digest.update(data)
    return digest.hexdigest()


def manifest_text(folder: Path, rows: dict[str, int]) -> str:
    """The manifest of the files `rows` names in `folder` (rows per file, header not counted)."""
    files = {name: {"rows": count, "sha256": checksum(folder / name)} for name, count in rows.items()}
    return json.dumps({"format": FORMAT, "files": files}, indent=2) + "\n"


def check_manifest(directory: Path) -> list[str]:
    """Check the bundle in `directory` against its manifest, if it has one: raises
    Invalid naming the first file missing or with other rows; returns the warnings."""
    path = directory / MANIFEST
    if not path.is_file():
        return []
    listed = _listed(path)
    warnings = []
    for name, expected in listed.items():
        file = directory / name
        if not file.is_file():
            raise Invalid(f"bundle: {name} is listed in {MANIFEST} but missing: the copy of the export is not complete")
        if checksum(file) == expected["sha256"]:
            continue
        rows = count_rows(file)  # None: not readable, which the reader reports line by line
        if rows is not None and rows != expected["rows"]:
            raise Invalid(
                f"bundle: {name} has {rows} row{'s' if rows != 1 else ''} where {MANIFEST} lists "
                f"{expected['rows']}: the copy of the export is not complete"
            )
        warnings.append(
            f"{name} has changed since it was exported (its checksum is not the one in {MANIFEST}), "
            "with as many rows: edited in a spreadsheet?"
        )
    for record_type in rt.ALL:
        if record_type.file not in listed and (directory / record_type.file).is_file():
            warnings.append(f"{record_type.file} is not listed in {MANIFEST}: added since the export?")
    return warnings


def _listed(path: Path) -> dict[str, dict]:
    """The files the manifest lists, each checked to be a bundle file with a row count
    and a checksum."""
    problem = f"bundle: {MANIFEST} is not a manifest of an export"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Invalid(f"{problem}: {exc}") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise Invalid(f"{problem}: it has no \"files\"")
    known = {record_type.file for record_type in rt.ALL}
    for name, entry in files.items():
        if name not in known:
            raise Invalid(f"{problem}: it lists {name!r}, which is not a bundle file")
        valid = (
            isinstance(entry, dict)
            and type(entry.get("rows")) is int
            and isinstance(entry.get("sha256"), str)
        )
        if not valid:
            raise Invalid(f"{problem}: the entry of {name} needs \"rows\" (a number) and \"sha256\"")
    return files


def count_rows(path: Path) -> int | None:
    """The rows of a bundle file as import reads them (header and blank rows not
    counted), or None when it is not readable CSV text."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            next(reader, None)
            return sum(1 for cells in reader if "".join(cells).strip())
    except (OSError, UnicodeDecodeError, csv.Error):
        return None

"""`import` and `export`: the CSV bundle, and an Excel workbook for leads."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .context import State, pass_state
from .options import reading, writing
from . import progress as terminal
from .progress import progress_bar
from .output import Output, columns, output_options, render


@click.command("import")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the bundle and show what would change; write nothing.")
@click.option(
    "--restore",
    is_flag=True,
    help="Bring back rows that corrections replaced or removed (by default they are skipped).",
)
@click.option(
    "--errors",
    "errors_to",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write every error to FILE, one a line (the screen shows the first 100).",
)
@output_options()
@pass_state
def import_(state: State, directory: str, dry_run: bool, restore: bool, errors_to: str | None, fmt: str) -> None:
    """Import a bundle folder of CSV files, all or nothing.

    Every row is checked first, on every column; on any error, nothing is written and the
    errors are listed as FILE:LINE: message in bundle order (the first 100, then how many
    more; --errors FILE writes them all). Importing the same bundle again changes nothing.

    \b
    Example:
      mbp-registry import ./bundle --dry-run
      mbp-registry import ./bundle --errors import-errors.txt
    """
    from mbp_registry.registry.bundle.importer import ImportFailed, import_bundle

    progress = _Progress(directory) if terminal.interactive() else None
    options = dict(actor=state.actor, progress=progress, restore=restore, errors_to=errors_to)
    try:
        if dry_run:
            result = reading(state, lambda s: import_bundle(s, directory, dry_run=True, **options))
        else:
            result = writing(state, lambda s: import_bundle(s, directory, **options))
            from mbp_registry.registry.maintenance import after_bulk_write

            after_bulk_write(state.engine)
    except ImportFailed as failure:
        if progress:
            progress.done()
        for line in failure.errors:
            click.echo(line, err=True)
        if failure.count > len(failure.errors):
            where = f"all are in {errors_to}" if errors_to else "--errors FILE writes them all"
            click.echo(f"... and {failure.count - len(failure.errors)} more error(s); {where}", err=True)
        raise
    if progress:
        progress.done()
    if result.retired:
        _warn_retired(result.retired, restore)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    total = sum(c.added + c.updated for c in result.counts.values())
    if dry_run:
        after = f"Dry run: {total} records would be added or updated; nothing was written."
    else:
        after = f"Imported {directory}: {total} records added or updated."
    render(result.as_rows(), fmt, Output(columns("file", "added", "updated", "unchanged"), after=lambda _: after))


def _warn_retired(retired: dict[str, int], restored: bool) -> None:
    files = ", ".join(f"{name}: {count}" for name, count in retired.items())
    count = sum(retired.values())
    rows = f"{count} row{'s' if count != 1 else ''}"
    if restored:
        click.echo(f"Warning: restored {rows} that corrections had replaced or removed ({files}).", err=True)
    else:
        click.echo(
            f"Warning: skipped {rows} that corrections replaced or removed ({files}); "
            "use --restore to bring them back.",
            err=True,
        )


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False), required=False)
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), help="Also (or instead) write one Excel workbook.")
@click.option(
    "--force", is_flag=True, help="Replace a DIRECTORY that holds other files than an export (they are deleted)."
)
@pass_state
def export(state: State, directory: str | None, xlsx: str | None, force: bool) -> None:
    """Export everything as a bundle folder of CSV files (and/or an Excel workbook).

    Rows are sorted by their key columns, so exports of the same data are identical. The
    folder appears only once every file is written; an earlier export there is replaced,
    a folder holding anything else is refused unless --force.

    \b
    Example:
      mbp-registry export ./backup-2026-11-22
      mbp-registry export --xlsx registry.xlsx
    """
    if not directory and not xlsx:
        raise click.UsageError("give a DIRECTORY, --xlsx FILE, or both")
    from mbp_registry.registry.bundle.export import export_bundle
    from mbp_registry.registry.bundle.workbook import export_workbook

    from mbp_registry.registry.recordtypes import ALL

    if directory:
        with progress_bar(len(ALL), "Exporting", show=_shown) as step:
            written = writing(state, lambda s: export_bundle(s, directory, actor=state.actor, force=force, progress=step))
        click.echo(f"Exported {sum(written.values())} records to {directory}/ ({len(written)} files).")
    if xlsx:
        with progress_bar(len(ALL), "Exporting", show=_shown) as step:
            written = writing(state, lambda s: export_workbook(s, xlsx, actor=state.actor, progress=step))
        click.echo(f"Exported {sum(written.values())} records to {xlsx} ({len(written)} sheets).")


def _shown(item) -> str | None:
    return item


class _Progress:
    """The bundle's files read so far as a Click progress bar on standard error, with the
    file being read and the rows read in all (made only when it is a terminal)."""

    def __init__(self, directory: str):
        from mbp_registry.registry.recordtypes import ALL

        files = sum((Path(directory) / record_type.file).is_file() for record_type in ALL)
        self.bar = click.progressbar(
            length=max(files, 1), label="Importing", file=sys.stderr, item_show_func=lambda shown: shown
        )
        self.file: str | None = None
        self.rows = 0

    def __call__(self, file: str, rows: int) -> None:
        self.rows += rows
        moved = self.file is not None and file != self.file
        self.file = file
        self.bar.update(1 if moved else 0, f"{file}: {self.rows:,} rows")

    def done(self) -> None:
        self.bar.update(self.bar.length - self.bar.pos)
        self.bar.render_finish()

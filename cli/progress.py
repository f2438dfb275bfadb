"""Progress on long work: a Click progress bar on standard error when it is a terminal,
silent otherwise. The library reports progress through a callback; this is that callback."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import click


def interactive() -> bool:
    """Whether standard error is a terminal, where progress is shown."""
    return sys.stderr.isatty()


@contextmanager
def progress_bar(length: int, label: str, *, show: Callable | None = None) -> Iterator[Callable | None]:
    """A bar of `length` steps; yields the callback that advances it by one step (or None,
    when standard error is not a terminal or there is nothing to do). `show(item)` gives the
    text shown after the bar for the item the callback was last given."""
    if length <= 0 or not interactive():
        yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr, item_show_func=show) as bar:

        def step(item=None, *_) -> None:
            bar.update(1, item)

        yield step

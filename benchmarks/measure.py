"""Measuring one command as its own process: wall time, CPU time and peak memory.

The CPU time is the user plus system time of the child process alone and its peak
memory the child's maximum resident set size, both from `os.wait4`; wall time is what
a person waits. On a machine shared with other work the wall time grows with the load
while the CPU time hardly moves, so both are kept (and the load average with them).
The CPU time of a PostgreSQL command leaves out the server's own work.

Also what every benchmark here shares: the machine, the code measured, its arguments.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024
FIGURES = ("wall", "cpu", "peak_mib")


class CommandFailed(SystemExit):
    """A measured command ended with another exit status than the one expected."""


def run_once(command: list[str], *, exit_status: int = 0) -> tuple[dict, str, str]:
    """One run of `command`: ({wall, cpu, peak_mib}, standard output, standard error).

    Output goes to temporary files (a report of 50,000 people is larger than a pipe
    holds). The child is reaped by `os.wait4` for its wall and CPU time. Its peak memory
    is said by /usr/bin/time, which starts it: Linux counts in a process's peak the
    memory of the one that started it, as it was when it did (this benchmark's own,
    which holds the reports it checks), and /usr/bin/time is small."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        child = subprocess.Popen(
            [*_peak_reporter(peak.name), *command], stdin=subprocess.DEVNULL, stdout=out, stderr=err, text=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr, reported = out.read(), err.read(), peak.read().split()
    if child.returncode != exit_status:
        raise CommandFailed(f"exit status {child.returncode}: {' '.join(command)}\n{stderr[-2000:]}")
    kib = int(reported[-1]) if reported else usage.ru_maxrss
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": kib * 1024 / MIB}, stdout, stderr


def _peak_reporter(report: str) -> list[str]:
    """/usr/bin/time writing the peak memory (KiB) of the command to `report`; nothing
    where it is missing (the peak is then os.wait4's, this benchmark's memory included)."""
    return ["/usr/bin/time", "-o", report, "-f", "%M"] if os.path.exists("/usr/bin/time") else []


def timed(command: list[str], *, exit_status: int = 0, output: str = "stdout") -> tuple[float, float, str]:
    """(wall seconds, peak MiB, standard output or, with output="stderr", standard error)
    of one run of `command`, which must end with `exit_status`."""
    sample, stdout, stderr = run_once(command, exit_status=exit_status)
    return sample["wall"], sample["peak_mib"], stderr if output == "stderr" else stdout


def samples_of(runs: list[dict]) -> dict[str, list[float]]:
    """The runs of one command, figure by figure: {"wall": [...], "cpu": [...], "peak_mib": [...]}."""
    return {figure: [run[figure] for run in runs] for figure in FIGURES}


def load_average() -> float:
    """The one-minute load average of the machine (0 where the system does not say)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def cores() -> int:
    return os.cpu_count() or 1


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            memory = f", {int(handle.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return (
        f"{platform.machine()}, {cores()} cores{memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def code_version(folder: Path) -> str:
    """The commit of the checkout holding `folder`, and whether it had changes not committed."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit}{' with changes not committed' if dirty else ''}"


def registry_command() -> list[str]:
    found = shutil.which("mbp-registry", path=str(Path(sys.executable).parent)) or shutil.which("mbp-registry")
    if not found:
        raise SystemExit("mbp-registry is not installed in this environment")
    return [found]


def command_line(description: str, out_help: str, *options: tuple[str, dict]) -> tuple[argparse.Namespace, Path]:
    """A benchmark's arguments (`options`, then --work and --out) and its work folder, made."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, settings in options:
        parser.add_argument(name, **settings)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "mbp-bench"), help="Where bundles are kept.")
    parser.add_argument("--out", help=out_help)
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    return args, work

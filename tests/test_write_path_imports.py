"""The commands that add one record load only what they use: none of Alembic, networkx,
Jinja2, matplotlib, openpyxl or the ORM (sqlalchemy.orm), each run as its own process
as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import load_demo

HEAVY = ("alembic", "networkx", "jinja2", "matplotlib", "openpyxl", "sqlalchemy.orm")
# Runs the command as the console script does, then says which heavy modules it loaded.
RUNNER = (
    "import json, sys\n"
    "from mbp_registry.cli.main import cli\n"
    "try:\n"
    "    cli(sys.argv[1:], prog_name='mbp-registry')\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    f"heavy = {HEAVY!r}\n"
    "print(json.dumps({'exit': code, 'loaded': [m for m in heavy if m in sys.modules]}))\n"
)

LOGS = {
    "supervision": ("supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", "2026-11-02",
                    "--minutes", "60", "--kind", "individual"),
    "cpd": ("cpd", "log", "--person", "T001", "--date", "2026-11-02", "--hours", "2", "--category", "reading"),
    "retreat": ("retreat", "log", "--person", "T001", "--start", "2026-11-02", "--days", "1"),
}


@pytest.mark.parametrize("command", sorted(LOGS))
def test_logging_one_record_loads_no_heavy_module(run, engine, db_url, command):
    load_demo(run, engine)
    env = {**os.environ, "MBP_REGISTRY_DB": db_url}
    done = subprocess.run([sys.executable, "-c", RUNNER, *LOGS[command]], env=env, capture_output=True, text=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exit"] in (0, None), done.stderr
    assert report["loaded"] == []

"""Building tiny services by hand for the succession and lineage tests.

A `Service` collects people, stages, training records and supervision links, writes
them as a bundle (see bundle.md) and imports it with `mbp-registry import`. Three
organisations are always present: ORG-N and ORG-N2 are both in the North region (so
that a test can show a rule is about regions, not organisations), ORG-S is in the
South and ORG-E in the East. Programmes MBCT and MBSR always exist.

Every date is well before today, so the import never refuses a date as future.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.helpers import write_csv

AS_OF = dt.date(2025, 6, 1)
LONG_AGO = "2010-01-01"

ORGANISATIONS = [
    ("ORG-N", "North Trust", "North"),
    ("ORG-N2", "North Clinic", "North"),
    ("ORG-S", "South Trust", "South"),
    ("ORG-E", "East Trust", "East"),
]
REGION_ORG = {"North": "ORG-N", "South": "ORG-S", "East": "ORG-E"}
PROGRAMMES = [("MBCT", "Mindfulness-Based Cognitive Therapy"), ("MBSR", "Mindfulness-Based Stress Reduction")]
CONTRACT_KEYS = ("as_of", "single_points_of_failure", "trainer_generations", "missing_generations", "no_successor", "leaving_soon")


def day(offset: int, base: dt.date = AS_OF) -> str:
    """The ISO date `offset` days after `base` (negative: before)."""
    return (base + dt.timedelta(days=offset)).isoformat()


class Service:
    def __init__(self) -> None:
        self.people: list[dict] = []
        self.stages: list[dict] = []
        self.training: list[dict] = []
        self.supervision: list[dict] = []
        self.nominations: list[dict] = []

    def person(
        self,
        ref: str,
        *,
        org: str = "ORG-N",
        status: str = "active",
        leaving: str = "",
        name: str | None = None,
    ) -> "Service":
        self.people.append(
            {
                "ref": ref,
                "name": name or f"Person {ref}",
                "organisation": org,
                "status": status,
                "planned_leaving_on": leaving,
            }
        )
        return self

    def stage(self, ref: str, stage: str, programme: str = "MBCT", on: str = LONG_AGO) -> "Service":
        self.stages.append({"person": ref, "programme": programme, "stage": stage, "attained_on": on})
        return self

    def trained(
        self, trainer: str, trainee: str, *, programme: str = "MBCT", stage: str = "trainer", on: str = "2018-01-01"
    ) -> "Service":
        self.training.append(
            {"trainer": trainer, "trainee": trainee, "programme": programme, "stage": stage, "trained_on": on}
        )
        return self

    def supervises(
        self,
        supervisor: str,
        supervisee: str,
        *,
        programme: str = "MBCT",
        started: str = "2020-01-01",
        ended: str = "",
    ) -> "Service":
        self.supervision.append(
            {
                "supervisor": supervisor,
                "supervisee": supervisee,
                "programme": programme,
                "started_on": started,
                "ended_on": ended,
            }
        )
        return self

    def nominate(
        self,
        ref: str,
        role: str,
        programme: str,
        region: str,
        readiness: str,
        *,
        emergency: bool = False,
        on: str = "2024-01-01",
    ) -> "Service":
        self.nominations.append(
            {
                "person": ref,
                "programme": programme,
                "region": region,
                "role": role,
                "readiness": readiness,
                "emergency": "true" if emergency else "false",
                "nominated_on": on,
            }
        )
        return self

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        write_csv(directory / "organisations.csv", ["code", "name", "region"], [dict(zip(("code", "name", "region"), o)) for o in ORGANISATIONS])
        write_csv(directory / "programmes.csv", ["code", "name"], [{"code": c, "name": n} for c, n in PROGRAMMES])
        people = [{**person, "left_on": self._left_on(person)} for person in self.people]
        write_csv(directory / "people.csv", ["ref", "name", "organisation", "status", "left_on", "planned_leaving_on"], people)
        write_csv(directory / "stages.csv", ["person", "programme", "stage", "attained_on"], self.stages)
        write_csv(directory / "training.csv", ["trainer", "trainee", "programme", "stage", "trained_on"], self.training)
        write_csv(
            directory / "supervision.csv",
            ["supervisor", "supervisee", "programme", "started_on", "ended_on"],
            self.supervision,
        )
        if self.nominations:
            write_csv(
                directory / "nominations.csv",
                ["person", "programme", "region", "role", "readiness", "emergency", "nominated_on"],
                self.nominations,
            )
        return directory

    def _left_on(self, person: dict) -> str:
        """For someone who has left (retired, left): the day of their last record, or LONG_AGO."""
        if person["status"] in ("active", "on_leave"):
            return ""
        ref = person["ref"]
        dated = [(row, "attained_on", ("person",)) for row in self.stages]
        dated += [(row, "trained_on", ("trainer", "trainee")) for row in self.training]
        dated += [(row, "started_on", ("supervisor", "supervisee")) for row in self.supervision]
        dated += [(row, "nominated_on", ("person",)) for row in self.nominations]
        days = [row[field] for row, field, who in dated if ref in (row[name] for name in who)]
        return max(days, default=LONG_AGO)

    def load(self, run, tmp_path: Path) -> None:
        """Import this service into the test database through `mbp-registry import`."""
        directory = self.write(tmp_path / "bundle")
        result = run("import", str(directory))
        assert result.exit_code == 0, result.output


def report_json(run, as_of: dt.date | str = AS_OF, *extra: str) -> dict:
    """The whole `succession report --format json` output, parsed."""
    as_of = as_of if isinstance(as_of, str) else as_of.isoformat()
    result = run("succession", "report", "--as-of", as_of, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def contract_report(run, as_of: dt.date | str = AS_OF) -> dict:
    """Only the keys of `succession report --format json` that the contract fixes."""
    data = report_json(run, as_of)
    return {key: data[key] for key in CONTRACT_KEYS}


def expected(
    as_of: dt.date | str = AS_OF,
    *,
    spof: list | None = None,
    generations: dict | None = None,
    missing: list | None = None,
    no_successor: list | None = None,
    leaving: list | None = None,
) -> dict:
    """The contract keys of a report, empty unless given."""
    return {
        "as_of": as_of if isinstance(as_of, str) else as_of.isoformat(),
        "single_points_of_failure": spof or [],
        "trainer_generations": generations or {},
        "missing_generations": missing or [],
        "no_successor": no_successor or [],
        "leaving_soon": leaving or [],
    }


def supervision_spof(person: str, affected: list[str], *, programme: str = "MBCT", region: str) -> dict:
    return {"kind": "supervision", "person": person, "programme": programme, "region": region, "affected": affected}


def training_spof(person: str, affected: list[str], *, programme: str = "MBCT", region: str) -> dict:
    return {"kind": "training", "person": person, "programme": programme, "region": region, "affected": affected}


def gaps(programme: str, *generations: int) -> list[dict]:
    return [{"programme": programme, "generation": g} for g in generations]

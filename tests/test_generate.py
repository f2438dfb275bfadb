"""The generated sample services: valid bundles, deterministic, exported byte for byte,
and with the mix of a real service (checked here with plain Python over the CSV files,
not with the registry's own code)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from mbp_registry.cli.fixtures_cmd import fixtures
from mbp_registry.fixtures.generate import generate_bundle
from mbp_registry.registry import recordtypes as rt

TODAY = dt.date.today()
FILES = [record_type.file for record_type in rt.ALL]
RANK = {"trainee": 1, "teacher": 2, "supervisor": 3, "trainer": 4, "trainer_of_trainers": 5}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("generated") / "seed1"
    written = generate_bundle(directory, people=300, seed=1, today=TODAY)
    assert sorted(written) == sorted(FILES)
    assert written["people.csv"] == 300
    return directory


def read(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_file_has_the_columns_of_its_record_type(bundle):
    for record_type in rt.ALL:
        with open(bundle / record_type.file, encoding="utf-8") as handle:
            assert handle.readline() == ",".join(record_type.columns) + "\n"


def test_same_seed_gives_the_same_bundle_and_another_seed_another(bundle, tmp_path):
    generate_bundle(tmp_path / "again", people=300, seed=1, today=TODAY)
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (bundle / name).read_bytes(), name
    generate_bundle(tmp_path / "other", people=300, seed=2, today=TODAY)
    assert any((tmp_path / "other" / name).read_bytes() != (bundle / name).read_bytes() for name in FILES)


def test_imports_cleanly_and_exports_byte_for_byte(bundle, run, tmp_path):
    result = run("import", str(bundle))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no rule broken, no warning (every session counts)
    exported = tmp_path / "exported"
    result = run("export", str(exported))
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert (exported / name).read_bytes() == (bundle / name).read_bytes(), name


def test_nothing_is_dated_after_today(bundle):
    today = TODAY.isoformat()
    dated = {
        "people.csv": ("joined_on", "left_on"),
        "stages.csv": ("attained_on",),
        "training.csv": ("trained_on",),
        "supervision.csv": ("started_on", "ended_on"),
        "sessions.csv": ("held_on",),
        "cpd.csv": ("date",),
        "retreats.csv": ("start_on",),
        "courses.csv": ("start_on",),
        "nominations.csv": ("nominated_on",),
        "assessments.csv": ("on",),
    }
    for name, columns in dated.items():
        for row in read(bundle, name):
            assert all(row[c] <= today for c in columns), (name, row)


class Service:
    """The bundle's facts as of today, by the contract's definitions."""

    def __init__(self, directory: Path):
        self.as_of = TODAY.isoformat()
        self.window_start = (TODAY - dt.timedelta(days=365)).isoformat()  # exclusive
        region_of_org = {row["code"]: row["region"] for row in read(directory, "organisations.csv")}
        people = read(directory, "people.csv")
        self.region = {row["ref"]: region_of_org[row["organisation"]] for row in people}
        self.active = {row["ref"] for row in people if row["status"] == "active"}
        self.rank: dict[tuple[str, str], int] = defaultdict(int)
        for row in read(directory, "stages.csv"):
            if row["attained_on"] <= self.as_of:
                key = (row["person"], row["programme"])
                self.rank[key] = max(self.rank[key], RANK[row["stage"]])
        self.directory = directory

    def in_window(self, day: str) -> bool:
        return self.window_start < day <= self.as_of

    def compliance(self) -> dict[str, list[str]]:
        """Shortfalls of each assessed person."""
        assessed = sorted({p for (p, _), r in self.rank.items() if r >= 2 and p in self.active})
        cpd, retreat, sessions = defaultdict(float), defaultdict(float), defaultdict(int)
        teaching = set()
        for row in read(self.directory, "cpd.csv"):
            if self.in_window(row["date"]):
                cpd[row["person"]] += float(row["hours"])
        for row in read(self.directory, "retreats.csv"):
            if self.in_window(row["start_on"]):
                retreat[row["person"]] += float(row["days"])
        for row in read(self.directory, "courses.csv"):
            if self.in_window(row["start_on"]):
                teaching.add(row["lead"])
                teaching.update(ref for ref in row["co_teachers"].split(";") if ref)
        for row in read(self.directory, "sessions.csv"):
            if row["kind"] in ("individual", "group") and self.in_window(row["held_on"]):
                sessions[row["supervisee"]] += 1
        result = {}
        for person in assessed:
            shortfalls = []
            if cpd[person] < 30:
                shortfalls.append("cpd")
            if retreat[person] < 5:
                shortfalls.append("retreat")
            if sessions[person] < (12 if person in teaching else 1):
                shortfalls.append("supervision")
            result[person] = shortfalls
        return result

    def supervision_single_points(self) -> set[tuple[str, str]]:
        current = [
            row
            for row in read(self.directory, "supervision.csv")
            if row["started_on"] <= self.as_of and (row["ended_on"] == "" or row["ended_on"] > self.as_of)
        ]
        supervisors_of = defaultdict(set)
        for row in current:
            if row["supervisor"] in self.active:
                supervisors_of[(row["supervisee"], row["programme"])].add(row["supervisor"])
        found = set()
        for row in current:
            s, x, programme = row["supervisor"], row["supervisee"], row["programme"]
            if s not in self.active or x not in self.active or supervisors_of[(x, programme)] != {s}:
                continue
            others = [
                p
                for p in self.active
                if p not in (s, x) and self.region[p] == self.region[x] and self.rank[(p, programme)] >= 3
            ]
            if not others:
                found.add((s, programme))
        return found

    def training_single_points(self) -> set[tuple[str, str, str]]:
        by_post = defaultdict(lambda: ([], []))
        for (person, programme), rank in self.rank.items():
            if person in self.active and rank >= 1:
                trainers, others = by_post[(self.region[person], programme)]
                (trainers if rank >= 4 else others).append(person)
        return {
            (region, programme, trainers[0])
            for (region, programme), (trainers, others) in by_post.items()
            if len(trainers) == 1 and others
        }

    def generations(self) -> dict[str, dict[str, int]]:
        """The generation of every trainer (active or not) of each programme."""
        trainers = defaultdict(set)
        for (person, programme), rank in self.rank.items():
            if rank >= 4:
                trainers[programme].add(person)
        trained_by = defaultdict(lambda: defaultdict(set))
        for row in read(self.directory, "training.csv"):
            programme = row["programme"]
            if (
                row["stage"] in ("trainer", "trainer_of_trainers")
                and row["trained_on"] <= self.as_of
                and row["trainer"] in trainers[programme]
                and row["trainee"] in trainers[programme]
            ):
                trained_by[programme][row["trainee"]].add(row["trainer"])
        result = {}
        for programme, people in trainers.items():
            generation = {p: 1 for p in people if not trained_by[programme][p]}
            while len(generation) < len(people):
                for p in people:
                    known = [generation[t] for t in trained_by[programme][p] if t in generation]
                    if p not in generation and len(known) == len(trained_by[programme][p]):
                        generation[p] = 1 + min(known)
            result[programme] = generation
        return result


def test_the_service_has_the_mix_of_a_real_one(bundle):
    service = Service(bundle)
    shortfalls = service.compliance()
    compliant = [p for p, s in shortfalls.items() if not s]
    assert len(shortfalls) > 150
    assert 0.5 * len(shortfalls) < len(compliant) < 0.9 * len(shortfalls)
    for kind in ("cpd", "retreat", "supervision"):
        assert any(kind in s for s in shortfalls.values()), kind

    assert service.supervision_single_points()
    assert service.training_single_points()

    generations = service.generations()
    deepest = {
        programme: max((g for p, g in gens.items() if p in service.active), default=0)
        for programme, gens in generations.items()
    }
    assert deepest["MBCT"] >= 3
    assert deepest["MBSR"] == 2  # a programme missing its third generation


def test_the_fixtures_command_writes_a_bundle(tmp_path):
    result = CliRunner().invoke(fixtures, ["generate", str(tmp_path / "small"), "--people", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    total = sum(len(read(tmp_path / "small", name)) for name in FILES)
    assert result.output == f"Wrote {total} rows to {tmp_path / 'small'}/ (14 files) for 40 people.\n"
    assert "Example:" in fixtures.help

"""Lineage writes under concurrency: two writers recording opposite training at once.

`A trains B` and `B trains A`, each checked against a lineage read before the other
commits, would both pass the acyclic rule and store a loop. Every path that writes
training records (add, amend, audit restore, import) holds its programme's lineage from
before it reads the lineage to the end of its transaction (on PostgreSQL an advisory
lock per programme; on SQLite the write lock every write transaction takes at its
start). Each race below runs two threads with their own connections; a hook holds the
first writer for a moment just after it has read the lineage, so that without the lock
the second writer would read the same lineage and both would be stored.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from mbp_registry.registry import corrections, records
from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.bundle import checks
from mbp_registry.registry.bundle.importer import import_bundle
from mbp_registry.registry.errors import RegistryError
from mbp_registry.registry.queries import training_edges
from mbp_registry.registry.session import writing
from mbp_registry.registry.validate import lineage_cycle
from tests.helpers import write_csv
from tests.succession_helpers import Service

ROUNDS = 20
# How long the first writer waits, after reading the lineage, for the second to read it too.
HOLD = 0.25
PAIRS = [(f"A{i}", f"B{i}") for i in range(ROUNDS)]


@pytest.fixture
def trainers(run, tmp_path):
    """Pairs (Ai, Bi) of MBCT trainers, and Ci, whom Ai trained by mistake for Bi in the
    amend race."""
    service = Service()
    for i, (a, b) in enumerate(PAIRS):
        service.person(a).stage(a, "trainer", on="2010-01-01").person(b).stage(b, "trainer", on="2010-01-01")
        service.person(f"C{i}")
    service.load(run, tmp_path)


class Hold:
    """Wraps `registry_lineage` where `module` calls it: the first caller of each round
    waits (at most HOLD seconds) for a second caller to have read the lineage too."""

    def __init__(self, monkeypatch, module):
        self.original = checks.registry_lineage
        self.barrier = threading.Barrier(2)
        monkeypatch.setattr(module, "registry_lineage", self.read)

    def read(self, *args, **kwargs):
        edges = self.original(*args, **kwargs)
        try:
            self.barrier.wait(timeout=HOLD)
        except threading.BrokenBarrierError:
            pass
        return edges

    def reset(self) -> None:
        self.barrier = threading.Barrier(2)


def _race(*writers) -> list[str]:
    """Run the writers in threads at once; what each answered ("ok" or its error)."""
    answers = [""] * len(writers)
    start = threading.Barrier(len(writers))

    def work(index: int, writer) -> None:
        start.wait(timeout=10)
        try:
            writer()
            answers[index] = "ok"
        except RegistryError as error:
            answers[index] = str(error)

    threads = [threading.Thread(target=work, args=(i, writer)) for i, writer in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return answers


def _training(trainer: str, trainee: str, stage: str = "trainer_of_trainers") -> dict:
    return {"trainer": trainer, "trainee": trainee, "programme": "MBCT", "stage": stage, "trained_on": "2020-01-01"}


def _add(engine, trainer: str, trainee: str):
    def write() -> None:
        with writing(engine) as session:
            records.add_record(session, rt.TRAINING, _training(trainer, trainee), actor="tester")

    return write


def _stored_cycle(engine) -> list[str] | None:
    with engine.connect() as connection:
        edges = [(row.trainer, row.trainee) for row in connection.execute(training_edges(programme="MBCT"))]
    return lineage_cycle(edges)


def _one_stored_one_refused(answers: list[str], pair: tuple[str, str]) -> None:
    """One writer stored its record; the other was refused, naming the loop it would close."""
    assert answers.count("ok") == 1, answers
    (refused,) = [answer for answer in answers if answer != "ok"]
    a, b = pair
    assert refused in (
        f"trainee: the lineage of MBCT would have a cycle: {a} -> {b} -> {a}",
        f"trainee: the lineage of MBCT would have a cycle: {b} -> {a} -> {b}",
    ), answers


def test_opposite_training_added_at_once_never_stores_a_loop(engine, trainers, monkeypatch):
    hold = Hold(monkeypatch, records)
    began = time.monotonic()
    for a, b in PAIRS:
        hold.reset()
        answers = _race(_add(engine, a, b), _add(engine, b, a))
        _one_stored_one_refused(answers, (a, b))
        assert _stored_cycle(engine) is None
    assert time.monotonic() - began < 20


def test_an_amendment_and_an_addition_at_once_never_store_a_loop(engine, trainers, monkeypatch):
    """Amending A -> C into A -> B races B -> A being added."""
    hold = Hold(monkeypatch, records)
    for i, (a, b) in enumerate(PAIRS[:5]):
        with writing(engine) as session:
            records.add_record(session, rt.TRAINING, _training(a, f"C{i}"), actor="tester")
        with engine.connect() as connection:
            (record_id,) = connection.execute(text("SELECT max(id) FROM training")).one()
        hold.reset()

        def amend(record_id=record_id, b=b) -> None:
            with writing(engine) as session:
                corrections.amend(session, "training", str(record_id), {"trainee": b}, reason="wrong trainee", actor="tester")

        answers = _race(amend, _add(engine, b, a))
        _one_stored_one_refused(answers, (a, b))
        assert _stored_cycle(engine) is None


def test_an_import_and_an_addition_at_once_never_store_a_loop(engine, trainers, monkeypatch, tmp_path):
    """A bundle holding A -> B races B -> A being added."""
    hold = Hold(monkeypatch, checks)
    monkeypatch.setattr(records, "registry_lineage", hold.read)
    for a, b in PAIRS[:5]:
        bundle = tmp_path / f"bundle-{a}"
        bundle.mkdir()
        write_csv(bundle / "training.csv", ["trainer", "trainee", "programme", "stage", "trained_on"], [_training(a, b)])
        hold.reset()

        def load(bundle=bundle) -> None:
            with writing(engine) as session:
                import_bundle(session, bundle, actor="tester")

        answers = _race(load, _add(engine, b, a))
        assert answers.count("ok") == 1, answers
        assert answers[0] in ("ok", "the bundle has 1 error(s); nothing was imported"), answers
        assert _stored_cycle(engine) is None


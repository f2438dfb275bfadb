"""Property tests: the single-point-of-failure rules against brute force written from
the contract's text, on random small services given directly as a Snapshot."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from mbp_registry.registry.succession import Person, Snapshot, analyse, supervision_risks, training_risks
from mbp_registry.registry.vocab import STAGE_RANK, STATUSES

PROGRAMMES = ("MBCT", "MBSR")
REGIONS = ("North", "South", "East")
# Weighted so that most people are active and most are below supervisor: risks are common.
STATUS_CHOICES = ("active",) * 4 + STATUSES[1:]
RANK_CHOICES = (0, 0, 1, 2, 2, 2, 3, 4, 5)
# For lineages: mostly trainers, so that generations 2 and 3 are common.
TRAINER_HEAVY = (0, 2, 4, 4, 4, 5)
SUPERVISOR = STAGE_RANK["supervisor"]
TRAINER = STAGE_RANK["trainer"]


@st.composite
def snapshots(draw, ranks=RANK_CHOICES) -> Snapshot:
    refs = [f"P{i}" for i in range(draw(st.integers(1, 7)))]
    people = {
        ref: Person(ref, f"Name {ref}", draw(st.sampled_from(STATUS_CHOICES)), draw(st.sampled_from(REGIONS)), None)
        for ref in refs
    }
    stages = {}
    for ref in refs:
        for programme in PROGRAMMES:
            rank = draw(st.sampled_from(ranks))  # 0: no stage in this programme
            if rank:
                stages[(ref, programme)] = rank
    links = []
    if len(refs) > 1:
        links = draw(
            st.lists(
                st.tuples(st.sampled_from(refs), st.sampled_from(refs), st.sampled_from(PROGRAMMES)).filter(
                    lambda link: link[0] != link[1]
                ),
                max_size=12,
            )
        )
    return Snapshot(dt.date(2025, 6, 1), people, stages, links, [])


def brute_supervision_risks(s: Snapshot) -> list[dict]:
    """Straight from the contract: an active S and a programme P such that some active X
    is stranded by S (S supervises X in P; X has no other link in P with an active
    supervisor; no active person other than S and X in region(X) has stage supervisor or
    higher in P). `affected` = the stranded, sorted; region = region(S)."""

    def active(ref):
        return s.people[ref].status == "active"

    def region(ref):
        return s.people[ref].region

    def stage(ref, programme):
        return s.stages.get((ref, programme), 0)

    refs = sorted(s.people)
    risks = []
    for supervisor in refs:
        if not active(supervisor):
            continue
        for programme in PROGRAMMES:
            stranded = []
            for x in refs:
                if not active(x) or (supervisor, x, programme) not in s.links:
                    continue
                other_link = any(
                    (other, x, programme) in s.links and other != supervisor and active(other) for other in refs
                )
                someone_else = any(
                    y not in (supervisor, x) and active(y) and region(y) == region(x) and stage(y, programme) >= SUPERVISOR
                    for y in refs
                )
                if not other_link and not someone_else:
                    stranded.append(x)
            if stranded:
                risks.append(
                    {
                        "kind": "supervision",
                        "person": supervisor,
                        "programme": programme,
                        "region": region(supervisor),
                        "affected": sorted(stranded),
                    }
                )
    return sorted(risks, key=lambda r: (r["kind"], r["programme"], r["person"]))


def brute_training_risks(s: Snapshot) -> list[dict]:
    """A region R and programme P with exactly one active person T in R of stage trainer
    or higher in P, and at least one other active person in R with a stage in P."""
    risks = []
    for region in REGIONS:
        for programme in PROGRAMMES:
            here = [
                ref
                for ref, person in sorted(s.people.items())
                if person.status == "active" and person.region == region and s.stages.get((ref, programme), 0) > 0
            ]
            trainers = [ref for ref in here if s.stages[(ref, programme)] >= TRAINER]
            others = [ref for ref in here if ref not in trainers]
            if len(trainers) == 1 and others:
                risks.append(
                    {"kind": "training", "person": trainers[0], "programme": programme, "region": region, "affected": others}
                )
    return sorted(risks, key=lambda r: (r["kind"], r["programme"], r["person"]))


@settings(max_examples=200, deadline=None)
@given(snapshots())
def test_supervision_risks_match_the_contract_by_brute_force(snapshot):
    assert supervision_risks(snapshot) == brute_supervision_risks(snapshot)


@settings(max_examples=200, deadline=None)
@given(snapshots())
def test_training_risks_match_the_contract_by_brute_force(snapshot):
    assert training_risks(snapshot) == brute_training_risks(snapshot)


@st.composite
def lineages(draw) -> Snapshot:
    """A snapshot with random training records towards trainer stages. Records only go
    forward in a random order of the people, so a programme's lineage has no cycle (as
    the registry guarantees) and the order is not that of the refs."""
    snapshot = draw(snapshots(TRAINER_HEAVY))
    refs = draw(st.permutations(sorted(snapshot.people)))
    pairs = [(a, b) for i, a in enumerate(refs) for b in refs[i + 1 :]]
    training = []
    if pairs:
        training = draw(st.lists(st.tuples(st.sampled_from(pairs), st.sampled_from(PROGRAMMES)), min_size=1, max_size=12))
    snapshot.training = [(a, b, programme) for (a, b), programme in training]
    return snapshot


def brute_generations(s: Snapshot) -> dict:
    """trainer_generations, missing_generations and no_successor from the contract's text."""

    def trainer(ref, programme):
        return s.stages.get((ref, programme), 0) >= TRAINER

    def active(ref):
        return s.people[ref].status == "active"

    def edges(programme):
        return {(t, x) for t, x, p in s.training if p == programme and trainer(t, programme) and trainer(x, programme)}

    def generation(ref, programme):
        trainers = [t for t, x in edges(programme) if x == ref]
        return 1 + min((generation(t, programme) for t in trainers), default=0)

    generations, missing, no_successor = {}, [], []
    for programme in PROGRAMMES:
        active_trainers = sorted(ref for ref in s.people if trainer(ref, programme) and active(ref))
        if not active_trainers:
            continue
        generations[programme] = {ref: generation(ref, programme) for ref in active_trainers}
        for g in (2, 3):
            if not any(generation(ref, programme) >= g for ref in active_trainers):
                missing.append({"programme": programme, "generation": g})
        for ref in active_trainers:
            if not any(t == ref and active(x) and trainer(x, programme) for t, x in edges(programme)):
                no_successor.append({"person": ref, "programme": programme})
    return {"trainer_generations": generations, "missing_generations": missing, "no_successor": no_successor}


@settings(max_examples=200, deadline=None)
@given(lineages())
def test_trainer_generations_match_the_contract_by_brute_force(snapshot):
    report = analyse(snapshot)
    assert {key: report[key] for key in ("trainer_generations", "missing_generations", "no_successor")} == brute_generations(
        snapshot
    )

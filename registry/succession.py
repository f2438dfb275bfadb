"""Succession: single points of failure, trainer generations, successors, what-if.

A `Snapshot` is read from the database in five queries (people, highest stages, current
supervision links, lineage training records, nominations), all as of one date. The
analysis works on the snapshot alone, so a what-if is the same analysis on a snapshot
in which some people have left.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models
from .errors import NotFound
from .lineage_guard import refuse_stored_loop
from .queries import highest_stages
from .succession_reads import current_links, nominations, trainer_training
from .vocab import POST_ROLES, READY_NOW_STAGE, STAGE_RANK

SUPERVISOR = STAGE_RANK["supervisor"]
TRAINER = STAGE_RANK["trainer"]
LEAVING_SOON_DAYS = 548  # 18 months


@dataclass(frozen=True)
class Person:
    ref: str
    name: str
    status: str
    region: str
    planned_leaving_on: dt.date | None


@dataclass
class Snapshot:
    as_of: dt.date
    people: dict[str, Person]
    # Highest stage rank of each person in each programme on the as-of date.
    stages: dict[tuple[str, str], int]
    # Current supervision links: (supervisor, supervisee, programme).
    links: list[tuple[str, str, str]]
    # Lineage training records: (trainer, trainee, programme), towards trainer stages.
    training: list[tuple[str, str, str]]
    nominations: list[dict] = field(default_factory=list)
    max_supervisees: int = 0

    def active(self, ref: str) -> bool:
        person = self.people.get(ref)
        return person is not None and person.status == "active"

    def stage(self, ref: str, programme: str) -> int:
        return self.stages.get((ref, programme), 0)

    def without(self, refs: list[str]) -> "Snapshot":
        """The same service as if these people had left."""
        people = dict(self.people)
        for ref in refs:
            people[ref] = replace(people[ref], status="left")
        return replace(self, people=people)

    @property
    def programmes(self) -> list[str]:
        return sorted({programme for _, programme in self.stages})


def load_snapshot(session: Session, as_of: dt.date, *, max_supervisees: int = 0) -> Snapshot:
    """The service as of one date, read in five queries (Damaged when the lineage has a loop)."""
    refuse_stored_loop(session)
    return Snapshot(
        as_of, _people(session), _highest_stages(session, as_of), current_links(session, as_of),
        trainer_training(session, as_of), nominations(session, as_of), max_supervisees,
    )


def _people(session: Session) -> dict[str, Person]:
    person, org = models.Person, models.Organisation
    query = select(person.ref, person.name, person.status, org.region, person.planned_leaving_on).join(
        org, org.id == person.organisation_id
    )
    return {ref: Person(ref, *rest) for ref, *rest in session.execute(query)}


def _highest_stages(session: Session, as_of: dt.date) -> dict[tuple[str, str], int]:
    highest = highest_stages(as_of)
    query = (
        select(models.Person.ref, models.Programme.code, highest.c.rank)
        .join(models.Person, models.Person.id == highest.c.person_id)
        .join(models.Programme, models.Programme.id == highest.c.programme_id)
    )
    return {(ref, code): rank for ref, code, rank in session.execute(query)}


# ---------------------------------------------------------------- analysis


def analyse(snapshot: Snapshot) -> dict:
    """The succession report as plain data (the contract's keys, then the project's own)."""
    generations, edges = trainer_lineage(snapshot)
    return {
        "as_of": snapshot.as_of,
        "single_points_of_failure": single_points_of_failure(snapshot),
        "trainer_generations": active_generations(snapshot, generations),
        "missing_generations": missing_generations(snapshot, generations),
        "no_successor": no_successor(snapshot, edges),
        "leaving_soon": leaving_soon(snapshot),
        "unsupervised": unsupervised(snapshot),
        "posts": posts(snapshot),
        "caseload": caseload(snapshot),
    }


def single_points_of_failure(s: Snapshot) -> list[dict]:
    """Supervision risks, then training risks."""
    return supervision_risks(s) + training_risks(s)


def supervision_risks(s: Snapshot) -> list[dict]:
    able: dict[tuple[str, str], set[str]] = defaultdict(set)  # (region, programme) -> active supervisors+
    for (ref, programme), rank in s.stages.items():
        if rank >= SUPERVISOR and s.active(ref):
            able[(s.people[ref].region, programme)].add(ref)
    supervisors_of: dict[tuple[str, str], set[str]] = defaultdict(set)  # (supervisee, programme)
    for supervisor, supervisee, programme in s.links:
        if s.active(supervisor):
            supervisors_of[(supervisee, programme)].add(supervisor)
    stranded: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (supervisee, programme), supervisors in supervisors_of.items():
        if len(supervisors) != 1 or not s.active(supervisee):
            continue
        (only,) = supervisors
        others = able[(s.people[supervisee].region, programme)] - {only, supervisee}
        if not others:
            stranded[(only, programme)].add(supervisee)
    return sorted(
        (
            {
                "kind": "supervision",
                "person": supervisor,
                "programme": programme,
                "region": s.people[supervisor].region,
                "affected": sorted(people),
            }
            for (supervisor, programme), people in stranded.items()
        ),
        key=lambda r: (r["programme"], r["person"]),
    )


def training_risks(s: Snapshot) -> list[dict]:
    trainers: dict[tuple[str, str], set[str]] = defaultdict(set)
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (ref, programme), rank in s.stages.items():
        if not s.active(ref):
            continue
        key = (s.people[ref].region, programme)
        members[key].add(ref)
        if rank >= TRAINER:
            trainers[key].add(ref)
    risks = []
    for (region, programme), held_by in trainers.items():
        others = members[(region, programme)] - held_by
        if len(held_by) == 1 and others:
            (only,) = held_by
            risks.append(
                {"kind": "training", "person": only, "programme": programme, "region": region, "affected": sorted(others)}
            )
    return sorted(risks, key=lambda r: (r["programme"], r["person"]))


def trainer_lineage(s: Snapshot):
    """Generations of every trainer (active or not) per programme, and the lineage edges."""
    import networkx as nx

    generations: dict[str, dict[str, int]] = {}
    edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for trainer, trainee, programme in s.training:
        if s.stage(trainer, programme) >= TRAINER and s.stage(trainee, programme) >= TRAINER:
            edges[programme].add((trainer, trainee))
    for programme in s.programmes:
        graph = nx.DiGraph()
        graph.add_nodes_from(ref for (ref, p), rank in s.stages.items() if p == programme and rank >= TRAINER)
        graph.add_edges_from(edges[programme])
        generation: dict[str, int] = {}
        for ref in nx.topological_sort(graph):
            trainers = list(graph.predecessors(ref))
            generation[ref] = 1 + min((generation[t] for t in trainers), default=0)
        generations[programme] = generation
    return generations, edges


def _active_trainers(s: Snapshot, programme: str) -> list[str]:
    return sorted(
        ref for (ref, p), rank in s.stages.items() if p == programme and rank >= TRAINER and s.active(ref)
    )


def active_generations(s: Snapshot, generations) -> dict[str, dict[str, int]]:
    result = {}
    for programme in s.programmes:
        active = _active_trainers(s, programme)
        if active:
            result[programme] = {ref: generations[programme][ref] for ref in active}
    return result


def missing_generations(s: Snapshot, generations) -> list[dict]:
    missing = []
    for programme in s.programmes:
        active = _active_trainers(s, programme)
        if not active:
            continue
        deepest = max(generations[programme][ref] for ref in active)
        missing += [{"programme": programme, "generation": g} for g in (2, 3) if deepest < g]
    return missing


def no_successor(s: Snapshot, edges) -> list[dict]:
    result = []
    for programme in s.programmes:
        for ref in _active_trainers(s, programme):
            trained = {x for t, x in edges[programme] if t == ref and s.active(x)}
            if not trained:
                result.append({"person": ref, "programme": programme})
    return result


def leaving_soon(s: Snapshot) -> list[dict]:
    limit = s.as_of + dt.timedelta(days=LEAVING_SOON_DAYS)
    senior = {ref for (ref, _), rank in s.stages.items() if rank >= SUPERVISOR}
    rows = [
        {"person": ref, "planned_leaving_on": person.planned_leaving_on}
        for ref, person in s.people.items()
        if ref in senior
        and person.status == "active"
        and person.planned_leaving_on is not None
        and s.as_of < person.planned_leaving_on <= limit
    ]
    return sorted(rows, key=lambda r: (r["planned_leaving_on"], r["person"]))


def unsupervised(s: Snapshot) -> list[dict]:
    """Active people whose every current supervision link in a programme is with someone not active."""
    linked: dict[tuple[str, str], list[str]] = defaultdict(list)
    for supervisor, supervisee, programme in s.links:
        linked[(supervisee, programme)].append(supervisor)
    rows = [
        {"person": supervisee, "programme": programme, "region": s.people[supervisee].region}
        for (supervisee, programme), supervisors in linked.items()
        if s.active(supervisee) and not any(s.active(x) for x in supervisors)
    ]
    return sorted(rows, key=lambda r: (r["programme"], r["person"]))


def posts(s: Snapshot) -> list[dict]:
    """Each key post (role, programme, region): holders, nominated successors, bench strength.
    A nomination `not_counted` (see _successor) is neither ready now nor the emergency one."""
    holders: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (ref, programme), rank in sorted(s.stages.items()):
        if s.active(ref):
            for role in (role for role in POST_ROLES if rank >= STAGE_RANK[role]):
                holders[(role, programme, s.people[ref].region)].append(ref)
    nominated: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for nomination in s.nominations:
        if s.active(nomination["person"]):
            nominated[(nomination["role"], nomination["programme"], nomination["region"])].append(nomination)
    rows = []
    for post in sorted(set(holders) | set(nominated), key=lambda k: (k[1], k[2], POST_ROLES.index(k[0]))):
        held = holders.get(post, [])
        successors = [_successor(s, nomination, held) for nomination in nominated.get(post, [])]
        counted = [c for c in successors if "not_counted" not in c]
        ready = [c["person"] for c in counted if c["readiness"] == "ready_now"]
        rows.append(
            {
                **dict(zip(("role", "programme", "region"), post)),
                "holders": held,
                "successors": successors,
                "ready_now": len(ready),
                "emergency": sorted(c["person"] for c in counted if c["emergency"]),
                "at_risk": len(held) == 1 and not ready,
            }
        )
    return rows


def _successor(s: Snapshot, nomination: dict, holders: list[str]) -> dict:
    """A nomination as the post lists it; with `not_counted` when it is no successor on the
    as-of date: `holds_post` (the candidate holds the post already), `below_stage` (a
    `ready_now` candidate without the stage vocab.READY_NOW_STAGE names for the role) or,
    for a supervisor post, `below_proficient` (a `ready_now` candidate whose latest MBI:TAC
    assessment is below proficient in some domain: those domains are given)."""
    ref, needed = nomination["person"], STAGE_RANK[READY_NOW_STAGE[nomination["role"]]]
    successor = {key: nomination[key] for key in ("person", "readiness", "emergency")}
    if ref in holders:
        return {**successor, "not_counted": "holds_post"}
    if nomination["readiness"] == "ready_now" and s.stage(ref, nomination["programme"]) < needed:
        return {**successor, "not_counted": "below_stage"}
    if nomination["readiness"] == "ready_now" and nomination["role"] == "supervisor" and nomination.get("below"):
        return {**successor, "not_counted": "below_proficient", "domains": nomination["below"]}
    return successor


def caseload(s: Snapshot) -> list[dict]:
    """Each active supervisor's current active supervisees per programme, flagged over the cap."""
    counts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for supervisor, supervisee, programme in s.links:
        if s.active(supervisor) and s.active(supervisee):
            counts[(supervisor, programme)].add(supervisee)
    cap = s.max_supervisees
    return [
        {
            "supervisor": supervisor,
            "programme": programme,
            "region": s.people[supervisor].region,
            "supervisees": len(people),
            "over_cap": bool(cap) and len(people) > cap,
        }
        for (supervisor, programme), people in sorted(counts.items())
    ]


# ---------------------------------------------------------------- commands' entry points


def succession_report(session: Session, *, as_of: dt.date, max_supervisees: int = 0) -> dict:
    """The succession report as of a date (see analyse); `max_supervisees` caps caseloads (0: no cap)."""
    return analyse(load_snapshot(session, as_of, max_supervisees=max_supervisees))


CONTRACT_KEYS = ("single_points_of_failure", "missing_generations", "no_successor", "leaving_soon", "unsupervised")


def what_if(session: Session, *, without: list[str], as_of: dt.date, max_supervisees: int = 0) -> dict:
    """The report as if `without` left on the as-of date, with the risks that would be new."""
    without = sorted(set(without))
    snapshot = load_snapshot(session, as_of, max_supervisees=max_supervisees)
    unknown = [ref for ref in without if ref not in snapshot.people]
    if unknown:
        raise NotFound(f"without: no person {unknown[0]!r} in the registry")
    left = snapshot.without(without)
    before, after = analyse(snapshot), analyse(left)
    new = {key: [item for item in after[key] if item not in before[key]] for key in CONTRACT_KEYS}
    lost_trainer = []
    for programme in snapshot.programmes:
        had = {snapshot.people[ref].region for ref in _active_trainers(snapshot, programme)}
        still = {left.people[ref].region for ref in _active_trainers(left, programme)}
        lost_trainer += [{"programme": programme, "region": region} for region in sorted(had - still)]
    return {
        "as_of": as_of,
        "without": sorted(without),
        "new_risks": {**new, "regions_without_trainer": lost_trainer},
        "report": after,
    }


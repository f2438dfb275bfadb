"""Records that only a change made around the registry (by hand, with SQLite's foreign
keys off, or by writers racing before the lineage was held) can leave, for `db check`:

- references to a person, organisation, programme or course that no longer exists;
- a loop in a programme's lineage (named once, on its training records);
- an email held by two people, ignoring case (the unique constraint tells case apart).

Each is (record type, row with its id and, for people and courses, ref or code, message),
as rule_breaks.py lists them.
"""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import Connection, exists, select, tuple_

from . import models
from . import recordtypes as rt
from .bundle.checks import email_held_by_another, registry_emails
from .bundle.tables import REFERENCED, TABLES, column_for, stored_fields
from .lineage_guard import registry_lineage, stored_loops
from .validate import email_taken, lineage_loop, orphaned_reference

Found = Iterator[tuple[rt.RecordType, dict, str]]
# Record types named by their ref or code rather than their id.
KEYED = (rt.PERSON, rt.ORGANISATION, rt.PROGRAMME, rt.COURSE)


def orphans(db: Connection) -> Found:
    """Records with a reference to a record that is not there (co-teachers included)."""
    for record_type in rt.ALL:
        table = TABLES[record_type.name]
        key = [table.c[record_type.key_columns[0]]] if record_type in KEYED else []
        for spec in stored_fields(record_type):
            if not spec.refers_to:
                continue
            target = REFERENCED[spec.refers_to][0]
            column = table.c[column_for(spec)]
            query = select(table.c.id, *key, column).where(column.is_not(None), ~exists().where(target.c.id == column))
            for row in db.execute(query.order_by(table.c.id)).mappings():
                yield record_type, dict(row), orphaned_reference(spec.name, spec.refers_to, row[column.name])
    yield from _orphaned_co_teachers(db)


def _orphaned_co_teachers(db: Connection) -> Found:
    co, courses, people = models.CourseCoTeacher.__table__, models.Course.__table__, models.Person.__table__
    query = (
        select(co.c.course_id, courses.c.code, co.c.person_id)
        .select_from(co.outerjoin(courses, courses.c.id == co.c.course_id))
        .where(~exists().where(people.c.id == co.c.person_id))
        .order_by(co.c.course_id, co.c.person_id)
    )
    for course_id, code, person_id in db.execute(query):
        yield rt.COURSE, {"id": course_id, "code": code or course_id}, orphaned_reference("co_teachers", "person", person_id)
    gone = select(co.c.course_id).where(~exists().where(courses.c.id == co.c.course_id)).distinct()
    for (course_id,) in db.execute(gone.order_by(co.c.course_id)):
        yield rt.COURSE, {"id": course_id, "code": course_id}, orphaned_reference("co_teachers", "course", course_id)


def lineage_loops(db: Connection) -> Found:
    """Each loop of a lineage, once, on the first of its training records, naming them all."""
    training, programmes = models.Training.__table__, models.Programme.__table__
    trainer, trainee = models.Person.__table__.alias("trainer"), models.Person.__table__.alias("trainee")
    for code, cycle in stored_loops(registry_lineage(db)):
        query = (
            select(training.c.id)
            .join(trainer, trainer.c.id == training.c.trainer_id)
            .join(trainee, trainee.c.id == training.c.trainee_id)
            .join(programmes, programmes.c.id == training.c.programme_id)
            .where(programmes.c.code == code, tuple_(trainer.c.ref, trainee.c.ref).in_(list(zip(cycle, cycle[1:]))))
            .order_by(training.c.id)
        )
        ids = list(db.execute(query).scalars())
        message = f"{lineage_loop(code, cycle)}; amend or remove one of training {', '.join(map(str, ids))}"
        yield rt.TRAINING, {"id": ids[0]}, message


def shared_emails(db: Connection) -> Found:
    """People whose email another person (first by ref) holds too, ignoring case."""
    people, holders = models.Person.__table__, registry_emails()
    query = (
        select(people.c.id, people.c.ref, people.c.email, holders.c.ref.label("holder"))
        .join(holders, email_held_by_another(people.c.email, people.c.ref, holders=holders))
        .where(holders.c.ref < people.c.ref)
        .order_by(people.c.id, holders.c.ref)
    )
    reported = set()
    for row in db.execute(query):
        if row.id not in reported:
            reported.add(row.id)
            yield rt.PERSON, {"id": row.id, "ref": row.ref}, email_taken(row.email, row.holder)

"""The registry's fixed vocabularies, in their published order.

Sources are given in docs/rules.md; stages and MBI:TAC levels are ordered from
lowest to highest.
"""

STAGES = ("trainee", "teacher", "supervisor", "trainer", "trainer_of_trainers")
STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES, start=1)}

TAC_LEVELS = (
    "incompetent",
    "beginner",
    "advanced_beginner",
    "competent",
    "proficient",
    "advanced",
)

STATUSES = ("active", "on_leave", "left", "retired")
# The statuses of a person who has left the service.
LEAVING_STATUSES = ("left", "retired")
SESSION_KINDS = ("individual", "group", "peer")
SESSION_MODES = ("in_person", "video", "phone")
CPD_CATEGORIES = (
    "course",
    "workshop",
    "conference",
    "reading",
    "teaching_observation",
    "other",
)
POST_ROLES = ("supervisor", "trainer", "trainer_of_trainers")
READINESS = ("ready_now", "1_2_years", "3_plus_years")


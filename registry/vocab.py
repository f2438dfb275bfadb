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
# The six domains of the MBI:TAC, in its order (Crane et al. 2013): coverage, pacing and
# organisation of the session curriculum; relational skills; embodiment of mindfulness;
# guiding mindfulness practices; conveying course themes through interactive inquiry and
# didactic teaching; holding the group learning environment.
TAC_DOMAINS = ("coverage", "relational", "embodiment", "guiding", "inquiry", "holding")

# The setting of a course that has none, as the annual report's tables show it.
NOT_RECORDED = "not recorded"

# Outcome measures whose scale is known: the range a mean score can take (PHQ-9 and
# GAD-7: depression and anxiety; WEMWBS: wellbeing, 14 items scored 1-5; FFMQ: the
# Five Facet Mindfulness Questionnaire, 39 items scored 1-5).
MEASURE_RANGES = {"PHQ-9": (0, 27), "GAD-7": (0, 21), "WEMWBS": (14, 70), "FFMQ": (39, 195)}

# The statuses a person is given by `person add` and `person update`. `erased` is given
# by erasure (UK GDPR) alone: the person's records stay, anonymous, and they leave every
# assessed and active set.
ASSIGNABLE_STATUSES = ("active", "on_leave", "left", "retired")
ERASED = "erased"
STATUSES = (*ASSIGNABLE_STATUSES, ERASED)
# The statuses of a person who has left the service.
LEAVING_STATUSES = ("left", "retired")
SESSION_KINDS = ("individual", "group", "peer")
SESSION_MODES = ("in_person", "video", "phone")
# The work that makes a person practising (the contract's `practising`), and how a
# policy may count a group session's time.
PRACTISING_WORK = ("teaching", "supervising", "training")
GROUP_TIME = ("whole", "half", "divided")
CPD_CATEGORIES = (
    "course",
    "workshop",
    "conference",
    "reading",
    "teaching_observation",
    "other",
)
POST_ROLES = ("supervisor", "trainer", "trainer_of_trainers")
# The stage a `ready_now` successor to a post of each role holds at least in its
# programme: the one just below the role (a trainer post needs a supervisor or higher).
READY_NOW_STAGE = {role: STAGES[STAGE_RANK[role] - 2] for role in POST_ROLES}
READINESS = ("ready_now", "1_2_years", "3_plus_years")


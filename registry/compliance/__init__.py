"""Compliance with the policy: CPD hours, retreat days and supervision in the rolling window
(and, under a policy that asks for one, a recent assessment of teaching).

- standing     the thresholds, the shortfalls rule and a standing as the report shows it
- assessed     who is assessed (the query) and the Scope that narrows it
- daily        the per-day sums both engines read, and who taught which course
- rolling      the per-person engine: every policy, lapse dates, records leaving next
- closed_form  the same report computed by the database (window functions)
- new_teachers the new teachers' hours per course: who is new, and its closed form
- recent_assessment  the assessment rule: the latest MBI:TAC assessment, and until when it is recent
- practice     why a person is practising, in words ("supervises 3 people")
- explain      which of one person's records count, and why the others do not
- reports      compliance_report, due, summary, listing_check, person_compliance, needs
"""

from .assessed import Scope
from .reports import compliance_report, due, listing_check, needs, person_compliance, summary
from .standing import REQUIREMENTS, Standing

__all__ = [
    "REQUIREMENTS",
    "Scope",
    "Standing",
    "compliance_report",
    "due",
    "listing_check",
    "needs",
    "person_compliance",
    "summary",
]

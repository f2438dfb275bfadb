"""Unit tests of the field parsers (registry/fields.py) and the validation layer
(registry/validate.py), without a database."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from mbp_registry.registry import fields
from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.errors import Invalid
from mbp_registry.registry.validate import (
    StageBook,
    cycle_message,
    describe_key,
    lineage_cycle,
    missing_reference,
    read_fields,
    read_record,
    record_errors,
    registry_errors,
)

D = dt.date


def invalid(message: str):
    """pytest.raises for Invalid with exactly `message`."""
    return pytest.raises(Invalid, match=f"^{re.escape(message)}$")


# --- blank, text, required --------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(None, True), ("", True), ("  \t", True), ("x", False), (0, False)])
def test_blank_is_none_or_whitespace_only(value, expected):
    assert fields.blank(value) is expected


def test_text_strips_and_gives_none_for_blank():
    assert fields.text("name", "  Aileen Munro ") == "Aileen Munro"
    assert fields.text("name", "   ") is None
    assert fields.text("name", None) is None
    assert fields.text("name", 42) == "42"


def test_text_refuses_text_longer_than_the_limit():
    assert fields.text("name", "x" * 200) == "x" * 200
    with invalid("name: text of 201 characters is longer than 200"):
        fields.text("name", "x" * 201)
    with invalid("region: text of 6 characters is longer than 5"):
        fields.text("region", "Centre", max_length=5)


def test_text_refuses_control_characters_but_allows_tabs_and_newlines():
    assert fields.text("notes", "line one\nline\ttwo") == "line one\nline\ttwo"
    with invalid("notes: 'bad\\x00byte' contains control characters"):
        fields.text("notes", "bad\x00byte")


def test_required_passes_a_value_and_refuses_none():
    assert fields.required("on", D(2026, 1, 1)) == D(2026, 1, 1)
    assert fields.required("count", 0) == 0
    with invalid("on: a value is required"):
        fields.required("on", None)


# --- dates ----------------------------------------------------------------------------


def test_date_reads_iso_dates_and_passes_dates_through():
    assert fields.date("held_on", "2026-11-20") == D(2026, 11, 20)
    assert fields.date("held_on", " 2024-02-29 ") == D(2024, 2, 29)
    assert fields.date("held_on", D(2026, 11, 20)) == D(2026, 11, 20)
    assert fields.date("held_on", dt.datetime(2026, 11, 20, 15, 30)) == D(2026, 11, 20)
    assert fields.date("held_on", "") is None
    assert fields.date("held_on", None) is None


@pytest.mark.parametrize(
    "raw", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-1-1", "20261120", "20/11/2026", "2026-11-20T10:00", "today"]
)
def test_date_refuses_text_that_is_not_yyyy_mm_dd(raw):
    with invalid(f"held_on: {raw!r} is not a date (YYYY-MM-DD)"):
        fields.date("held_on", raw)


def test_date_refuses_an_iso_week_date():
    with invalid("held_on: '2026-W47-5' is not a date (YYYY-MM-DD)"):
        fields.date("held_on", "2026-W47-5")


@pytest.mark.parametrize("raw", ["1900-01-01", "2200-12-31"])
def test_date_takes_the_first_and_last_days_of_the_years_it_reads(raw):
    assert fields.date("held_on", raw) == D.fromisoformat(raw)


@pytest.mark.parametrize("raw", ["1899-12-31", "1850-01-01", "0001-01-01", "2201-01-01", "9999-12-31"])
def test_date_refuses_a_year_before_1900_or_after_2200(raw):
    with invalid(f"held_on: {raw} is outside the years 1900 to 2200"):
        fields.date("held_on", raw)


@pytest.mark.parametrize("value", [D(1850, 1, 1), dt.datetime(9999, 12, 31, 23, 59), D.min, D.max])
def test_date_refuses_a_typed_date_outside_the_years_it_reads(value):
    # A spreadsheet cell read as a date is held to the same years as text.
    with invalid(f"as-of: {value.isoformat()[:10]} is outside the years 1900 to 2200"):
        fields.date("as-of", value)


@pytest.mark.parametrize("raw", ["٢٠٢٦-١١-٢٠", "２０２６-１１-２０"])
def test_date_refuses_digits_other_than_ascii(raw):
    with invalid(f"held_on: {raw!r} is not a date (YYYY-MM-DD)"):
        fields.date("held_on", raw)


def test_a_logged_event_may_be_dated_today_but_not_tomorrow():
    today = D(2026, 11, 22)
    people = {"supervisor": "S01", "supervisee": "T001"}
    assert list(record_errors(rt.SESSION, {**people, "held_on": today}, today)) == []
    assert list(record_errors(rt.SESSION, {**people, "held_on": None}, today)) == []
    assert list(record_errors(rt.SESSION, {**people, "held_on": D(2026, 11, 23)}, today)) == [
        "held_on: 2026-11-23 is in the future"
    ]


def test_leaving_may_be_on_the_joining_day_but_not_before_it():
    def errors(left_on, joined_on):
        return list(record_errors(rt.PERSON, {"left_on": left_on, "joined_on": joined_on}, D(2026, 11, 22)))

    assert errors(D(2020, 9, 1), D(2020, 9, 1)) == []
    assert errors(None, D(2020, 9, 1)) == []
    assert errors(D(2020, 8, 1), None) == []
    assert errors(D(2020, 8, 31), D(2020, 9, 1)) == ["left_on: 2020-08-31 is before joined_on 2020-09-01"]


# --- whole numbers --------------------------------------------------------------------


def test_integer_reads_whole_numbers_within_range():
    assert fields.integer("minutes", "60", low=1, high=600) == 60
    assert fields.integer("minutes", " +1 ", low=1, high=600) == 1
    assert fields.integer("minutes", 600, low=1, high=600) == 600
    assert fields.integer("minutes", "") is None
    assert fields.integer("count", "-3") == -3


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "minutes: 0 is out of range (1 to 600)"),
        ("601", "minutes: 601 is out of range (1 to 600)"),
        (1000, "minutes: 1000 is out of range (1 to 600)"),
        ("1.5", "minutes: '1.5' is not a whole number"),
        ("sixty", "minutes: 'sixty' is not a whole number"),
        ("1" * 13, f"minutes: {'1' * 13!r} is not a whole number"),
        (True, "minutes: True is not a whole number"),
    ],
)
def test_integer_refuses_values_out_of_range_or_not_whole(value, message):
    with invalid(message):
        fields.integer("minutes", value, low=1, high=600)


def test_integer_refuses_a_doubled_sign():
    with invalid("minutes: '--5' is not a whole number"):
        fields.integer("minutes", "--5", low=1, high=600)


def test_integer_refuses_a_superscript_digit():
    with invalid("minutes: '²' is not a whole number"):
        fields.integer("minutes", "²", low=1, high=600)


# Python's int() and Decimal() read these as numbers; the registry reads ASCII digits only.
NOT_ASCII_NUMBERS = ["1_0", "١٠", "１０", "۱۰", "1_0.5", "٢.٥"]


@pytest.mark.parametrize("raw", NOT_ASCII_NUMBERS)
def test_integer_reads_ascii_digits_only(raw):
    with invalid(f"minutes: {raw!r} is not a whole number"):
        fields.integer("minutes", raw, low=1, high=600)


@pytest.mark.parametrize("raw", NOT_ASCII_NUMBERS)
def test_number_reads_ascii_digits_only(raw):
    with invalid(f"hours: {raw!r} is not a number"):
        fields.number("hours", raw, above=0, high=100)
    with invalid(f"days: {raw!r} is not a number"):
        fields.number("days", raw, above=0, high=60, step=Decimal("0.5"))


# --- decimal numbers -----------------------------------------------------------------


def hours(value):
    return fields.number("hours", value, above=0, high=100)


def days(value):
    return fields.number("days", value, above=0, high=60, step=Decimal("0.5"))


def test_number_reads_decimals_greater_than_the_low_bound_and_up_to_the_high():
    assert hours("6") == 6.0
    assert hours("2.5") == 2.5
    assert hours("0.01") == 0.01
    assert hours("100") == 100.0
    assert hours(12.75) == 12.75
    assert hours(3) == 3.0
    assert hours(" ") is None
    assert isinstance(hours("6"), float)


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "hours: 0 is out of range (greater than 0 and at most 100)"),
        ("100.5", "hours: 100.5 is out of range (greater than 0 and at most 100)"),
        ("100.01", "hours: 100.01 is out of range (greater than 0 and at most 100)"),
        ("-2", "hours: -2 is out of range (greater than 0 and at most 100)"),
        ("1.234", "hours: 1.234 has more than 2 decimal places"),
        ("six", "hours: 'six' is not a number"),
        ("NaN", "hours: 'NaN' is not a number"),
        ("Infinity", "hours: 'Infinity' is not a number"),
        ("1e400", "hours: '1e400' is not a number"),
    ],
)
def test_number_refuses_values_out_of_range_too_precise_or_not_numbers(value, message):
    with invalid(message):
        hours(value)


def test_number_with_a_step_takes_multiples_of_it():
    assert days("0.5") == 0.5
    assert days("2.5") == 2.5
    assert days("60") == 60.0
    with invalid("days: 2.25 is not a multiple of 0.5"):
        days("2.25")
    with invalid("days: 0 is out of range (greater than 0 and at most 60)"):
        days("0")
    with invalid("days: 61 is out of range (greater than 0 and at most 60)"):
        days("61")


@pytest.mark.parametrize(
    "read, message",
    [
        (lambda: fields.integer("participants", "-1", low=0), "participants: -1 is out of range (at least 0)"),
        (lambda: fields.integer("rank", "6", high=5), "rank: 6 is out of range (at most 5)"),
        (lambda: fields.number("weight", "0", above=0), "weight: 0 is out of range (greater than 0)"),
        (lambda: fields.number("weight", "5.5", high=5), "weight: 5.5 is out of range (at most 5)"),
    ],
    ids=["whole number at least", "whole number at most", "number greater than", "number at most"],
)
def test_a_number_out_of_an_open_range_names_the_range_in_its_message(read, message):
    with invalid(message):
        read()


def test_number_with_a_step_refuses_a_huge_number_as_out_of_range():
    with invalid("days: 1e+30 is out of range (greater than 0 and at most 60)"):
        days("1e30")


# --- choices, booleans, lists of refs -------------------------------------------------


def test_choice_takes_one_of_the_choices():
    assert fields.choice("kind", " group ", ("individual", "group", "peer")) == "group"
    assert fields.choice("kind", "", ("individual", "group", "peer")) is None
    with invalid("kind: 'Gruop' is not one of individual, group, peer"):
        fields.choice("kind", "Gruop", ("individual", "group", "peer"))


@pytest.mark.parametrize("value", ["Group", "GROUP", " gRoUp "])
def test_choice_takes_any_case_and_gives_the_choice_as_written(value):
    assert fields.choice("kind", value, ("individual", "group", "peer")) == "group"


def test_choice_in_any_case_keeps_underscores_and_digits():
    assert fields.choice("readiness", "Ready_Now", ("ready_now", "1_2_years")) == "ready_now"
    assert fields.choice("readiness", "1_2_YEARS", ("ready_now", "1_2_years")) == "1_2_years"


@pytest.mark.parametrize("value", ["wor\u212ashop", "ɢroup", "group\u200b"])
def test_choice_refuses_letters_that_only_look_like_a_choice(value):
    # U+212A KELVIN SIGN lower-cases to "k"; a small capital G is another letter.
    with invalid(f"category: {value!r} is not one of workshop, group"):
        fields.choice("category", value, ("workshop", "group"))


@pytest.mark.parametrize(
    "value, expected",
    [("true", True), ("TRUE", True), (" False ", False), (True, True), (False, False), ("", None), (None, None)],
)
def test_boolean_reads_true_and_false(value, expected):
    assert fields.boolean("residential", value) is expected


@pytest.mark.parametrize("value", ["yes", "1", "t"])
def test_boolean_refuses_anything_else(value):
    with invalid(f"residential: {value!r} is not true or false"):
        fields.boolean("residential", value)


def test_ref_list_splits_on_semicolons_and_drops_empty_items():
    assert fields.ref_list("co_teachers", "T001; T002;;T003 ") == ["T001", "T002", "T003"]
    assert fields.ref_list("co_teachers", ["T001", " T002"]) == ["T001", "T002"]
    assert fields.ref_list("co_teachers", "") == []
    assert fields.ref_list("co_teachers", None) == []


def test_ref_list_refuses_a_ref_listed_twice():
    with invalid("co_teachers: 'T001' is listed twice"):
        fields.ref_list("co_teachers", "T001;T002;T001")


# --- references and names -------------------------------------------------------------


@pytest.mark.parametrize("raw", ["T001", "NHS-HIGHLAND", "MBCT", "ERASED-000039", "staff_12.3/a", "7"])
def test_ref_takes_letters_digits_and_the_four_marks(raw):
    assert fields.ref("person", f" {raw} ") == raw


def test_ref_is_none_when_blank():
    assert fields.ref("person", "  ") is None


@pytest.mark.parametrize("raw", ["T 001", "T001;T002", "T001,T002", "T\t001"])
def test_ref_refuses_two_references_in_one(raw):
    with invalid(f"person: {raw!r} is not a single reference"):
        fields.ref("person", raw)


@pytest.mark.parametrize(
    "raw",
    ["T#001", "-T001", ".T001", "/etc", "Т001", "T\u200b001", "١٢", "T001'", "ref=1"],
    ids=["hash", "leading dash", "leading dot", "leading slash", "cyrillic", "zero width", "arabic digits",
         "quote", "equals"],
)
def test_ref_refuses_any_other_character(raw):
    with invalid(f"person: {raw!r} is not a reference (letters, digits, - _ . /, starting with a letter or digit)"):
        fields.ref("person", raw)


def test_ref_refuses_a_ref_longer_than_64_characters():
    assert fields.ref("person", "A" * 64) == "A" * 64
    with invalid("person: text of 65 characters is longer than 64"):
        fields.ref("person", "A" * 65)


def test_ref_list_holds_each_ref_to_the_ref_rule():
    with invalid("co_teachers: 'T 2' is not a single reference"):
        fields.ref_list("co_teachers", "T001;T 2")
    with invalid("co_teachers: 'T#2' is not a reference (letters, digits, - _ . /, starting with a letter or digit)"):
        fields.ref_list("co_teachers", ["T001", "T#2"])


@pytest.mark.parametrize("raw", ["Siân O'Neill-Ní Bhriain", "Dr. A. B. Smith (MBCT)", "فاطمة الزهراء", "李小龍"])
def test_name_takes_letters_of_any_script_and_punctuation(raw):
    assert fields.name("name", raw) == raw


@pytest.mark.parametrize("raw", ["Tara\tOrd", "Tara\nOrd", "Tara\rOrd", "Tara\x1bOrd", "Tara\x85Ord"])
def test_name_refuses_control_characters_line_breaks_and_tabs_included(raw):
    with invalid(f"name: {raw!r} contains control characters"):
        fields.name("name", raw)


@pytest.mark.parametrize(
    "character",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
     "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"],
)
def test_name_refuses_text_direction_and_zero_width_characters(character):
    raw = f"Tara{character}Ord"
    with invalid(f"name: {raw!r} contains text-direction or zero-width characters"):
        fields.name("name", raw)


def test_name_keeps_the_text_rules():
    assert fields.name("name", "  Tara Ord ") == "Tara Ord"
    assert fields.name("name", "") is None
    with invalid("name: text of 201 characters is longer than 200"):
        fields.name("name", "x" * 201)


def test_free_text_still_takes_line_breaks_and_tabs():
    assert fields.text("notes", "one\n\ttwo") == "one\n\ttwo"


@pytest.mark.parametrize(
    "record_type, field_name",
    [(rt.PERSON, "name"), (rt.ORGANISATION, "name"), (rt.ORGANISATION, "region"), (rt.PROGRAMME, "name"),
     (rt.RETREAT, "led_by"), (rt.COURSE, "setting"), (rt.NOMINATION, "region")],
)
def test_the_fields_that_name_someone_or_something_follow_the_name_rule(record_type, field_name):
    _, errors = read_fields(record_type, {field_name: "Ev\u202eil"})
    assert f"{field_name}: 'Ev\\u202eil' contains text-direction or zero-width characters" in errors


@pytest.mark.parametrize(
    "record_type, field_name",
    [(rt.PERSON, "ref"), (rt.PERSON, "organisation"), (rt.ORGANISATION, "code"), (rt.PROGRAMME, "code"),
     (rt.STAGE, "assessed_by"), (rt.SESSION, "supervisor"), (rt.SESSION, "programme"), (rt.COURSE, "code"),
     (rt.COURSE, "lead"), (rt.COURSE, "co_teachers"), (rt.NOMINATION, "person")],
)
def test_every_reference_field_follows_the_ref_rule(record_type, field_name):
    _, errors = read_fields(record_type, {field_name: "T 001"})
    assert f"{field_name}: 'T 001' is not a single reference" in errors


def test_an_email_is_kept_as_given_and_refuses_invisible_characters():
    values, errors = read_fields(rt.PERSON, {"email": "Tara.Ord@Example.NHS.uk"})
    assert values["email"] == "Tara.Ord@Example.NHS.uk"
    assert not [error for error in errors if error.startswith("email")]
    _, errors = read_fields(rt.PERSON, {"email": "tara\u200b@example.org"})
    assert "email: 'tara\\u200b@example.org' contains text-direction or zero-width characters" in errors


def test_choices_of_a_record_are_read_in_any_case_and_kept_in_lower_case():
    values, errors = read_fields(rt.SESSION, {"supervisor": "S01", "supervisee": "T001", "held_on": "2026-11-20",
                                              "minutes": "60", "kind": "Individual", "mode": "VIDEO"})
    assert errors == []
    assert (values["kind"], values["mode"]) == ("individual", "video")


# --- record rules -----------------------------------------------------------------


TODAY = D(2026, 11, 22)


def test_read_fields_reports_every_bad_field_and_missing_required_one():
    values, errors = read_fields(rt.SESSION, {"supervisor": "S01", "held_on": "soon", "minutes": "0", "kind": "group"})
    assert errors == [
        "supervisee: a value is required",
        "held_on: 'soon' is not a date (YYYY-MM-DD)",
        "minutes: 0 is out of range (1 to 600)",
    ]
    assert values["supervisor"] == "S01" and values["held_on"] is None and values["kind"] == "group"


def test_read_record_joins_every_field_problem_in_one_message():
    with invalid("supervisee: a value is required; minutes: 'x' is not a whole number"):
        read_record(rt.SESSION, {"supervisor": "S01", "held_on": "2026-11-20", "minutes": "x", "kind": "peer"}, TODAY)


def test_read_record_returns_typed_values():
    values = read_record(
        rt.RETREAT, {"person": "T001", "start_on": "2026-10-01", "days": "2.5", "residential": "true"}, TODAY
    )
    assert values == {"person": "T001", "start_on": D(2026, 10, 1), "days": 2.5, "led_by": None,
                      "residential": True, "online": None}


@pytest.mark.parametrize(
    "record_type, raw, message",
    [
        (rt.SESSION, {"supervisor": "S01", "supervisee": "T001", "held_on": "2026-11-23", "minutes": "60",
                      "kind": "individual"}, "held_on: 2026-11-23 is in the future"),
        (rt.CPD, {"person": "T001", "date": "2026-12-01", "hours": "1", "category": "reading"},
         "date: 2026-12-01 is in the future"),
        (rt.RETREAT, {"person": "T001", "start_on": "2027-01-01", "days": "5"},
         "start_on: 2027-01-01 is in the future"),
        (rt.SESSION, {"supervisor": "S01", "supervisee": "S01", "held_on": "2026-11-20", "minutes": "60",
                      "kind": "individual"}, "supervisee: 'S01' cannot supervise themselves"),
        (rt.SUPERVISION, {"supervisor": "S01", "supervisee": "S01", "programme": "MBCT", "started_on": "2026-01-01"},
         "supervisee: 'S01' cannot supervise themselves"),
        (rt.SUPERVISION, {"supervisor": "S01", "supervisee": "T001", "programme": "MBCT", "started_on": "2026-01-01",
                          "ended_on": "2025-12-31"}, "ended_on: 2025-12-31 is before started_on 2026-01-01"),
        (rt.TRAINING, {"trainer": "R01", "trainee": "R01", "programme": "MBCT", "stage": "trainer",
                       "trained_on": "2026-01-01"}, "trainee: 'R01' cannot be their own trainer"),
        (rt.PERSON, {"ref": "T001", "name": "Tara", "organisation": "NHS-N", "status": "left",
                     "joined_on": "2020-09-01", "left_on": "2020-08-31"},
         "left_on: 2020-08-31 is before joined_on 2020-09-01"),
        (rt.COURSE, {"code": "C-1", "programme": "MBCT", "start_on": "2026-01-01", "lead": "T001",
                     "co_teachers": "S01;T001"}, "co_teachers: 'T001' is the lead teacher"),
    ],
    ids=["session in future", "cpd in future", "retreat in future", "self session", "self link", "link ends early",
         "self training", "left before joined", "lead as co-teacher"],
)
def test_read_record_refuses_a_record_that_breaks_a_record_rule(record_type, raw, message):
    with invalid(message):
        read_record(record_type, raw, TODAY)


def test_record_errors_allow_events_dated_today():
    values = read_record(rt.CPD, {"person": "T001", "date": "2026-11-22", "hours": "1", "category": "reading"}, TODAY)
    assert list(record_errors(rt.CPD, values, TODAY)) == []


def test_record_errors_do_not_limit_dates_of_records_that_are_not_logged_events():
    values = read_record(rt.COURSE, {"code": "C-9", "programme": "MBCT", "start_on": "2027-03-01", "lead": "T001"}, TODAY)
    assert values["start_on"] == D(2027, 3, 1)


def test_describe_key_names_the_key_columns_and_empty_ones():
    assert describe_key(rt.SESSION, {"supervisor": "S01", "supervisee": "T001", "held_on": D(2026, 11, 20),
                                     "kind": "group"}) == (
        "session with supervisor S01, supervisee T001, held_on 2026-11-20, kind group"
    )
    assert describe_key(rt.CPD, {"person": "T001", "date": D(2026, 11, 1), "category": "reading",
                                 "description": None}) == (
        "cpd with person T001, date 2026-11-01, category reading, description (empty)"
    )


def test_missing_reference_and_cycle_messages():
    assert missing_reference("lead", "person", "T999") == "lead: no person 'T999' in the registry"
    assert cycle_message("MBSR", ["A", "B", "A"]) == "trainee: the lineage of MBSR would have a cycle: A -> B -> A"


# --- StageBook ----------------------------------------------------------------------


@pytest.fixture
def book() -> StageBook:
    book = StageBook()
    book.add("S01", "MBCT", "supervisor", D(2019, 1, 15))
    book.add("S01", "MBCT", "teacher", D(2015, 6, 1))
    book.add("S01", "MBCT", "trainer", D(2023, 3, 1))
    book.add("S01", "MBSR", "trainee", D(2024, 1, 1))
    return book


def test_stagebook_gives_the_highest_stage_attained_on_or_before_a_day(book):
    assert book.stage_on("S01", "MBCT", D(2015, 5, 31)) is None
    assert book.stage_on("S01", "MBCT", D(2015, 6, 1)) == "teacher"
    assert book.stage_on("S01", "MBCT", D(2019, 1, 14)) == "teacher"
    assert book.stage_on("S01", "MBCT", D(2019, 1, 15)) == "supervisor"
    assert book.stage_on("S01", "MBCT", D(2026, 1, 1)) == "trainer"


def test_stagebook_keeps_programmes_and_people_apart(book):
    assert book.stage_on("S01", "MBSR", D(2026, 1, 1)) == "trainee"
    assert book.stage_on("S01", "MBXX", D(2026, 1, 1)) is None
    assert book.stage_on("T001", "MBCT", D(2026, 1, 1)) is None


def test_stagebook_a_lower_stage_attained_later_does_not_lower_the_stage():
    book = StageBook()
    book.add("R01", "MBCT", "trainer_of_trainers", D(2012, 5, 1))
    book.add("R01", "MBCT", "teacher", D(2014, 1, 1))
    assert book.stage_on("R01", "MBCT", D(2020, 1, 1)) == "trainer_of_trainers"


def test_stagebook_require_passes_at_or_above_the_minimum(book):
    assert book.require("supervisor", "S01", "MBCT", D(2019, 1, 15), "supervisor") is None
    assert book.require("supervisor", "S01", "MBCT", D(2024, 1, 1), "supervisor") is None
    assert book.require("trainer", "S01", "MBCT", D(2023, 3, 1), "trainer") is None


def test_stagebook_require_names_the_stage_held_and_the_one_needed(book):
    assert book.require("trainer", "S01", "MBCT", D(2023, 2, 28), "trainer") == (
        "trainer: 'S01' holds stage supervisor in MBCT on 2023-02-28; trainer or higher is needed"
    )
    assert book.require("supervisor", "S01", "MBSR", D(2023, 12, 31), "supervisor") == (
        "supervisor: 'S01' holds no stage in MBSR on 2023-12-31; supervisor or higher is needed"
    )


def test_registry_errors_check_the_trainer_and_supervisor_stages(book):
    training = {"trainer": "S01", "trainee": "T001", "programme": "MBCT", "stage": "teacher",
                "trained_on": D(2022, 1, 1)}
    assert list(registry_errors(rt.TRAINING, training, book)) == [
        "trainer: 'S01' holds stage supervisor in MBCT on 2022-01-01; trainer or higher is needed"
    ]
    assert list(registry_errors(rt.TRAINING, {**training, "trained_on": D(2023, 3, 1)}, book)) == []
    link = {"supervisor": "S01", "supervisee": "T001", "programme": "MBCT", "started_on": D(2018, 1, 1)}
    assert list(registry_errors(rt.SUPERVISION, link, book)) == [
        "supervisor: 'S01' holds stage teacher in MBCT on 2018-01-01; supervisor or higher is needed"
    ]
    assert list(registry_errors(rt.SUPERVISION, {**link, "started_on": D(2019, 1, 15)}, book)) == []


def test_registry_errors_ignore_other_record_types(book):
    cpd = {"person": "S01", "date": D(2026, 1, 1), "hours": 1.0, "category": "reading", "description": None}
    assert list(registry_errors(rt.CPD, cpd, book)) == []


# --- lineage_cycle -----------------------------------------------------------------


def test_lineage_cycle_is_none_for_a_tree():
    assert lineage_cycle([("R01", "S01"), ("R01", "T001"), ("S01", "T002"), ("T001", "T002")]) is None
    assert lineage_cycle([]) is None


def test_lineage_cycle_finds_a_two_person_cycle():
    assert lineage_cycle([("R01", "S01"), ("S01", "R01")]) == ["R01", "S01", "R01"]


def test_lineage_cycle_finds_a_longer_cycle_beside_a_tree():
    cycle = lineage_cycle([("X", "A"), ("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")])
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert len(cycle) == 4
    assert set(cycle) == {"A", "B", "C"}
    # every step of the cycle is an edge of the lineage
    edges = {("A", "B"), ("B", "C"), ("C", "A")}
    assert all((a, b) in edges for a, b in zip(cycle, cycle[1:]))

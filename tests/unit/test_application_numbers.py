"""The 编号 in a worker's SMS, and how the public status lookup picks the application it names."""

from types import SimpleNamespace

import pytest

from services.aid.public import the_one_with_tail
from services.notify.templates import render
from shared.application_numbers import as_short_number, short_number
from shared.event_types import read
from tests.fakes.events import sample


def test_short_number_is_the_upper_cased_last_six_characters():
    assert short_number("0123456789abcdef0123456789abcdef") == "ABCDEF"


def test_the_sms_names_the_number_the_lookup_takes():
    application_id = "019a2b3c4d5e6f708192a3b4c587267d"
    event = read("application_submitted", sample("application_submitted", application_id=application_id))
    text = render("submitted", event, "工会帮扶").text
    assert "编号87267D" in text
    assert as_short_number("87267d") == as_short_number(" 87267D ") == short_number(application_id) == "87267D"


def test_a_number_and_tail_typed_full_width_by_a_chinese_input_method_are_taken():
    assert as_short_number("８７２６７Ｄ") == as_short_number("\u3000８７２６７ｄ ") == "87267D"
    mine = application("123X")
    assert the_one_with_tail([mine, application("5678")], "１２３ｘ") is mine


@pytest.mark.parametrize("text", ["", "87267", "87267D0", "87267G", "编号87267D", "0" * 32])
def test_anything_else_is_not_a_short_number(text):
    assert as_short_number(text) is None


def application(id_last4: str, status: str = "submitted"):
    return SimpleNamespace(id_last4=id_last4, status=status)


def test_the_id_tail_picks_the_application_among_those_sharing_a_number():
    mine, theirs = application("1234", "ready"), application("5678", "rejected")
    assert the_one_with_tail([theirs, mine], "1234") is mine
    assert the_one_with_tail([theirs, mine], " 5678 ") is theirs
    assert the_one_with_tail([application("123X")], "123x").id_last4 == "123X"


@pytest.mark.parametrize("tail", ["0000", "", None, "12345", "1234 5678"])
def test_a_wrong_or_missing_tail_finds_nothing(tail):
    assert the_one_with_tail([application("1234"), application("5678")], tail) is None


def test_two_applications_with_the_same_number_and_tail_answer_nothing_rather_than_guess():
    assert the_one_with_tail([application("1234", "ready"), application("1234", "rejected")], "1234") is None
    assert the_one_with_tail([], "1234") is None

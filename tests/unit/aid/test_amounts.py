"""How much an application is for, from the campaign's table; and when the campaign refuses it."""

from datetime import date

import pytest

from services.aid.domain.rules import amount_for
from shared.domain_errors import Invalid, Refused
from tests.unit.aid.data import TODAY, education, student, warmth, worker


@pytest.mark.parametrize("category, amount", [("deep", 300_000), ("relative", 150_000)])
def test_warmth_pays_by_the_households_hardship_category(category, amount):
    assert amount_for(warmth(), worker(category=category), None, TODAY) == (amount, None)


@pytest.mark.parametrize("level, amount", [("undergraduate", 500_000), ("senior_high", 200_000)])
def test_education_pays_by_the_students_school_level(level, amount):
    assert amount_for(education(), worker(), student(level=level), TODAY) == (amount, level)


@pytest.mark.parametrize("day", [date(2031, 8, 1), date(2031, 8, 31)])
def test_the_first_and_last_day_of_the_campaign_are_open(day):
    assert amount_for(warmth(), worker(), None, day)[0] == 300_000


@pytest.mark.parametrize("day", [date(2031, 7, 31), date(2031, 9, 1)])
def test_outside_its_dates_the_campaign_is_closed(day):
    with pytest.raises(Refused) as refusal:
        amount_for(warmth(), worker(), None, day)
    assert (refusal.value.code, refusal.value.message) == (
        "campaign_closed",
        "本项目申请时间为 2031-08-01 至 2031-08-31",
    )


def refusal_of(*args) -> tuple[str, str]:
    with pytest.raises(Refused) as refusal:
        amount_for(*args)
    return refusal.value.code, refusal.value.message


def test_a_worker_whose_file_is_not_active_may_not_apply():
    assert refusal_of(warmth(), worker(status="suspended"), None, TODAY) == (
        "not_eligible",
        "该职工档案不在有效状态，不能申请",
    )


def test_a_category_or_level_without_an_amount_is_not_eligible():
    assert refusal_of(warmth(), worker(category="accident"), None, TODAY) == (
        "not_eligible",
        "本项目未设该困难类别的帮扶标准",
    )
    assert refusal_of(education(), worker(), student(level="postgraduate"), TODAY) == (
        "not_eligible",
        "本项目未设该学段的资助标准",
    )


def test_education_is_for_students_admitted_in_the_campaigns_year():
    assert refusal_of(education(), worker(), student(admission_year=2030), TODAY) == (
        "not_eligible",
        "入学年份应为 2031 年",
    )


def test_a_student_goes_with_education_only():
    with pytest.raises(Invalid) as warmth_with_student:
        amount_for(warmth(), worker(), student(), TODAY)
    with pytest.raises(Invalid) as education_without:
        amount_for(education(), worker(), None, TODAY)
    assert warmth_with_student.value.fields == {"student": ["送温暖申请不填写学生信息"]}
    assert education_without.value.fields == {"student": ["金秋助学申请必须填写学生信息"]}

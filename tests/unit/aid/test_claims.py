"""Aid only once: a household per warmth campaign, a student per year, and a relative-hardship household one aid a
year (RELATIVE_ONE_AID_PER_YEAR)."""

from services.aid.domain.rules import Claim, claimed_meanwhile, claims_for, first_refusal, settle_claims
from shared.domain_errors import Refused
from tests.unit.aid.data import education, warmth, worker

HOUSEHOLD = "warmth:" + "c" * 32
RELATIVE = "relative:2031"


def scopes(claims: list[Claim]) -> list[tuple[str, str]]:
    return [(claim.scope, claim.key) for claim in claims]


def test_warmth_claims_each_member_of_the_household_once_in_the_campaign():
    claims = claims_for(warmth(), worker(household=["h1", "h2", "h1"]), None, relative_once_a_year=True)
    assert scopes(claims) == [(HOUSEHOLD, "h1"), (HOUSEHOLD, "h2")]
    assert {(claim.code, claim.message) for claim in claims} == {("duplicate_application", "该家庭已申请本次送温暖")}


def test_education_claims_the_student_for_the_year():
    [claim] = claims_for(education(), worker(), "hash-of-id", relative_once_a_year=True)
    assert claim == Claim("education:2031", "hash-of-id", "duplicate_application", "该学生本年度已申请金秋助学")


def test_a_relative_hardship_household_claims_its_one_aid_of_the_year():
    claims = claims_for(warmth(), worker(category="relative"), None, relative_once_a_year=True)
    assert scopes(claims) == [(HOUSEHOLD, "h1"), (HOUSEHOLD, "h2"), (RELATIVE, "h1"), (RELATIVE, "h2")]
    assert {(claim.code, claim.message) for claim in claims[2:]} == {
        ("not_eligible", "相对困难家庭每年只能获得一项帮扶")
    }
    education_claims = claims_for(education(), worker(category="relative"), "hash-of-id", relative_once_a_year=True)
    assert scopes(education_claims)[1:] == [(RELATIVE, "h1"), (RELATIVE, "h2")]


def test_switched_off_the_yearly_rule_claims_nothing_for_the_year():
    claims = claims_for(warmth(), worker(category="relative"), None, relative_once_a_year=False)
    assert scopes(claims) == [(HOUSEHOLD, "h1"), (HOUSEHOLD, "h2")]


def test_the_yearly_rule_is_for_relative_hardship_only():
    for category in ("deep", "accident"):
        claims = claims_for(warmth(), worker(category=category), None, relative_once_a_year=True)
        assert RELATIVE not in {claim.scope for claim in claims}


def test_a_second_warmth_aid_and_a_second_aid_of_the_year_are_refused_with_their_own_reasons():
    relative = claims_for(warmth(), worker(category="relative"), None, relative_once_a_year=True)
    assert_refused(first_refusal(relative, {(HOUSEHOLD, "h2")}), "duplicate_application", "该家庭已申请本次送温暖")
    assert_refused(first_refusal(relative, {(RELATIVE, "h1")}), "not_eligible", "相对困难家庭每年只能获得一项帮扶")
    assert first_refusal(relative, {("warmth:another", "h1")}) is None


def test_applications_filed_together_are_judged_one_after_the_other():
    first = claims_for(warmth(), worker(household=["h1"]), None, relative_once_a_year=True)
    same_household = claims_for(warmth(), worker(household=["h1", "h9"]), None, relative_once_a_year=True)
    other = claims_for(warmth(), worker(household=["h5"]), None, relative_once_a_year=True)
    taken = {(HOUSEHOLD, "h5")}
    first_ok, second, third = settle_claims([first, same_household, other], taken)
    assert first_ok is None
    assert_refused(second, "duplicate_application", "该家庭已申请本次送温暖")
    assert_refused(third, "duplicate_application", "该家庭已申请本次送温暖")
    assert taken == {(HOUSEHOLD, "h5"), (HOUSEHOLD, "h1")}  # the refused ones hold nothing


def test_a_claim_taken_meanwhile_is_a_duplicate():
    assert_refused(claimed_meanwhile(), "duplicate_application", "重复申请")


def assert_refused(refusal: Refused | None, code: str, message: str) -> None:
    assert refusal is not None and (refusal.code, refusal.message) == (code, message)

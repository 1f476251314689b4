"""Who may approve: nobody reviews what they submitted (maker-checker), and only an active worker is aided."""

import pytest

from services.aid.domain.rules import check_maker_checker, check_worker_active, returned_for_review_note
from shared.domain_errors import Refused
from tests.unit.aid.data import worker


@pytest.mark.parametrize(
    "submitted_by, reviewer",
    [("caseworker:u1", "caseworker:u1"), ("caseworker:u1", "admin:u1"), ("u1", "reviewer:u1")],
)
def test_the_user_who_submitted_may_not_review_in_any_role(submitted_by, reviewer):
    with pytest.raises(Refused) as refusal:
        check_maker_checker(submitted_by, reviewer)
    assert (refusal.value.code, refusal.value.message) == ("same_user", "提交人不能审核自己提交的申请")


def test_another_user_may_review():
    check_maker_checker("caseworker:u1", "caseworker:u2")


@pytest.mark.parametrize("applicant", [None, worker(status="suspended"), worker(status="exited")])
def test_approval_refuses_a_worker_the_registry_no_longer_has_active(applicant):
    with pytest.raises(Refused) as refusal:
        check_worker_active(applicant)
    assert (refusal.value.code, refusal.value.message) == ("not_eligible", "该职工档案已不在有效状态，不能批准")


def test_an_active_worker_may_be_approved():
    check_worker_active(worker())


def test_a_worker_leaving_sends_applications_back_with_a_note_in_chinese():
    assert returned_for_review_note("exited") == "职工档案状态变为已退出，退回重新审核"
    assert returned_for_review_note("unknown") == "职工档案状态变为unknown，退回重新审核"

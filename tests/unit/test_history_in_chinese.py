"""What an application's history says to people: Chinese, also for the changes the system makes by itself."""

import pytest

from services.aid.domain.rules import returned_for_review_note
from services.gateway.console.labels import actor, label


@pytest.mark.parametrize(
    "status, note",
    [("exited", "职工档案状态变为已退出，退回重新审核"), ("suspended", "职工档案状态变为暂停，退回重新审核")],
)
def test_a_worker_leaving_the_registry_is_noted_in_chinese(status, note):
    assert returned_for_review_note(status) == note
    assert label(status, "worker_status") in note


@pytest.mark.parametrize(
    "code, shown",
    [
        ("system:registry", "系统（职工档案状态变更）"),
        ("system:publicity-timer", "系统（公示期满）"),
        ("caseworker:3f2a9c0d", "经办人 3f2a9c0d"),
        ("admin:1", "管理员 1"),
        ("someone", "someone"),
        (None, ""),
    ],
)
def test_who_made_a_change_is_named_in_chinese(code, shown):
    assert actor(code) == shown

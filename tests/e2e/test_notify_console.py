"""Notify with the default console provider: one SMS per application status, over HTTP and the real broker."""

import time
from datetime import datetime

import pytest

from shared.clock import SHANGHAI
from tests.e2e.aid_builders import Staff, acted, create_campaign, submitted, worker
from tests.e2e.builders import assert_error, masked_phone
from tests.e2e.notify_builders import movable_clock, notifications, start_notify_system, wait_for_statuses  # noqa: F401


@pytest.fixture
def notify_api(config, runner_factory, movable_clock):
    _runner, api = start_notify_system(runner_factory, config)
    return api


def sms_log(config) -> str:
    from pathlib import Path

    path = Path(config["HARDSHIP_VAR_DIR"]) / "sms.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_each_status_sends_exactly_one_sms_to_the_workers_phone(notify_api, config):
    api, staff = notify_api, Staff(notify_api)
    campaign = create_campaign(api)
    sent_body, filed = worker(api)
    application = submitted(api, staff.maker, campaign["campaign_id"], filed["worker_id"])
    wait_for_statuses(api, application["application_id"], {"submitted": "sent"})
    acted(api, staff.checker, application["application_id"], "approve")

    items = wait_for_statuses(api, application["application_id"], {"submitted": "sent", "publicizing": "sent"})

    by_template = {item["template"]: item for item in items}
    assert by_template["publicizing"]["text"].startswith("【工会帮扶】")
    assert "3000元" in by_template["publicizing"]["text"]
    assert all(item["phone"] == masked_phone(sent_body["phone"]) for item in items)
    assert all(item["attempts"] == 1 and item["provider"] == "console" for item in items)
    log = sms_log(config)
    assert log.count(application["application_id"][-6:].upper()) == 1
    assert sent_body["phone"] not in log and masked_phone(sent_body["phone"]) in log


def test_an_approval_without_notice_tells_the_worker_once(notify_api, config):
    api, staff = notify_api, Staff(notify_api)
    campaign_id = create_campaign(api, publicity_days=0)["campaign_id"]
    one, batched = (
        submitted(api, staff.maker, campaign_id, worker(api)[1]["worker_id"])["application_id"] for _ in range(2)
    )
    assert acted(api, staff.checker, one, "approve")["status"] == "ready"
    response = api.post("/api/v1/applications/approve-batch", json={"application_ids": [batched]}, token=staff.checker)
    assert response.status_code == 200 and response.json()["approved"] == [batched], response.text

    for application_id in (one, batched):
        items = wait_for_statuses(api, application_id, {"submitted": "sent", "ready": "sent"})
        ready = next(item for item in items if item["template"] == "ready")
        assert ready["text"] == "【工会帮扶】您的2026年春节送温暖申请已通过审核，补助3000元将发放到您登记的银行卡。"
    assert sms_log(config).count("将发放到您登记的银行卡") == 2


def test_a_rejection_tells_the_worker_why(notify_api):
    api, staff = notify_api, Staff(notify_api)
    campaign = create_campaign(api)
    _body, filed = worker(api)
    application = submitted(api, staff.maker, campaign["campaign_id"], filed["worker_id"])
    acted(api, staff.checker, application["application_id"], "reject", reason="家庭人均收入高于当地困难标准")

    items = wait_for_statuses(api, application["application_id"], {"submitted": "sent", "rejected": "sent"})

    rejected = next(item for item in items if item["template"] == "rejected")
    assert "家庭人均收入高于当地困难标准" in rejected["text"]


def test_the_message_log_filters_and_needs_a_staff_token(notify_api):
    api, staff = notify_api, Staff(notify_api)
    campaign = create_campaign(api)
    _body, first = worker(api)
    _body, second = worker(api)
    mine = submitted(api, staff.maker, campaign["campaign_id"], first["worker_id"])
    other = submitted(api, staff.maker, campaign["campaign_id"], second["worker_id"])
    wait_for_statuses(api, other["application_id"], {"submitted": "sent"})

    items = wait_for_statuses(api, mine["application_id"], {"submitted": "sent"})
    assert [item["application_id"] for item in notifications(api, worker_id=first["worker_id"])] == [
        mine["application_id"]
    ]
    assert notifications(api, worker_id=first["worker_id"], status="failed") == []
    assert notifications(api, status="sent", template="submitted", application_id=mine["application_id"]) == items
    assert_error(api.get("/api/v1/notifications", token=None), 401, "unauthenticated")
    assert_error(api.get("/api/v1/notifications", token="wrong"), 401, "unauthenticated")
    assert_error(api.get("/api/v1/notifications", params={"status": "lost"}), 400, "validation_error")
    assert_error(api.get("/api/v1/notifications", params={"colour": "red"}), 400, "validation_error")


def test_a_message_at_23_00_is_deferred_and_goes_out_at_08_00(notify_api, movable_clock):
    api, staff = notify_api, Staff(notify_api)
    campaign = create_campaign(api)
    _body, filed = worker(api)
    movable_clock.set(datetime(2026, 8, 10, 23, 0, tzinfo=SHANGHAI))
    application = submitted(api, staff.maker, campaign["campaign_id"], filed["worker_id"])

    [deferred] = wait_for_statuses(api, application["application_id"], {"submitted": "deferred"})
    time.sleep(1)  # several dispatcher ticks at 23:00 send nothing
    assert notifications(api, application_id=application["application_id"]) == [deferred]
    assert deferred["sent_at"] is None and deferred["attempts"] == 0

    movable_clock.set(datetime(2026, 8, 11, 7, 59, 50, tzinfo=SHANGHAI))
    time.sleep(1)
    assert notifications(api, application_id=application["application_id"])[0]["status"] == "deferred"
    movable_clock.set(datetime(2026, 8, 11, 8, 0, 1, tzinfo=SHANGHAI))
    [sent] = wait_for_statuses(api, application["application_id"], {"submitted": "sent"})
    assert datetime.fromisoformat(sent["sent_at"]).astimezone(SHANGHAI) >= datetime(2026, 8, 11, 8, 0, tzinfo=SHANGHAI)
    assert sent["attempts"] == 1

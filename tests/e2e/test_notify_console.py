"""Notify with the default console provider: one SMS per application status, over HTTP and the real broker."""

from datetime import datetime
from pathlib import Path

import pytest

from shared.clock import SHANGHAI
from tests.e2e.aid_builders import Staff, acted, aid_api, create_campaign, submitted, worker  # noqa: F401
from tests.e2e.builders import assert_error, masked_phone
from tests.e2e.conftest import Api
from tests.e2e.notify_builders import movable_clock, notifications, wait_for_statuses  # noqa: F401


@pytest.fixture
def notify_api(aid_api, movable_clock):
    """The session's system (the console provider, its default), the business date pinned, the clock movable."""
    return aid_api


@pytest.fixture
def config(live):
    return live.settings


def sms_log(config, application_ids=None) -> str:
    """var/sms.log; given applications, only the lines of their messages (the shared system's log has others')."""
    path = Path(config["HARDSHIP_VAR_DIR"]) / "sms.log"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if application_ids is None:
        return text
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
    ours = {item["notification_id"] for a in application_ids for item in notifications(api, application_id=a)}
    return "".join(
        line for line in text.splitlines(keepends=True) if line.split("\t")[1:2] and line.split("\t")[1] in ours
    )


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
    assert sms_log(config, [one, batched]).count("将发放到您登记的银行卡") == 2


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
    # a later SMS deferred too: the dispatcher has ticked again at 23:00, and sent nothing
    later = submitted(api, staff.maker, campaign["campaign_id"], worker(api)[1]["worker_id"])
    wait_for_statuses(api, later["application_id"], {"submitted": "deferred"})
    assert notifications(api, application_id=application["application_id"]) == [deferred]
    assert deferred["sent_at"] is None and deferred["attempts"] == 0

    movable_clock.set(datetime(2026, 8, 11, 7, 59, 40, tzinfo=SHANGHAI))
    # and one just before 08:00: the dispatcher has ticked then, and sent nothing yet
    last = submitted(api, staff.maker, campaign["campaign_id"], worker(api)[1]["worker_id"])
    wait_for_statuses(api, last["application_id"], {"submitted": "deferred"})
    assert notifications(api, application_id=application["application_id"])[0]["status"] == "deferred"
    movable_clock.set(datetime(2026, 8, 11, 8, 0, 1, tzinfo=SHANGHAI))
    [sent] = wait_for_statuses(api, application["application_id"], {"submitted": "sent"})
    assert datetime.fromisoformat(sent["sent_at"]).astimezone(SHANGHAI) >= datetime(2026, 8, 11, 8, 0, tzinfo=SHANGHAI)
    assert sent["attempts"] == 1

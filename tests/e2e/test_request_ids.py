"""A request's id: answered in X-Request-Id, on the log lines it causes in the gateway, aid and notify,
and on the events it causes."""

import logging

import eventlet
import orjson
import pytest
from sqlalchemy import create_engine, select

from services.aid.models import outbox
from shared import request_ids
from tests.e2e import aid_builders
from tests.e2e.aid_builders import create_campaign, worker
from tests.e2e.conftest import Api
from tests.integration.conftest import wait_until

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned


@pytest.fixture
def log_records(caplog):
    previous = logging.getLogRecordFactory()
    request_ids.install_log_record_ids()
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="services")
    yield caplog
    logging.setLogRecordFactory(previous)


def test_the_client_id_is_answered_and_a_bad_or_missing_one_replaced(api):
    kept = api.get("/api/v1/nothing-here", headers={"X-Request-Id": "client-chose-this.1"})
    assert kept.status_code == 404 and kept.headers["X-Request-Id"] == "client-chose-this.1"

    made = [
        api.get("/api/v1/workers", headers=headers).headers["X-Request-Id"]
        for headers in (
            {},
            {"X-Request-Id": "has space"},
            {"X-Request-Id": "x" * 65},
            {"X-Request-Id": "13800138000"},
        )
    ]
    assert all(len(made_id) == 32 and int(made_id, 16) >= 0 for made_id in made), made
    assert len(set(made)) == len(made)


def test_one_id_on_the_log_lines_and_events_of_a_submitted_application(aid_api, live, log_records):
    caseworker = aid_api.token_for("caseworker")
    campaign = create_campaign(aid_api)
    _body, filed = worker(aid_api)

    response = aid_api.post(
        "/api/v1/applications",
        token=caseworker,
        headers={"X-Request-Id": "trace-me-42"},
        json={"campaign_id": campaign["campaign_id"], "worker_id": filed["worker_id"]},
    )
    assert response.status_code == 201, response.text
    assert response.headers["X-Request-Id"] == "trace-me-42"
    application_id = response.json()["application_id"]

    def traced():
        return [record for record in log_records.records if getattr(record, "request_id", None) == "trace-me-42"]

    def logged_by(name):
        return [record.getMessage() for record in traced() if record.name == name]

    wait_until(lambda: logged_by("services.notify.service"), timeout=20)
    [access_line] = logged_by("nameko.web.server")
    assert '"POST /api/v1/applications HTTP/1.1" 201' in access_line
    assert any(
        application_id in message and "submitted" in message for message in logged_by("services.aid.submissions")
    )
    assert logged_by("services.notify.service") == [f"SMS submitted for application {application_id} recorded"]
    # the three requests before it (user, campaign, worker) each had an id of their own
    others = {
        record.request_id
        for record in log_records.records
        if record.name == "nameko.web.server" and record.request_id != "trace-me-42"
    }
    assert len(others) == 3 and "-" not in others, others

    assert submitted_events(live.settings, [application_id]) == [(application_id, "trace-me-42")]


def submitted_events(settings, application_ids) -> list[tuple[str, str]]:
    """The application_submitted events in aid's outbox for these applications (the shared system has others')."""
    engine = create_engine(settings["AID_DB_URL"])
    try:
        with engine.connect() as connection:
            payloads = [
                orjson.loads(text)
                for text in connection.execute(
                    select(outbox.c.payload).where(outbox.c.event_type == "application_submitted")
                ).scalars()
            ]
    finally:
        engine.dispose()
    return [
        (payload["application_id"], payload["request_id"])
        for payload in payloads
        if payload["application_id"] in application_ids
    ]


def test_applications_sent_to_aid_together_keep_their_own_request_ids(aid_api, live):
    caseworker = aid_api.token_for("caseworker")
    campaign_id = create_campaign(aid_api)["campaign_id"]
    worker_ids = [worker(aid_api)[1]["worker_id"] for _ in range(8)]

    def submit(numbered):
        number, worker_id = numbered
        response = Api(aid_api.base_url).post(
            "/api/v1/applications",
            token=caseworker,
            headers={"X-Request-Id": f"together-{number}"},
            json={"campaign_id": campaign_id, "worker_id": worker_id},
        )
        assert response.status_code == 201, response.text
        return response.json()["application_id"], f"together-{number}"

    answered = list(eventlet.GreenPool(8).imap(submit, enumerate(worker_ids)))

    assert sorted(submitted_events(live.settings, [application_id for application_id, _ in answered])) == sorted(
        answered
    )

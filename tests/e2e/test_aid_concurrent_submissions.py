"""Submissions arriving at the same moment over HTTP (the gateway sends them to aid together):
each caller gets its own answer, and a household still gets one application per campaign."""

import eventlet

from tests.e2e import aid_builders
from tests.e2e.aid_builders import Staff, application, create_campaign, submit, worker
from tests.e2e.builders import assert_error
from tests.e2e.conftest import Api

aid_api = aid_builders.aid_api


def test_concurrent_submissions_each_get_their_own_answer(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    others = [worker(aid_api)[1]["worker_id"] for _ in range(10)]
    same = worker(aid_api)[1]["worker_id"]
    requests = [("distinct", worker_id) for worker_id in others] + [("same", same)] * 6

    def send(request):
        kind, worker_id = request
        return kind, worker_id, submit(Api(aid_api.base_url), staff.maker, campaign_id, worker_id)

    answers = list(eventlet.GreenPool(len(requests)).imap(send, requests))

    created = [response.json() for _kind, _worker_id, response in answers if response.status_code == 201]
    assert sorted(shown["worker_id"] for shown in created) == sorted(others + [same])
    for kind, _worker_id, response in answers:
        if response.status_code != 201:
            assert kind == "same"
            assert_error(response, 409, "duplicate_application")
    for shown in created:
        assert application(aid_api, shown["application_id"]) == shown

"""A worker checks their application with what the SMS gave them: the short 编号 and their ID number's last four."""

import re

from tests.e2e.aid_builders import TODAY, Staff, create_campaign, start_system, submitted, worker
from tests.e2e.builders import assert_error
from tests.e2e.console_client import Console
from tests.e2e.notify_builders import notifications
from tests.e2e.test_rate_limits import assert_rate_limited, client
from tests.integration.conftest import wait_until

NUMBER_IN_SMS = re.compile(r"编号([0-9A-F]{6})")


def test_the_number_in_the_sms_finds_the_application_in_any_case_within_the_rate_limit(runner_factory, config):
    _runner, api = start_system(
        runner_factory, config, HARDSHIP_TODAY=TODAY, PUBLIC_RATE_LIMIT_PER_MINUTE="6", TRUSTED_PROXY_HOPS="1"
    )
    staff = Staff(api)
    body, filed = worker(api)
    application_id = submitted(api, staff.maker, create_campaign(api)["campaign_id"], filed["worker_id"])[
        "application_id"
    ]
    sms = wait_until(lambda: notifications(api, application_id=application_id), 30)
    number = NUMBER_IN_SMS.search(sms[0]["text"]).group(1)
    assert number == application_id[-6:].upper()
    tail = body["id_number"][-4:]

    def lookup(name: str, id_last4: str, address: str = "203.0.113.20"):
        return api.get(
            f"/api/v1/public/applications/{name}/status",
            params={"id_last4": id_last4},
            token=None,
            headers=client(address),
        )

    for name in (number, number.lower(), application_id, application_id.upper()):
        found = lookup(name, tail)
        assert found.status_code == 200, (name, found.text)
        assert found.json().keys() == {"status", "program", "updated_at"}
        assert (found.json()["status"], found.json()["program"]) == ("submitted", "warmth")
    wrong_tail = f"{(int(tail[:3]) + 1) % 1000:03d}{tail[3]}"
    assert_error(lookup(number, wrong_tail), 404, "not_found")
    assert_error(lookup(f"{number[:5]}G", tail), 404, "not_found")

    visitor = Console(api.base_url)  # the console's page takes the same number, and names it as the SMS does
    visitor.http.headers.update(client("203.0.113.21"))
    page = visitor.submit("/public/status", "/public/status", {"application_id": number.lower(), "id_last4": tail})
    assert page.status_code == 200 and f"编号{number}" in page.text and "待审核" in page.text
    missed = visitor.submit("/public/status", "/public/status", {"application_id": number, "id_last4": wrong_tail})
    assert missed.status_code == 404 and "没有找到这份申请" in missed.text

    assert_rate_limited(lookup(number, tail), 20)  # the 7th lookup of this client in a minute: a right one too
    assert_rate_limited(lookup(number.lower(), wrong_tail), 20)

"""The message log's resend button: a failed SMS sent again from /notifications, as the API's /resend."""

from sqlalchemy import update

from services.notify.models import messages
from shared.db import make_engine
from tests.e2e.aid_builders import Staff, aid_api, create_campaign, submitted, worker  # noqa: F401
from tests.e2e.builders import new_user
from tests.e2e.console_client import signed_in
from tests.e2e.notify_builders import wait_for_statuses


def failed_message(live, aid_api) -> dict:
    """A worker's `submitted` SMS, sent by the console provider and then marked failed in notify's table, as a
    provider's permanent refusal leaves it (that path, with real provider clients: test_notify_providers.py)."""
    staff = Staff(aid_api)
    _body, registered = worker(aid_api)
    filed = submitted(aid_api, staff.maker, create_campaign(aid_api)["campaign_id"], registered["worker_id"])
    [message] = wait_for_statuses(aid_api, filed["application_id"], {"submitted": "sent"})
    engine = make_engine(live.settings["NOTIFY_DB_URL"])
    with engine.begin() as connection:
        connection.execute(
            update(messages)
            .where(messages.c.notification_id == message["notification_id"], messages.c.status == "sent")
            .values(status="failed", last_error="isv.MOBILE_NUMBER_ILLEGAL")
        )
    engine.dispose()
    return message


def test_a_caseworker_resends_a_failed_sms_from_the_log_and_only_a_failed_one(live, aid_api):
    message = failed_message(live, aid_api)
    notification_id, application_id = message["notification_id"], message["application_id"]
    log = f"/notifications?application_id={application_id}"
    resend = f"/notifications/{notification_id}/resend?application_id={application_id}&page=1"
    auditor = signed_in(aid_api.base_url, new_user(aid_api, "auditor")["token"])
    assert "/resend" not in auditor.get(log).text  # the API's roles: caseworker and admin
    assert auditor.submit(log, resend).status_code == 403
    caseworker = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    page = caseworker.get(log).text
    assert f'action="/notifications/{notification_id}/resend?' in page

    resent = caseworker.submit(log, resend)
    assert resent.status_code == 200 and 'id="resent"' in resent.text
    assert f'id="notification-{notification_id}"' in resent.text  # the log again, with its filter
    wait_for_statuses(aid_api, application_id, {"submitted": "sent"})
    again = caseworker.submit(log, resend)
    assert again.status_code == 409 and "只有发送失败的短信可以重发" in again.text
    assert caseworker.submit(log, f"/notifications/{'f' * 32}/resend").status_code == 404

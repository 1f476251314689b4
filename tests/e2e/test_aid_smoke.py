"""A warmth campaign from opening day to the public notice, over HTTP."""

from tests.e2e import aid_builders
from tests.e2e.builders import create_worker

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned (the notice ends in a known year)


def warmth_campaign(api, **overrides):
    body = {
        "program": "warmth",
        "name": "2026年春节送温暖",
        "year": 2026,
        "opens_on": "2026-01-01",
        "closes_on": "2026-12-31",
        "budget_fen": 1_000_000,
        "amounts": {"deep": 300_000, "relative": 200_000},
        "publicity_days": 5,
        **overrides,
    }
    response = api.post("/api/v1/campaigns", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_submit_approve_and_publish(aid_api):
    maker, checker = aid_api.token_for("caseworker"), aid_api.token_for("caseworker")
    campaign = warmth_campaign(aid_api)
    _body, worker = create_worker(aid_api, category="deep")

    submitted = aid_api.post(
        "/api/v1/applications",
        token=maker,
        json={"campaign_id": campaign["campaign_id"], "worker_id": worker["worker_id"]},
    )
    assert submitted.status_code == 201, submitted.text
    application = submitted.json()
    assert (application["status"], application["amount_fen"]) == ("submitted", 300_000)

    same = aid_api.post(f"/api/v1/applications/{application['application_id']}/approve", token=maker, json={})
    assert same.status_code == 409 and same.json()["error"]["code"] == "same_user"

    approved = aid_api.post(f"/api/v1/applications/{application['application_id']}/approve", token=checker, json={})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "publicizing"

    figures = aid_api.get(f"/api/v1/campaigns/{campaign['campaign_id']}").json()
    assert (figures["committed_fen"], figures["remaining_fen"]) == (300_000, 700_000)
    notice = aid_api.get(f"/api/v1/public/campaigns/{campaign['campaign_id']}/publicity", token=None).json()
    assert notice["items"] == [
        {
            "name": worker["name"],
            "id_number": worker["id_number"],
            "union": worker["union"],
            "category": "deep",
            "amount_fen": 300_000,
            "status": "publicizing",
            "publicity_ends_on": approved.json()["publicity_ends_on"],
        }
    ]
    lookup = aid_api.get(
        f"/api/v1/public/applications/{application['application_id']}/status?id_last4={worker['id_number'][-4:]}",
        token=None,
    )
    assert lookup.json()["status"] == "publicizing"
    assert (
        aid_api.get(
            f"/api/v1/public/applications/{application['application_id']}/status?id_last4=0000", token=None
        ).status_code
        == 404
    )


def test_approval_needs_no_body_at_all(aid_api):
    api = aid_api  # a campaign of 2026, whatever the wall clock says
    checker = api.token_for("caseworker")
    campaign = warmth_campaign(api, publicity_days=0)
    _body, worker = create_worker(api, category="relative")
    application = api.post(
        "/api/v1/applications", json={"campaign_id": campaign["campaign_id"], "worker_id": worker["worker_id"]}
    ).json()

    approved = api.post(f"/api/v1/applications/{application['application_id']}/approve", token=checker)

    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["amount_fen"]) == ("ready", 200_000)

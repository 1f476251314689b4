"""The public pages (公示 and status lookup): masked names and ID numbers only, and nothing to probe with."""

from tests.e2e import aid_builders
from tests.e2e.aid_builders import (
    Staff,
    acted,
    create_campaign,
    student,
    submitted,
    worker,
)
from tests.e2e.builders import assert_error, id_number_ending_in_x, masked_id

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned

PUBLIC_ITEM_KEYS = {"name", "id_number", "union", "amount_fen", "status", "publicity_ends_on"}


def secrets_of(body: dict) -> list[str]:
    """Everything of a worker body that must never appear on a public page."""
    found = [body["id_number"], body["phone"], body["bank"]["account"], body["id_number"][6:14]]
    found += [member["id_number"] for member in body["family"] if member.get("id_number")]
    return found + ([body["name"]] if len(body["name"]) > 1 else [])


def public(api, path: str):
    response = api.get(path, token=None)
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    return response


def test_the_notice_shows_masked_names_and_id_numbers_only(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    names = {"王刚": "王*", "张小明": "张*明", "欧阳丽娜": "欧**娜"}
    bodies, shown = [], []
    for name, category in zip(names, ("deep", "relative", "accident")):
        body, filed = worker(
            aid_api,
            name=name,
            category=category,
            union=f"{name[0]}氏工会",
            family=[{"name": "家属甲", "relation": "子女", "id_number": student()["id_number"]}],
        )
        bodies.append(body)
        shown.append(
            acted(
                aid_api,
                staff.checker,
                submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"],
                "approve",
            )
        )
    body, filed = worker(aid_api, name="刘备用")
    bodies.append(body)
    submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])  # not approved: not on the notice
    body, filed = worker(aid_api, name="孙不中")
    bodies.append(body)
    acted(
        aid_api,
        staff.checker,
        submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"],
        "reject",
        reason="收入超标",
    )

    response = public(aid_api, f"/api/v1/public/campaigns/{campaign_id}/publicity")

    assert response.status_code == 200, response.text
    items = sorted(response.json()["items"], key=lambda item: item["amount_fen"])
    assert all(set(item) == PUBLIC_ITEM_KEYS | {"category"} for item in items), items
    assert [
        (item["name"], item["id_number"], item["union"], item["category"], item["amount_fen"], item["status"])
        for item in items
    ] == [
        ("欧**娜", masked_id(bodies[2]["id_number"]), "欧氏工会", "accident", 150_000, "publicizing"),
        ("张*明", masked_id(bodies[1]["id_number"]), "张氏工会", "relative", 200_000, "publicizing"),
        ("王*", masked_id(bodies[0]["id_number"]), "王氏工会", "deep", 300_000, "publicizing"),
    ]
    text = response.content.decode("utf-8")
    for body in bodies:
        for secret in secrets_of(body):
            assert secret not in text, secret
    assert "刘*用" not in text and "孙*中" not in text


def test_the_education_notice_names_the_level_and_not_the_student(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, "education")["campaign_id"]
    body, filed = worker(aid_api, name="陈大文")
    child = student(name="陈小文", level="senior_high")
    acted(
        aid_api,
        staff.checker,
        submitted(aid_api, staff.maker, campaign_id, filed["worker_id"], student=child)["application_id"],
        "approve",
    )

    response = public(aid_api, f"/api/v1/public/campaigns/{campaign_id}/publicity")

    [item] = response.json()["items"]
    assert set(item) == PUBLIC_ITEM_KEYS | {"level"}
    assert (item["name"], item["id_number"], item["level"], item["amount_fen"]) == (
        "陈*文",
        masked_id(body["id_number"]),
        "senior_high",
        300_000,
    )
    text = response.content.decode("utf-8")
    for secret in secrets_of(body) + [child["id_number"], child["name"], child["school"], child["admission_notice_no"]]:
        assert secret not in text, secret


def test_status_lookup_needs_the_id_tail_and_answers_the_same_404_otherwise(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, "education")["campaign_id"]
    body, filed = worker(aid_api)
    application_id = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"], student=student())[
        "application_id"
    ]
    tail = body["id_number"][-4:]
    wrong = f"{(int(tail[:3]) + 1) % 1000:03d}{tail[3]}"

    found = public(aid_api, f"/api/v1/public/applications/{application_id}/status?id_last4={tail}")

    assert found.status_code == 200, found.text
    shown = found.json()
    assert set(shown) == {"status", "program", "updated_at"}
    assert (shown["status"], shown["program"]) == ("submitted", "education")
    misses = [
        public(aid_api, path)
        for path in (
            f"/api/v1/public/applications/{application_id}/status?id_last4={wrong}",
            f"/api/v1/public/applications/{application_id}/status?id_last4=",
            f"/api/v1/public/applications/{application_id}/status",
            f"/api/v1/public/applications/{application_id}/status?id_last4={body['id_number']}",
            f"/api/v1/public/applications/{'0' * 32}/status?id_last4={tail}",
            f"/api/v1/public/applications/not-an-id/status?id_last4={tail}",
        )
    ]
    for miss in misses:
        assert_error(miss, 404, "not_found")
    assert len({miss.content for miss in misses}) == 1, [miss.text for miss in misses]


def test_an_id_ending_in_x_matches_either_case(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    body, filed = worker(aid_api, id_number=id_number_ending_in_x())
    application_id = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"]
    for tail in (body["id_number"][-4:], body["id_number"][-4:].lower()):
        response = public(aid_api, f"/api/v1/public/applications/{application_id}/status?id_last4={tail}")
        assert (response.status_code, response.json().get("status")) == (200, "submitted"), response.text


def test_staff_views_of_applications_are_masked_too(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, "education")["campaign_id"]
    body, filed = worker(aid_api)
    child = student()
    application_id = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"], student=child)["application_id"]
    acted(aid_api, staff.checker, application_id, "approve")

    texts = [
        aid_api.get(f"/api/v1/applications/{application_id}").text,
        aid_api.get(f"/api/v1/applications?campaign_id={campaign_id}").text,
    ]

    for text in texts:
        for secret in secrets_of(body) + [child["id_number"], child["name"]]:
            assert secret not in text, secret


def test_an_unknown_campaign_has_no_notice(aid_api):
    assert_error(public(aid_api, f"/api/v1/public/campaigns/{'0' * 32}/publicity"), 404, "not_found")
    assert_error(public(aid_api, "/api/v1/public/campaigns/nope/publicity"), 404, "not_found")

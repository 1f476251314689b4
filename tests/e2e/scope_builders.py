"""Builders for the scope tests (帮扶中心网络): a district of their own with two base unions under the root, names
tagged, a caseworker (two, for maker-checker) in each unit and a worker filed in each base union."""

import pytest

from tests.e2e.aid_builders import submitted
from tests.e2e.builders import add_unit, new_user, own_tag, root_unit, valid_worker


@pytest.fixture
def branch(aid_api):
    tag = own_tag()
    district = add_unit(aid_api, f"城南区总工会{tag}", root_unit(aid_api), "district")
    units = {
        "district": district,
        "mill": add_unit(aid_api, f"纺织厂工会{tag}", district["org_unit_id"], "base"),
        "works": add_unit(aid_api, f"机械厂工会{tag}", district["org_unit_id"], "base"),
    }
    tokens = {
        f"{label}{suffix}": new_user(aid_api, "caseworker", org_unit_id=unit["org_unit_id"])["token"]
        for label, unit in units.items()
        for suffix in ("", "_checker")
    }
    workers = {label: registered(aid_api, tokens[label], units[label]["name"]) for label in ("mill", "works")}
    return {"units": units, "tokens": tokens, "workers": workers}


def registered(api, token: str, union: str) -> dict:
    """A worker filed by that caseworker in the union of that name, its 201 body."""
    response = api.post("/api/v1/workers", json=valid_worker(union=union), token=token)
    assert response.status_code == 201, response.text
    return response.json()


def filed(api, branch, campaign_id: str, label: str) -> str:
    """An application for the worker of that base union, filed by its own caseworker."""
    return submitted(api, branch["tokens"][label], campaign_id, branch["workers"][label]["worker_id"])["application_id"]


def moved_to(api, branch, label: str, to: str) -> None:
    """The worker of one base union moved to the other by the district."""
    moved = api.patch(
        f"/api/v1/workers/{branch['workers'][label]['worker_id']}",
        json={"union": branch["units"][to]["name"], "reason": "职工调到另一家工厂工作"},
        token=branch["tokens"]["district"],
    )
    assert moved.status_code == 200, moved.text

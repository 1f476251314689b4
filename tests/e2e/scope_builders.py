"""Builders for the scope tests (帮扶中心网络): a district of their own with two base unions under the root, names
tagged, a caseworker (two, for maker-checker) in each unit and a worker filed in each base union (`branch`); and a
record of every kind owned by one unit, with users of every role around it (`World`, for the authorization
matrix)."""

import pytest

from shared.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from tests.e2e.aid_builders import acted, campaign_body, submitted
from tests.e2e.builders import add_unit, fresh_id_number, new_user, own_tag, root_unit, valid_worker
from tests.fakes.sheets import generate_workers, to_csv_bytes
from tests.integration.conftest import wait_until


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


VIEWPOINTS = ("sibling", "child", "own", "parent")  # the refusing ones first: they must change nothing
STAFF_ROLES = ("admin", "caseworker", "finance", "auditor")
WORKER_NAME = "司马青云"  # no other test's worker: a sibling's answers must not hold it, masked or not


class World:
    """A record of every kind owned by one district (`own`), and users of every role in it, in a base union below it
    (`child`), in another district (`sibling`) and in the root (`parent`): what the authorization matrix tries.

    The worker's application is approved (no 公示, so ready) and put in a bank batch; the worker opted out of SMS
    after its messages were recorded."""

    viewpoints = VIEWPOINTS
    parent_is_root = True  # whose users see every test's records: a list of theirs is not one page of these
    worker_name = WORKER_NAME

    def __init__(self, api):
        self.api = api
        self.tag = own_tag()
        self.units = self._units(root_unit(api))
        self.tokens = {
            (viewpoint, role): new_user(api, role, org_unit_id=unit["org_unit_id"])["token"]
            for viewpoint, unit in self.units.items()
            for role in STAFF_ROLES
        }
        self.ids = self._records()
        self._check_shown_to_its_unit()
        for viewpoint, unit in self.units.items():  # each donor account names the first unit's donor
            account = new_user(api, "donor", donor_id=self.ids["donor_id"], org_unit_id=unit["org_unit_id"])
            self.tokens[viewpoint, "donor"] = account["token"]

    def _units(self, root: str) -> dict:
        own = add_unit(self.api, f"甲区总工会{self.tag}", root, "district")
        return {
            "own": own,
            "child": add_unit(self.api, f"甲区纺织厂工会{self.tag}", own["org_unit_id"], "base"),
            "sibling": add_unit(self.api, f"乙区总工会{self.tag}", root, "district"),
            "parent": {"org_unit_id": root},
        }

    def token(self, viewpoint: str, role: str) -> str:
        return self.tokens[viewpoint, role]

    def _call(self, method: str, path: str, role: str, expected=(200, 201), **kwargs) -> dict:
        response = self.api.call(method, path, token=self.token("own", role), **kwargs)
        assert response.status_code in expected, (method, path, response.status_code, response.text)
        return response.json()

    def _records(self) -> dict:
        api, own = self.api, self.units["own"]
        body = valid_worker(union=own["name"], name=self.worker_name, employer=f"甲区机械厂{self.tag}")
        worker_id = self._call("POST", "/api/v1/workers", "caseworker", json=body)["worker_id"]
        bank = {"bank": {"name": "中国银行", "account": "6217000011112222333"}}
        change = self._call("PATCH", f"/api/v1/workers/{worker_id}", "caseworker", (202,), json=bank)
        other = {**generate_workers(1, seed=3)[0], "union": own["name"], "id_number": fresh_id_number()}
        sheet = to_csv_bytes([other])  # another worker of the unit: the first one's values stay as filed
        import_id = self._call("POST", "/api/v1/workers/import?filename=w.csv", "caseworker", data=sheet)["import_id"]
        money = self._money(worker_id, "某公司")
        application_id = money["application_id"]
        (message,) = wait_until(
            lambda: api.get(f"/api/v1/notifications?application_id={application_id}").json()["items"][:1], 30
        )
        self._call("POST", f"/api/v1/workers/{worker_id}/sms-opt-out", "caseworker", json={"reason": "本人要求"})
        account = new_user(api, "caseworker", org_unit_id=own["org_unit_id"])
        return {
            "worker_id": worker_id,
            "id_number": body["id_number"],
            "change_request_id": change["change_request_id"],
            "import_id": import_id,
            **money,
            "notification_id": message["notification_id"],
            "user_id": account["user_id"],
            "org_unit_id": own["org_unit_id"],
            "child_unit_id": self.units["child"]["org_unit_id"],
            "worker": body,
            "new_account": bank["bank"]["account"],  # the change request's
        }

    def _money(self, worker_id: str, donor_name: str) -> dict:
        """The own unit's money records: a campaign with the worker's application approved, a donor's gift and a batch
        paying the application."""
        api, own = self.api, self.units["own"]
        campaign_id = self._call("POST", "/api/v1/campaigns", "admin", json=campaign_body(publicity_days=0))[
            "campaign_id"
        ]
        application_id = submitted(api, self.token("own", "caseworker"), campaign_id, worker_id)["application_id"]
        checker = new_user(api, "caseworker", org_unit_id=own["org_unit_id"])["token"]
        assert acted(api, checker, application_id, "approve")["status"] == "ready"
        donor_id = self._call("POST", "/api/v1/donors", "finance", json={"name": donor_name, "kind": "organization"})[
            "donor_id"
        ]
        gift = {
            "donor_id": donor_id,
            "amount_fen": 100_000,
            "campaign_id": None,
            "received_on": "2026-08-01",
            "external_ref": f"GIFT-{self.tag}",
        }
        self._call("POST", "/api/v1/donations", "finance", json=gift)
        batch_id = self._call("POST", "/api/v1/disbursement-batches", "finance", json={"campaign_id": campaign_id})[
            "batch_id"
        ]
        return {
            "campaign_id": campaign_id,
            "application_id": application_id,
            "donor_id": donor_id,
            "external_ref": gift["external_ref"],
            "batch_id": batch_id,
        }

    def personal_values(self) -> list[str]:
        """Everything of the first unit's worker that a sibling must never be shown, in full or masked: as filed, and
        the bank account of their change request."""
        new_account = self.ids["new_account"]
        return [*self._as_filed(), new_account, mask_bank_account(new_account)]

    def _check_shown_to_its_unit(self) -> None:
        """The worker's own unit is shown each value (masked, and in full when revealed): a scan for them would
        otherwise look for what no answer ever holds."""
        worker = f"/api/v1/workers/{self.ids['worker_id']}"
        token = self.token("own", "caseworker")
        shown = "".join(self.api.get(worker + reveal, token=token).text for reveal in ("", "?reveal=1"))
        assert [value for value in self._as_filed() if value not in shown] == []

    def _as_filed(self) -> list[str]:
        worker = self.ids["worker"]
        return [
            self.worker_name,
            mask_name(self.worker_name),
            worker["id_number"],
            mask_id_number(worker["id_number"]),
            worker["phone"],
            mask_phone(worker["phone"]),
            worker["bank"]["account"],
            mask_bank_account(worker["bank"]["account"]),
        ]


class BaseUnionWorld(World):
    """The money of a base union (`own`, under a district under the root): a donor and their gift, and a campaign of its
    own whose approved application is in a bank batch; users of every role in it, in its district (`parent`: the
    district's staff, not the root's, see their child unit's records), in another base union of that district
    (`sibling`) and in the district beside it (`cousin`). What the matrix tries for donors, donations, batches,
    reconciliation and reports a step below the root."""

    viewpoints = ("sibling", "cousin", "own", "parent")
    parent_is_root = False
    worker_name = "欧阳紫霞"  # no other test's worker, as WORKER_NAME

    def _units(self, root: str) -> dict:
        district = add_unit(self.api, f"丙区总工会{self.tag}", root, "district")
        below = district["org_unit_id"]
        return {
            "own": add_unit(self.api, f"丙区纺织厂工会{self.tag}", below, "base"),
            "parent": district,
            "sibling": add_unit(self.api, f"丙区机械厂工会{self.tag}", below, "base"),
            "cousin": add_unit(self.api, f"丁区总工会{self.tag}", root, "district"),
        }

    def _records(self) -> dict:
        own = self.units["own"]
        body = valid_worker(union=own["name"], name=self.worker_name, employer=f"丙区纺织厂{self.tag}")
        worker_id = self._call("POST", "/api/v1/workers", "caseworker", json=body)["worker_id"]
        money = self._money(worker_id, "某商户")
        return {
            "worker_id": worker_id,
            **money,
            "org_unit_id": own["org_unit_id"],
            "worker": body,
        }

    def personal_values(self) -> list[str]:
        return self._as_filed()

"""Builders for end-to-end tests: synthetic, valid worker bodies with fresh personal numbers, and the union units
they name."""

import itertools
import json
import random
import uuid
from datetime import date, timedelta

from shared.validation import id_check_char
from tests.conftest import SHARED_DATA
from tests.fakes.sheets import UNIONS
from tests.fakes.unions import unit_body

_rng = random.Random()
_serial = itertools.count(1)
_used: set[str] = set()
# per running system (its gateway's URL): the root's id, and the unions made under it (those of tests/fakes/unions.py
# are there from the start)
_roots: dict[str, str] = {}
_unions: dict[str, set[str]] = {}

SAMPLE_CSV = SHARED_DATA / "workers_sample.csv"
SAMPLE_XLSX = SHARED_DATA / "workers_sample.xlsx"
SAMPLE_ERRORS = SHARED_DATA / "workers_sample.expected-errors.json"


def fresh_id_number(birth: date | None = None, male: bool | None = None, region: str = "110105") -> str:
    """A valid 18-character resident ID number never handed out before in this test run."""
    while True:
        born = birth or date(1960, 1, 1) + timedelta(days=_rng.randrange(365 * 40))
        serial = _rng.randrange(1000)
        if male is not None and (serial % 2 == 1) != male:
            serial = (serial + 1) % 1000
        first17 = f"{region}{born:%Y%m%d}{serial:03d}"
        if first17 not in _used:
            _used.add(first17)
            return first17 + id_check_char(first17)


def fresh_phone() -> str:
    return f"139{next(_serial) % 10_000:04d}{_rng.randrange(10_000):04d}"


def fresh_account() -> str:
    return f"6217{_rng.randrange(10**15):015d}"


def valid_worker(**overrides) -> dict:
    """A complete POST /api/v1/workers body; keyword arguments replace top-level fields."""
    body = {
        "name": "张小明",
        "id_number": fresh_id_number(),
        "phone": fresh_phone(),
        "employer": "市第一纺织厂",
        "union": "纺织工会",
        "category": "deep",
        "reasons": ["illness", "education"],
        "household_size": 3,
        "household_monthly_income_fen": 450_001,
        "bank": {"name": "中国工商银行", "account": fresh_account()},
        "family": [],
        "filed_on": "2025-03-15",
    }
    body.update(overrides)
    return body


def masked_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def sample_expected_errors() -> set[tuple[int, str]]:
    return {(item["row"], item["field"]) for item in json.loads(SAMPLE_ERRORS.read_text("utf-8"))}


def sample_data_rows() -> int:
    """Data rows of the sample CSV (non-empty lines after the header)."""
    lines = SAMPLE_CSV.read_text("utf-8-sig").splitlines()
    return sum(1 for line in lines[1:] if line.strip(", "))


def rejected_set(result: dict) -> set[tuple[int, str]]:
    return {(item["row"], item["field"]) for item in result["rejected"]}


def assert_error(response, status: int, code: str) -> dict:
    """The response is CONTRACT.md's error model with this status and code; returns the error object."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"], body
    return error


def total_workers(api) -> int:
    response = api.get("/api/v1/workers")
    assert response.status_code == 200, response.text
    return response.json()["total"]


def root_unit(api) -> str:
    """The org_unit_id of the running system's root."""
    if api.base_url not in _roots:
        items = api.get("/api/v1/org-units?per_page=500").json()["items"]
        (_roots[api.base_url],) = [unit["org_unit_id"] for unit in items if unit["parent_id"] is None]
    return _roots[api.base_url]


def add_unit(api, name: str, parent_id: str, level: str, token=None, **kwargs) -> dict:
    """A new union unit (as the admin unless another token is given); returns the 201 body."""
    body = {"name": name, "parent_id": parent_id, "level": level}
    response = api.post("/api/v1/org-units", json=body, **({"token": token} if token else {}), **kwargs)
    assert response.status_code == 201, response.text
    return response.json()


def union_unit(api, name: str) -> None:
    """A base union of that name under the root, made once per system: a worker's union names a unit."""
    made = _unions.setdefault(api.base_url, set(UNIONS))
    if name not in made:
        response = api.post("/api/v1/org-units", json=unit_body(root_unit(api), name))
        assert response.status_code in (201, 409), response.text  # 409: another test made it
        made.add(name)


def create_worker(api, token=None, **overrides) -> tuple[dict, dict]:
    """Registers a valid worker, in a base union under the root made if need be (unless the body names its unit by
    org_unit_id); returns (the body sent, the 201 response body)."""
    body = valid_worker(**overrides)
    if "org_unit_id" not in body:
        union_unit(api, body["union"])
    kwargs = {"token": token} if token else {}
    response = api.post("/api/v1/workers", json=body, **kwargs)
    assert response.status_code == 201, response.text
    return body, response.json()


def new_donor(api, token=None, **fields) -> dict:
    """A donor (as the admin unless another token is given; in the caller's unit unless `org_unit_id` names another);
    returns the 201 body."""
    body = {"name": "测试捐赠人", "kind": "individual", **fields}
    response = api.post("/api/v1/donors", json=body, **({"token": token} if token else {}))
    assert response.status_code == 201, response.text
    return response.json()


def new_user(api, role: str, donor_id: str | None = None, org_unit_id: str | None = None) -> dict:
    """Creates a user as the admin (in the admin's unit unless told another); returns the 201 body (user_id, name,
    role, org_unit_id, token). A donor's account names the donor given, else a new one of the root's: it can only
    name a donor that exists."""
    body = {"name": f"测试{role}", "role": role}
    if role == "donor" and donor_id is None:
        donor_id = new_donor(api)["donor_id"]
    if donor_id:
        body["donor_id"] = donor_id
    if org_unit_id:
        body["org_unit_id"] = org_unit_id
    response = api.post("/api/v1/users", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def accounts_by_id(api, **kwargs) -> dict:
    """Every account the admin (the bootstrap admin unless a token is given) lists, page by page: the shared system
    holds every test's users."""
    found, page = {}, 1
    while True:
        listing = api.get(f"/api/v1/users?per_page=500&page={page}", **kwargs).json()
        found.update((account["user_id"], account) for account in listing["items"])
        if len(listing["items"]) < 500:
            assert listing["total"] == len(found)
            return found
        page += 1


def id_number_ending_in_x() -> str:
    """A fresh valid ID number whose check character is X."""
    while True:
        number = fresh_id_number()
        if number.endswith("X"):
            return number


def own_tag() -> str:
    """A mark no other test's data carries: put it in a test's unions or employers, then search by it.

    The e2e tests share one running system, so a list answers about every test's workers; a test
    proves what it means about its own (`?union=<its union>`, `?q=<its tag>`)."""
    return f"t{uuid.uuid4().hex[:12]}"


def listed(api, query: str = "", **kwargs) -> dict:
    response = api.get("/api/v1/workers" + query, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def tagged_rows(rows: list[dict], tag: str) -> list[dict]:
    """Generated sheet rows (tests.fakes.sheets) made this test's own on the shared system: fresh ID numbers
    (an ID ending in X keeps an X) and the tag after each employer, so `?q=<tag>` finds exactly these workers."""
    own = []
    for row in rows:
        number = id_number_ending_in_x() if row["id_number"].endswith("X") else fresh_id_number()
        while number.endswith("X") != row["id_number"].endswith("X"):
            number = fresh_id_number()
        own.append(row | {"id_number": number, "employer": row["employer"] + tag})
    return own


def tagged_total(api, tag: str) -> int:
    """How many workers the register holds under this test's tag."""
    return listed(api, f"?q={tag}")["total"]

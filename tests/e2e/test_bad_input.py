"""Every endpoint × bad input: the right status and code in the JSON error model, and nothing written.

Each case is a list of variants; every variant must answer exactly as expected (never a 500) and leave
the worker count, the target worker's version and status, and the user count as they were.
"""

import json
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, func, select, table
from sqlalchemy.engine import Engine

from tests.e2e.builders import SAMPLE_CSV, assert_error, fresh_id_number, new_user, valid_worker

ONE_MIB = 1024 * 1024
JSON = {"Content-Type": "application/json"}


@dataclass
class Variant:
    kwargs: dict
    status: int
    code: str
    fields: tuple = ()  # when given, exactly the top-level keys of error.fields
    path: str | None = None  # overrides the endpoint's path


@dataclass
class World:
    worker_id: str
    tokens: dict
    gateway_db: Engine
    snapshot: dict = field(default_factory=dict)


ENDPOINTS = {
    "create_worker": ("POST", "/api/v1/workers"),
    "patch_worker": ("PATCH", "/api/v1/workers/{worker_id}"),
    "worker_status": ("POST", "/api/v1/workers/{worker_id}/status"),
    "create_user": ("POST", "/api/v1/users"),
    "import": ("POST", "/api/v1/workers/import"),
    "list_workers": ("GET", "/api/v1/workers"),
    "get_worker": ("GET", "/api/v1/workers/{worker_id}"),
    "get_import": ("GET", "/api/v1/imports/0123456789abcdef0123456789abcdef"),
}
JSON_ENDPOINTS = ("create_worker", "patch_worker", "worker_status", "create_user")
FORBIDDEN = {
    "create_worker": ("auditor", "finance", "donor"),
    "patch_worker": ("auditor", "finance", "donor"),
    "worker_status": ("auditor", "finance", "donor"),
    "create_user": ("caseworker", "finance", "auditor", "donor"),
    "import": ("auditor", "finance", "donor"),
    "list_workers": ("donor",),
    "get_worker": ("donor",),
    "get_import": ("donor",),
}


def valid_body(endpoint: str) -> dict:
    return {
        "create_worker": valid_worker,
        "patch_worker": lambda: {"household_size": 5},
        "worker_status": lambda: {"status": "suspended", "reason": "核查"},
        "create_user": lambda: {"name": "新用户", "role": "auditor"},
    }[endpoint]()


def with_fields(endpoint: str, **changes) -> dict:
    return {**valid_body(endpoint), **changes}


def without(endpoint: str, name: str) -> dict:
    body = valid_body(endpoint)
    del body[name]
    return body


def bad_json(endpoint, status, code, bodies, *fields_per_body) -> list[Variant]:
    return [Variant({"json": body}, status, code, fields) for body, fields in zip(bodies, fields_per_body)]


def wrong_types(endpoint: str) -> list[Variant]:
    pairs = {
        "create_worker": [
            ("household_size", "3"),
            ("household_size", True),
            ("household_size", 1.5),
            ("household_size", None),
            ("name", 123),
            ("phone", 13800138000),
            ("id_number", 110105199003071234),
            ("reasons", "illness"),
            ("reasons", [1]),
            ("bank", "中国银行"),
            ("family", {}),
            ("filed_on", 20250101),
            ("household_monthly_income_fen", "4500"),
            ("household_monthly_income_fen", 4500.5),
            ("category", ["deep"]),
        ],
        "patch_worker": [
            ("household_size", "3"),
            ("household_size", True),
            ("household_size", 1.5),
            ("name", 123),
            ("bank", []),
            ("filed_on", "2025/13/01"),
            ("reasons", "illness"),
            ("union", {"a": 1}),
        ],
        "worker_status": [("status", 1), ("status", ["exited"]), ("reason", 5), ("reason", None)],
        "create_user": [("name", 123), ("role", ["admin"]), ("donor_id", 42), ("name", None)],
    }[endpoint]
    return [
        Variant({"json": with_fields(endpoint, **{name: value})}, 400, "validation_error", (name,))
        for name, value in pairs
    ]


def missing(endpoint: str) -> list[Variant]:
    if endpoint == "create_worker":
        names = (
            "name",
            "id_number",
            "phone",
            "employer",
            "union",
            "category",
            "reasons",
            "household_size",
            "household_monthly_income_fen",
            "bank",
        )
        variants = [Variant({"json": without(endpoint, name)}, 400, "validation_error", (name,)) for name in names]
        no_account = with_fields(endpoint, bank={"name": "中国银行"})
        return variants + [Variant({"json": no_account}, 400, "validation_error", ("bank",))]
    if endpoint == "patch_worker":  # nothing is required in a PATCH, but required fields cannot be emptied
        return [
            Variant({"json": {name: None}}, 400, "validation_error", (name,))
            for name in ("name", "phone", "bank", "filed_on", "household_size")
        ]
    names = ("status", "reason") if endpoint == "worker_status" else ("name", "role")
    return [Variant({"json": without(endpoint, name)}, 400, "validation_error", (name,)) for name in names] + [
        Variant({"json": {}}, 400, "validation_error", names),
    ]


def unknown_fields(endpoint: str) -> list[Variant]:
    extras = {
        "create_worker": [("foo", 1), ("worker_id", "x"), ("status", "exited"), ("version", 3)],
        "patch_worker": [("id_number", fresh_id_number()), ("version", 9), ("status", "exited"), ("gender", "male")],
        "worker_status": [("at", "2025-01-01T00:00:00+08:00"), ("actor", "admin:x")],
        "create_user": [("token", "abc"), ("user_id", "x")],
    }[endpoint]
    variants = [
        Variant({"json": with_fields(endpoint, **{name: value})}, 400, "validation_error", (name,))
        for name, value in extras
    ]
    if endpoint == "create_worker":
        bank = {"name": "中国银行", "account": "6222020200012345678", "branch": "x"}
        variants.append(Variant({"json": with_fields(endpoint, bank=bank)}, 400, "validation_error", ("bank",)))
    return variants


def hidden_or_formula_text(endpoint: str) -> list[Variant]:
    """CONTRACT.md's text rule: typed text with control or format characters, or starting like a formula."""
    pairs = {
        "create_worker": [
            ("name", '=HYPERLINK("http://x.example","王芳")'),
            ("employer", "市环卫处\u202e"),
            ("union", "@交通工会"),
            ("name", "王\u200b芳"),
            ("bank", {"name": "中国银行\n", "account": "6222020200012345678"}),
            ("bank", {"name": "中国银行", "account": "６２２２０２０２０００１２３４５６７８"}),
            ("family", [{"name": "-王小芳", "relation": "女儿"}]),
        ],
        "patch_worker": [
            ("name", "+王芳"),
            ("employer", "市环卫处\r\n"),
            ("bank", {"name": "\u2066中国银行", "account": "6222020200012345678"}),
        ],
        "worker_status": [("reason", "=1+1"), ("reason", "核查\u2028完毕")],
        "create_user": [("name", "@admin"), ("name", "王\ufeff芳")],
    }[endpoint]
    return [
        Variant({"json": with_fields(endpoint, **{name: value})}, 400, "validation_error", (name,))
        for name, value in pairs
    ]


def malformed(endpoint: str) -> list[Variant]:
    texts = ['{"name": ', "{'name': 1}", "", '{"a": 1,}', "[" * 5000 + "]" * 5000]
    raw = [Variant({"data": text.encode(), "headers": JSON}, 400, "bad_request") for text in texts]
    return raw + [Variant({"data": b"\xff\xfe{}", "headers": JSON}, 400, "bad_request")]


def not_an_object(endpoint: str) -> list[Variant]:
    return [
        Variant({"data": text, "headers": JSON}, 400, "bad_request") for text in ("[1]", '"text"', "null", "42", "[]")
    ]


def oversized_json(endpoint: str) -> list[Variant]:
    """One byte over MAX_BODY_BYTES is refused unread; exactly at the limit is read (and then invalid)."""
    long_field = "reason" if endpoint == "worker_status" else "name"

    def body_of(size: int) -> bytes:
        base = json.dumps(with_fields(endpoint, **{long_field: ""})).encode()
        return json.dumps(with_fields(endpoint, **{long_field: "x" * (size - len(base))})).encode()

    return [
        Variant({"data": body_of(ONE_MIB + 1), "headers": JSON}, 413, "payload_too_large"),
        Variant({"data": body_of(ONE_MIB), "headers": JSON}, 400, "validation_error", (long_field,)),
    ]


def wrong_content_type(endpoint: str) -> list[Variant]:
    body = json.dumps(valid_body(endpoint)).encode()
    types = ("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x")
    return [Variant({"data": body, "headers": {"Content-Type": kind}}, 415, "unsupported_media_type") for kind in types]


def request_body(endpoint: str) -> dict:
    if endpoint in JSON_ENDPOINTS:
        return {"json": valid_body(endpoint)}
    if endpoint == "import":
        return {"data": SAMPLE_CSV.read_bytes()}
    return {}


def unauthenticated(endpoint: str) -> list[Variant]:
    """No token at all, then a wrong token, an empty one and the admin token without the Bearer scheme."""
    headers = ("Bearer not-a-real-token", "Bearer ", "Basic dGVzdDp0ZXN0", "test-admin-token", "Token test-admin-token")
    return [Variant({**request_body(endpoint), "token": None}, 401, "unauthenticated")] + [
        Variant({**request_body(endpoint), "token": None, "headers": {"Authorization": value}}, 401, "unauthenticated")
        for value in headers
    ]


def forbidden(endpoint: str) -> list[Variant]:
    variants = [Variant({**request_body(endpoint), "token": role}, 403, "forbidden") for role in FORBIDDEN[endpoint]]
    if endpoint == "get_worker":
        variants += [
            Variant({"token": role, "params": {"reveal": "1"}}, 403, "forbidden") for role in ("auditor", "finance")
        ]
    return variants


def oversized_import(limit: int) -> list[Variant]:
    big = b"a" * (limit + 1)
    return [
        Variant({"data": big, "headers": {"Content-Type": "text/csv"}}, 413, "payload_too_large"),
        Variant({"files": {"file": ("big.csv", big)}}, 413, "payload_too_large"),
    ]


def unreadable_import(endpoint: str) -> list[Variant]:
    uploads = [
        {"data": b""},
        {"data": b"\x00\x01garbage"},
        {"data": b"PK\x03\x04broken"},
        {"data": b'{"name": "x"}', "headers": JSON},
        {"files": {"file": ("empty.csv", b"")}},
        {"files": {"upload": ("a.csv", SAMPLE_CSV.read_bytes())}},
        {"data": b"--x\r\nbroken", "headers": {"Content-Type": "multipart/form-data; boundary=x"}},
        {"data": b"whatever", "headers": {"Content-Type": "multipart/form-data"}},
    ]
    return [Variant(upload, 400, "validation_error", ("file",)) for upload in uploads]


def bad_list_query(endpoint: str) -> list[Variant]:
    query = [
        ("per_page=abc", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=501", "per_page"),
        ("per_page=1.5", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=100000000000000000000", "page"),
        ("category=poor", "category"),
        ("status=dead", "status"),
        ("id_number=123", "id_number"),
        ("id_number=110105199003071235", "id_number"),
        ("q=" + "长" * 51, "q"),
        ("foo=1", "foo"),
    ]
    variants = [Variant({"params": text}, 400, "validation_error", (name,)) for text, name in query]
    return variants + [Variant({"params": "per_page=1&per_page=2"}, 400, "bad_request")]


def unknown_ids(endpoint: str) -> list[Variant]:
    base = "/api/v1/workers/" if endpoint == "get_worker" else "/api/v1/imports/"
    ids = ("0123456789abcdef0123456789abcdef", "nobody", "x" * 300, "张三", "1%20OR%201=1")
    return [Variant({}, 404, "not_found", path=base + worker_id) for worker_id in ids]


CASES = {
    **{
        (endpoint, kind.__name__): kind
        for endpoint in JSON_ENDPOINTS
        for kind in (
            wrong_types,
            missing,
            unknown_fields,
            hidden_or_formula_text,
            malformed,
            not_an_object,
            oversized_json,
            wrong_content_type,
            unauthenticated,
            forbidden,
        )
    },
    **{
        (endpoint, kind.__name__): kind
        for endpoint in ("import", "list_workers", "get_worker", "get_import")
        for kind in (unauthenticated, forbidden)
    },
    ("import", "oversized_import"): None,
    ("import", "unreadable_import"): unreadable_import,
    ("list_workers", "bad_list_query"): bad_list_query,
    ("get_worker", "unknown_ids"): unknown_ids,
    ("get_import", "unknown_ids"): unknown_ids,
}


@pytest.fixture
def world(api, live):
    config = live.settings
    created = api.post("/api/v1/workers", json=valid_worker())
    assert created.status_code == 201, created.text
    tokens = {role: new_user(api, role)["token"] for role in ("caseworker", "finance", "auditor", "donor")}
    world = World(created.json()["worker_id"], tokens, create_engine(config["GATEWAY_DB_URL"]))
    world.snapshot = state(api, world)
    yield world
    world.gateway_db.dispose()


def state(api, world: World) -> dict:
    worker = api.get(f"/api/v1/workers/{world.worker_id}").json()
    with world.gateway_db.connect() as connection:
        users = connection.execute(select(func.count()).select_from(table("users"))).scalar()
    workers = api.get("/api/v1/workers").json()["total"]
    return {"workers": workers, "users": users, "version": worker["version"], "status": worker["status"]}


@pytest.mark.parametrize("endpoint,kind", list(CASES), ids=[f"{e}-{k}" for e, k in CASES])
def test_bad_input_is_refused_cleanly(api, live, world, endpoint, kind):
    config = live.settings
    make = CASES[(endpoint, kind)]
    variants = oversized_import(int(config["IMPORT_MAX_BYTES"])) if make is None else make(endpoint)
    assert variants
    method, path = ENDPOINTS[endpoint]
    for variant in variants:
        kwargs = dict(variant.kwargs)
        if "token" in kwargs and kwargs["token"] in world.tokens:
            kwargs["token"] = world.tokens[kwargs["token"]]
        url = (variant.path or path).format(worker_id=world.worker_id)
        response = api.call(method, url, **kwargs)
        error = assert_error(response, variant.status, variant.code)
        if variant.fields:
            assert set(error.get("fields") or {}) == set(variant.fields), (variant, error)
        assert state(api, world) == world.snapshot, variant

"""The edge: the core's errors become the HTTP contract's, byte for byte, with the status the contract gives."""

import ast
import inspect
from pathlib import Path

import pytest
from nameko.exceptions import deserialize, serialize

from shared.domain_errors import Forbidden, Invalid, NotFound, Refused
from shared.edge import answers_in_contract_terms, service_error
from shared.errors import ServiceError
from shared.rpc import rpc


def test_a_refusal_is_409_with_its_code_message_and_extra_fields():
    error = service_error(
        Refused("invalid_transition", "申请当前为「已发放」，不能执行此操作", {"status": "disbursed"})
    )
    assert error.status == 409
    assert error.body() == {
        "error": {
            "code": "invalid_transition",
            "message": "申请当前为「已发放」，不能执行此操作",
            "status": "disbursed",
        }
    }


def test_not_found_is_404_and_a_wrong_request_400():
    assert (service_error(NotFound("申请")).status, service_error(NotFound("申请")).message) == (404, "申请不存在")
    wrong = service_error(Invalid({"student": ["送温暖申请不填写学生信息"]}))
    assert (wrong.status, wrong.code, wrong.fields) == (
        400,
        "validation_error",
        {"student": ["送温暖申请不填写学生信息"]},
    )


def test_what_the_callers_place_does_not_allow_is_403_forbidden():
    error = service_error(Forbidden("只有项目所属组织（或其上级组织）的管理员可以分配配额"))
    assert (error.status, error.code, error.message) == (
        403,
        "forbidden",
        "只有项目所属组织（或其上级组织）的管理员可以分配配额",
    )
    crossed = deserialize(serialize(error))
    assert (crossed.status, crossed.code) == (403, "forbidden")


def test_not_found_may_say_more_than_what_is_missing():
    error = service_error(NotFound("2032年的节假日安排", "尚无2032年的节假日安排（国务院通常在上一年秋季公布）"))
    assert (error.status, error.code, error.message) == (
        404,
        "not_found",
        "尚无2032年的节假日安排（国务院通常在上一年秋季公布）",
    )


def test_the_mapped_error_crosses_rpc_intact():
    crossed = deserialize(serialize(service_error(Refused("calendar_missing", "尚无2032年…", {"year": 2032}))))
    assert (crossed.code, crossed.status, crossed.extra) == ("calendar_missing", 409, {"year": 2032})


def test_an_entrypoint_raises_the_contracts_error_and_keeps_its_signature():
    def approve(self, application_id, payload, actor):
        raise Refused("same_user", "提交人不能审核自己提交的申请")

    entrypoint = answers_in_contract_terms(approve)
    with pytest.raises(ServiceError) as raised:
        entrypoint(None, "a" * 32, {}, "reviewer:r")
    assert (raised.value.status, raised.value.code) == (409, "same_user")
    assert list(inspect.signature(entrypoint).parameters) == ["self", "application_id", "payload", "actor"]
    with pytest.raises(TypeError):  # nameko checks a call's arguments this way
        inspect.getcallargs(entrypoint, None, "a" * 32)


class Service:
    name = "service"

    @rpc
    def refuse(self):
        raise Refused("conflict", "档案刚被他人修改，请刷新后重试")

    @rpc
    def find(self, worker_id):
        raise NotFound("职工档案")

    @rpc
    def fail(self):
        raise ServiceError("service_unavailable", "后台服务暂时无响应，请稍后重试", 503)


def test_every_rpc_entrypoint_is_an_edge():
    with pytest.raises(ServiceError) as refused:
        Service().refuse()
    assert (refused.value.status, refused.value.code, refused.value.message) == (
        409,
        "conflict",
        "档案刚被他人修改，请刷新后重试",
    )
    with pytest.raises(ServiceError) as missing:
        Service().find("a" * 32)
    assert (missing.value.status, missing.value.code, missing.value.message) == (404, "not_found", "职工档案不存在")
    with pytest.raises(ServiceError) as unavailable:  # the contract's own errors pass as they are
        Service().fail()
    assert unavailable.value.status == 503


# shared/errors.py's makers of the contract's errors, each with its HTTP status
CONTRACT_ERRORS = {"ServiceError", "validation_error", "not_found", "service_unavailable", "import_not_awaited"}


def contract_errors_made(source: str) -> list[int]:
    """The lines of `source` that make one of the contract's errors (with its HTTP status) themselves."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in CONTRACT_ERRORS
    ]


def test_the_check_finds_an_error_made_with_its_http_status():
    assert contract_errors_made("raise ServiceError('forbidden', 'no', 403)") == [1]
    assert contract_errors_made("from shared import errors\nraise errors.not_found('申请')") == [2]
    assert contract_errors_made("raise NotFound('申请')") == []


def test_aid_says_what_it_refuses_in_domain_errors_and_leaves_the_http_status_to_its_edge():
    aid = Path(__file__).resolve().parents[2] / "services" / "aid"
    found = {
        str(path.relative_to(aid)): lines
        for path in sorted(aid.rglob("*.py"))
        if "migrations" not in path.parts and (lines := contract_errors_made(path.read_text("utf-8")))
    }
    assert not found, found


def test_a_wrong_request_may_say_what_is_wrong_in_its_message():
    wrong = service_error(
        Invalid({"level": ["下级组织的级别应低于上级组织（上级为市级）"]}, "组织级别不符合上下级关系")
    )
    assert wrong.body() == {
        "error": {
            "code": "validation_error",
            "message": "组织级别不符合上下级关系",
            "fields": {"level": ["下级组织的级别应低于上级组织（上级为市级）"]},
        }
    }


# the registry's plain rules: what they refuse is a domain error too
REGISTRY_RULES = ["rules.py", "org_rules.py", "payee_rules.py", "sheet_rows.py", "workers.py"]


def test_the_registrys_rules_leave_the_http_status_to_its_edge():
    registry = Path(__file__).resolve().parents[2] / "services" / "registry"
    found = {
        name: lines for name in REGISTRY_RULES if (lines := contract_errors_made((registry / name).read_text("utf-8")))
    }
    assert not found, found

"""The edge: the core's errors become the HTTP contract's, byte for byte, with the status the contract gives."""

import inspect

import pytest
from nameko.exceptions import deserialize, serialize

from shared.domain_errors import Invalid, NotFound, Refused
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

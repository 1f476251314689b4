"""The edge: the core's errors become the HTTP contract's, byte for byte, with the status the contract gives."""

import inspect

import pytest
from nameko.exceptions import deserialize, serialize

from services.aid.domain.errors import Invalid, NotFound, Refused
from services.aid.edge import answers_in_contract_terms, as_service_error, service_error
from shared.errors import ServiceError


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


def test_the_mapped_error_crosses_rpc_intact():
    crossed = deserialize(serialize(service_error(Refused("calendar_missing", "尚无2032年…", {"year": 2032}))))
    assert (crossed.code, crossed.status, crossed.extra) == ("calendar_missing", 409, {"year": 2032})


def test_other_errors_pass_the_edge_as_they_are():
    error = ServiceError("budget_exhausted", "本项目的资金来源不足以支付这笔款项", 409)
    assert as_service_error(error) is error


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

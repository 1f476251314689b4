"""CONTRACT.md's text rule in every service: each field of typed text refuses hidden characters and formula starts."""

import pytest

from services.aid.schemas import (
    ApplicationSchema,
    ApproveSchema,
    BatchApproveSchema,
    CampaignSchema,
    DisburseSchema,
    DonorSchema,
    ReasonSchema,
    StudentSchema,
)
from services.gateway.schemas import UserCreateSchema
from services.notify.schemas import OptOutSchema
from services.registry.schemas import BankSchema, FamilyMemberSchema, StatusChangeSchema, WorkerFieldsSchema

TYPED_TEXT = [
    (CampaignSchema, "name"),
    (StudentSchema, "name"),
    (StudentSchema, "school"),
    (StudentSchema, "admission_notice_no"),
    (ApplicationSchema, "note"),
    (ApproveSchema, "note"),
    (BatchApproveSchema, "note"),
    (ReasonSchema, "reason"),
    (DisburseSchema, "bank_ref"),
    (DonorSchema, "name"),
    (OptOutSchema, "reason"),
    (UserCreateSchema, "name"),
    (WorkerFieldsSchema, "name"),
    (WorkerFieldsSchema, "employer"),
    (WorkerFieldsSchema, "union"),
    (BankSchema, "name"),
    (FamilyMemberSchema, "name"),
    (FamilyMemberSchema, "relation"),
    (FamilyMemberSchema, "school"),
    (StatusChangeSchema, "reason"),
]
REFUSED = [
    '=HYPERLINK("http://x.example","详情")',
    "+1",
    "-1",
    "@A1",
    "王\n芳",
    "王芳\u202e",
    "王\u200b芳",
    "王\u2029芳",
]


@pytest.mark.parametrize(
    "schema, field", TYPED_TEXT, ids=[f"{schema.__name__}.{field}" for schema, field in TYPED_TEXT]
)
def test_every_field_of_typed_text_follows_the_one_text_rule(schema, field):
    for text in REFUSED:
        assert field in schema().validate({field: text}, partial=True), text
    assert field not in schema().validate({field: "王芳"}, partial=True)


def test_identifiers_and_phones_keep_their_own_rules():
    assert WorkerFieldsSchema().validate({"phone": "+86 133 9265 5486"}, partial=True) == {}
    assert DonorSchema().validate({"phone": "+8613392655486"}, partial=True) == {}
    assert "campaign_id" in ApplicationSchema().validate({"campaign_id": "c1\u200b"}, partial=True)

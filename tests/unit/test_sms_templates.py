import unicodedata
from datetime import date

import pytest

from services.notify.templates import (
    NO_REASON,
    TEMPLATE_OF_EVENT,
    TEMPLATES,
    approved_without_notice,
    month_day,
    render,
    segments,
    yuan,
)
from shared.event_types import InvalidEvent, build, read

SIGN = "工会帮扶"
FIELDS = {
    "application_id": "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7",
    "campaign_id": "c" * 32,
    "worker_id": "w" * 32,
    "campaign_name": "2026年金秋助学",
    "program": "education",
    "amount_fen": 123450,
    "reason": "家庭收入超过困难标准",
    "publicity_ends_on": "2026-11-30",
    "status": "publicizing",
    "from_status": "submitted",
}
LONG_REASON = "经核查，申请人家庭人均月收入高于当地困难职工认定标准，且近一年内已享受同类帮扶，" * 6


def fields(event_type="application_approved", **changes):
    """An aid event as notify gets it: built and read through its schema."""
    return read(event_type, build(event_type, **{**FIELDS, **changes}))


def test_each_template_renders_its_own_text():
    texts = {name: render(name, fields(), SIGN).text for name in TEMPLATES}

    assert texts == {
        "submitted": "【工会帮扶】您的2026年金秋助学申请已受理（编号D5E6F7），我们会尽快审核，结果将短信告知您。",
        "publicizing": "【工会帮扶】您的2026年金秋助学申请已通过审核，拟发放1234.50元，公示至11月30日，公示期满后发放。",
        "rejected": "【工会帮扶】您的2026年金秋助学申请未通过，原因：家庭收入超过困难标准。如有疑问请联系所在工会。",
        "disbursed": "【工会帮扶】您的2026年金秋助学补助1234.50元已转入您登记的银行卡，请注意查收。",
        "payment_failed": "【工会帮扶】您的2026年金秋助学补助1234.50元转账未成功，请联系所在工会核对银行卡信息，核对后将重新发放。",
        "ready": "【工会帮扶】您的2026年金秋助学申请已通过审核，补助1234.50元将发放到您登记的银行卡。",
    }


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("campaign", ["2026年金秋助学", "2026年春节送温暖"])
def test_every_template_fits_one_segment_with_a_long_reason_and_a_large_amount(template, campaign):
    rendered = render(template, fields(campaign_name=campaign, reason=LONG_REASON, amount_fen=9_999_999), SIGN)

    assert rendered.template == template
    assert rendered.text.startswith("【工会帮扶】")
    assert len(rendered.text) <= 70
    assert rendered.segments == 1
    assert campaign in rendered.text
    assert all(isinstance(value, str) for value in rendered.params.values())


@pytest.mark.parametrize(
    "template, names",
    [
        ("submitted", ["campaign", "number"]),
        ("publicizing", ["campaign", "amount", "date"]),
        ("rejected", ["campaign", "reason"]),
        ("disbursed", ["campaign", "amount"]),
        ("payment_failed", ["campaign", "amount"]),
        ("ready", ["campaign", "amount"]),
    ],
)
def test_params_are_the_template_variables_in_template_order(template, names):
    assert list(render(template, fields(), SIGN).params) == names


def test_params_are_what_the_text_shows():
    rendered = render("publicizing", fields(), SIGN)

    assert rendered.params == {"campaign": "2026年金秋助学", "amount": "1234.50", "date": "11月30日"}


def test_a_200_character_reason_is_cut_with_an_ellipsis_to_fill_exactly_one_segment():
    reason = "申请材料中的收入证明与社保缴费记录不一致" * 10
    assert len(reason) == 200

    rendered = render("rejected", fields(reason=reason), SIGN)

    assert rendered.params["reason"].endswith("…")
    assert reason.startswith(rendered.params["reason"][:-1])
    assert len(rendered.text) == 70
    assert rendered.segments == 1
    assert rendered.text.endswith("…。如有疑问请联系所在工会。")
    assert rendered.params["campaign"] == "2026年金秋助学"


def test_a_reason_that_fits_is_not_cut():
    rendered = render("rejected", fields(reason="材料不全"), SIGN)

    assert rendered.params["reason"] == "材料不全"


def test_a_long_campaign_name_is_cut_when_the_template_has_no_reason():
    campaign = "2026年度全市困难职工家庭子女金秋助学专项帮扶暨爱心企业结对资助行动" * 2

    rendered = render("payment_failed", fields(campaign_name=campaign), SIGN)

    assert rendered.params["campaign"].endswith("…")
    assert campaign.startswith(rendered.params["campaign"][:-1])
    assert len(rendered.text) == 70
    assert rendered.params["amount"] == "1234.50"


def test_the_reason_is_cut_before_the_campaign_name():
    campaign = "2026年度全市困难职工家庭子女金秋助学专项帮扶"

    rendered = render("rejected", fields(campaign_name=campaign, reason=LONG_REASON), SIGN)

    assert rendered.params["campaign"] == campaign
    assert rendered.params["reason"].endswith("…")
    assert len(rendered.text) == 70


def test_the_campaign_is_cut_once_the_reason_is_as_short_as_it_gets():
    campaign = "2026年度全市困难职工家庭子女金秋助学专项帮扶暨爱心企业结对资助行动" * 2

    rendered = render("rejected", fields(campaign_name=campaign, reason=LONG_REASON), SIGN)

    assert rendered.params["reason"] == LONG_REASON[0] + "…"
    assert rendered.params["campaign"].endswith("…")
    assert len(rendered.text) == 70


def test_an_absurd_signature_gets_the_shortest_text_and_its_true_segment_count():
    sign = "某某市某某区总工会困难职工帮扶中心" * 5

    rendered = render("rejected", fields(reason=LONG_REASON), sign)

    assert rendered.params["reason"] == LONG_REASON[0] + "…"
    assert rendered.params["campaign"] == "2…"
    assert rendered.segments == segments(rendered.text) == 2


def test_a_reason_too_short_to_gain_from_cutting_is_kept_whole():
    sign = "某某市某某区总工会困难职工帮扶中心" * 5

    rendered = render("rejected", fields(reason="不符"), sign)

    assert rendered.params["reason"] == "不符"


def test_a_missing_reason_reads_as_not_given():
    assert render("rejected", fields(reason=None), SIGN).params["reason"] == NO_REASON
    assert render("rejected", fields(reason=" \n "), SIGN).params["reason"] == NO_REASON


def test_reason_whitespace_and_control_characters_are_collapsed_to_single_spaces():
    reason = "材料不全\r\n\t请补充\x00\x1b[31m 收入证明\u200b\u2028附件"

    rendered = render("rejected", fields(reason=reason), SIGN)

    assert rendered.params["reason"] == "材料不全 请补充 [31m 收入证明 附件"
    assert not [char for char in rendered.text if unicodedata.category(char)[0] == "C"]


def test_the_reason_does_not_end_the_sentence_twice():
    rendered = render("rejected", fields(reason="材料不全。"), SIGN)

    assert "材料不全。如有疑问" in rendered.text


def test_links_personal_numbers_and_signature_brackets_do_not_reach_the_sms():
    reason = "【复核】详见https://example.com/a?b=1。联系13800138000，身份证110105199003071234"

    text = render("rejected", fields(reason=reason), SIGN).text

    assert "http" not in text and "example.com" not in text
    assert "13800138000" not in text and "138****8000" in text
    assert "110105199003071234" not in text
    assert text.count("【") == 1 and text.count("】") == 1
    assert "[复核]" in text


def test_the_campaign_name_is_cleaned_too():
    rendered = render("disbursed", fields(campaign_name="2026年\n金秋助学 "), SIGN)

    assert rendered.params["campaign"] == "2026年 金秋助学"


def test_no_full_application_id_in_the_text():
    text = render("submitted", fields(), SIGN).text

    assert FIELDS["application_id"] not in text
    assert "编号D5E6F7" in text


@pytest.mark.parametrize(
    "fen, expected",
    [(80000, "800"), (123450, "1234.50"), (123405, "1234.05"), (1, "0.01"), (100, "1"), (123456789, "1234567.89")],
)
def test_yuan_drops_a_whole_amount_s_cents_and_thousands_separators(fen, expected):
    assert yuan(fen) == expected


def test_yuan_refuses_anything_but_integer_fen():
    with pytest.raises(TypeError):
        yuan(800.0)


@pytest.mark.parametrize("day, expected", [(date(2026, 11, 30), "11月30日"), (date(2027, 1, 5), "1月5日")])
def test_month_day(day, expected):
    assert month_day(day) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("", 1), ("字" * 70, 1), ("字" * 71, 2), ("a" * 134, 2), ("a" * 135, 3), ("😀" * 35, 1), ("😀" * 36, 2)],
)
def test_segments_count_70_then_67_characters_with_emoji_as_two(text, expected):
    assert segments(text) == expected


def test_an_unknown_template_is_refused():
    with pytest.raises(KeyError):
        render("withdrawn", fields(), SIGN)


@pytest.mark.parametrize(
    "event_type, status, missing",
    [
        ("application_approved", "publicizing", "publicity_ends_on"),
        ("application_disbursed", "disbursed", "amount_fen"),
        ("application_submitted", "submitted", "application_id"),
        ("application_rejected", "rejected", "campaign_name"),
    ],
)
def test_an_event_without_a_field_its_sms_needs_is_refused_before_it_is_rendered(event_type, status, missing):
    payload = build(event_type, **{**FIELDS, "status": status})

    with pytest.raises(InvalidEvent, match=missing):
        read(event_type, {**payload, missing: None})


def test_the_six_notified_events_map_to_the_six_templates():
    assert TEMPLATE_OF_EVENT == {
        "application_submitted": "submitted",
        "application_approved": "publicizing",
        "application_rejected": "rejected",
        "application_disbursed": "disbursed",
        "application_payment_failed": "payment_failed",
        "application_ready": "ready",
    }
    assert set(TEMPLATE_OF_EVENT.values()) == set(TEMPLATES)


@pytest.mark.parametrize("from_status, told", [("submitted", True), ("publicizing", False), (None, False)])
def test_ready_is_told_only_when_the_approval_skipped_the_notice(from_status, told):
    assert approved_without_notice(fields("application_ready", status="ready", from_status=from_status)) is told

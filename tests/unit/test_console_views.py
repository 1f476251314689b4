"""The console's plain helpers: charts escape and scale, service errors map to form fields, yuan become fen."""

import re
from types import SimpleNamespace

import pytest

from services.aid.schemas import CampaignSchema
from services.gateway.console.calendar_pages import split_dates
from services.gateway.console.campaign_pages import campaign_payload
from services.gateway.console.charts import bar_chart, figures_chart, money_chart
from services.gateway.console.forms import fen_from_yuan, field_messages
from services.gateway.console.web import safe_next
from services.gateway.reports import ZERO
from shared.errors import ServiceError, validation_error
from shared.schemas import load_or_400


def bar_widths(svg: str) -> list[int]:
    return [int(width) for width in re.findall(r'<rect [^>]*width="(\d+)"', svg)]


def test_chart_labels_are_escaped_and_bars_scale_to_the_largest_value():
    svg = str(bar_chart("<b>标题</b>", [("<script>alert(1)</script>", 50, "50"), ("' OR 1=1 --", 100, "100")]))
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&#39; OR 1=1 --" in svg and "&lt;b&gt;标题&lt;/b&gt;" in svg
    assert bar_widths(svg) == [180, 360]


def test_a_chart_of_nothing_but_zeros_draws_empty_bars():
    campaign = {"name": "空项目", "available_fen": 0, "committed_fen": 0, "disbursed_fen": 0, "remaining_fen": 0}
    assert bar_widths(str(money_chart(campaign))) == [0, 0, 0, 0]


def test_a_units_report_chart_has_a_bar_per_hardship_category_and_per_application_status_in_chinese():
    figures = {
        **ZERO,
        "workers": {"active": 4, "by_category": {"deep": 4, "relative": 0, "accident": 0}},
        "applications": {"by_status": {**ZERO["applications"]["by_status"], "disbursed": 2}},
    }
    svg = str(figures_chart("城东区<总工会>", figures))
    assert bar_widths(svg) == [360, 0, 0, 0, 0, 0, 0, 180, 0, 0, 0]
    assert "深度困难" in svg and "4 户" in svg and "已发放" in svg and "2 件" in svg
    assert "城东区&lt;总工会&gt;" in svg


def test_nested_validation_messages_are_keyed_like_the_form_fields():
    error = validation_error(
        {
            "worker_id": ["缺少"],
            "student": {"name": ["不能为空"], "admission_year": ["不是整数"]},
            "application_ids": {0: ["无效"]},
        }
    )
    assert field_messages(error) == {
        "worker_id": ["缺少"],
        "student.name": ["不能为空"],
        "student.admission_year": ["不是整数"],
        "application_ids.0": ["无效"],
    }
    assert field_messages(ServiceError("same_user", "提交人不能审核自己提交的申请")) == {}


def test_a_campaigns_refused_amount_is_keyed_like_its_form_field_and_names_the_table_in_chinese():
    payload = campaign_payload(
        {
            "program": "warmth",
            "name": "送温暖",
            "year": "2026",
            "opens_on": "2026-01-01",
            "closes_on": "2026-01-31",
            "budget_fen": "1000",
            "publicity_days": "5",
            "amounts.deep": "0",
            "amounts.relative": "800",
        }
    )
    with pytest.raises(ServiceError) as zero:
        load_or_400(CampaignSchema(), payload)
    assert field_messages(zero.value) == {"amounts.deep": ["补助标准应为正整数（分）"]}
    with pytest.raises(ServiceError) as wrong_table:
        load_or_400(CampaignSchema(), {**payload, "amounts": {"undergraduate": 100000}})
    assert field_messages(wrong_table.value) == {
        "amounts": ["补助标准应按困难类别填写 深度困难(deep)、相对困难(relative)、意外致困(accident) 中的一项或多项"]
    }


def test_yuan_typed_in_become_fen_and_a_bad_amount_is_an_error_on_its_field():
    assert fen_from_yuan({"amount_fen": "4,352.50"}, "amount_fen") == 435250
    assert fen_from_yuan({"amount_fen": ""}, "amount_fen") is None
    with pytest.raises(ServiceError) as refused:
        fen_from_yuan({"budget_fen": "12.345"}, "budget_fen")
    assert refused.value.status == 400 and list(refused.value.fields) == ["budget_fen"]


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/workers?page=2", "/workers?page=2"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        (None, "/"),
        ("", "/"),
        ("/\t/evil.example", "/"),
        ("/workers\n", "/"),
        ("/a b", "/"),  # browsers drop tabs and newlines: "//evil"
    ],
)
def test_after_sign_in_only_paths_on_this_site_are_followed(target, expected):
    assert safe_next(target) == expected


def test_dates_typed_into_the_calendar_boxes_are_split_on_lines_spaces_and_commas():
    assert split_dates(" 2027-01-01\n2027-02-05，2027-02-06、2027-02-07, 2027-02-08\r\n\n") == [
        "2027-01-01",
        "2027-02-05",
        "2027-02-06",
        "2027-02-07",
        "2027-02-08",
    ]
    assert split_dates("") == []


def test_the_import_page_names_the_sheets_columns_and_lists_the_lines_left_out_and_still_shows_older_results():
    from services.gateway.console.render import environment

    def page(result):
        job = {"status": "done", "filename": "登记表.xlsx", "processed_rows": 3, "progress": 100, "result": result}
        return environment.get_template("import.html").render(job=job, nav=[], visit=None, csrf_token="x")

    counts = {"total_rows": 3, "created": 2, "updated": 0, "unchanged": 0}
    shown = page(
        {
            **counts,
            "rejected": [
                {
                    "row": 5,
                    "field": "household_monthly_income",
                    "column": "家庭月收入(元)",
                    "message": "家庭月收入(元)：家庭月收入不能为负数",
                }
            ],
            "skipped": [{"row": 7, "reason": "合计行，未导入"}],
        }
    )
    assert "<tr><td>5</td><td>家庭月收入(元)</td>" in shown and "<tr><td>7</td><td>合计行，未导入</td></tr>" in shown
    older = page({**counts, "rejected": [{"row": 5, "field": "phone", "message": "不是有效的中国大陆手机号码"}]})
    assert "<tr><td>5</td><td>phone</td>" in older and 'id="import-skipped"' not in older


def test_the_union_tree_page_nests_each_unit_under_its_parent_from_the_top_of_the_list():
    from services.gateway.console.org_unit_pages import tree

    def unit(unit_id, parent_id):
        return {"org_unit_id": unit_id, "parent_id": parent_id, "name": unit_id}

    # a district admin's list: their unit's parent is not in it
    items = [unit("east", "city"), unit("factory", "east"), unit("school", "east"), unit("mill", "factory")]

    (top,) = tree(items)

    assert top["unit"]["org_unit_id"] == "east"
    assert [child["unit"]["name"] for child in top["children"]] == ["factory", "school"]
    assert [child["unit"]["name"] for child in top["children"][0]["children"]] == ["mill"]
    assert tree([]) == []


def test_the_message_log_pages_on_with_its_filters_and_names_each_code_in_chinese():
    from services.gateway.console.render import environment

    message = {
        "notification_id": "n1",
        "application_id": "a1",
        "worker_id": "w1",
        "template": "payment_failed",
        "phone": "138****8000",
        "text": "【工会帮扶】您的补助转账未成功",
        "status": "failed",
        "provider": "aliyun",
        "attempts": 3,
        "last_error": "isv.MOBILE_NUMBER_ILLEGAL",
        "created_at": "2031-08-11T01:30:00+00:00",
    }
    filters = {"application_id": "", "worker_id": "w1", "template": "", "status": "failed"}

    def shown_to(role: str) -> str:
        return environment.get_template("notifications.html").render(
            listing={"items": [message], "total": 120, "page": 2, "per_page": 50},
            filters=filters,
            errors={},
            resent=None,
            problem=None,
            refused=None,
            resenders=("admin", "caseworker"),
            templates=[("payment_failed", "发放失败")],
            statuses=[("failed", "发送失败")],
            nav=[],
            visit=SimpleNamespace(user=SimpleNamespace(name="某人", role=role), csrf_token="t"),
        )

    shown = shown_to("caseworker")
    row = shown[shown.index('id="notification-n1"') :]
    # a failed message is resent from its row, and the log comes back with the same filters and page
    resend = (
        'action="/notifications/n1/resend?application_id=&amp;worker_id=w1&amp;template=&amp;status=failed&amp;page=2"'
    )
    assert resend in row and "/resend" not in shown_to("auditor")
    assert "138****8000" in row and "发放失败" in row and "发送失败" in row and "2031-08-11 09:30" in row
    for page in (1, 3):  # the filters kept from page to page
        assert (
            f'href="/notifications?application_id=&amp;worker_id=w1&amp;template=&amp;status=failed&amp;page={page}"'
            in shown
        )

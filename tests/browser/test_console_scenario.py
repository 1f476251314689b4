"""The whole aid cycle in a real browser: import, apply, review, 公示, pay through the bank, and the donor's trace."""

import csv
import io

import pytest

from tests.conftest import ADMIN_TOKEN
from tests.e2e.aid_builders import create_campaign
from tests.e2e.builders import SAMPLE_CSV, new_user, sample_expected_errors

pytestmark = pytest.mark.browser

# The sample sheet's first row: a deep-hardship worker, paid ¥3,000.00 by the default campaign table.
WORKER_NAME, WORKER_ID_NUMBER, WORKER_ACCOUNT = "李秀", "440106197907124050", "6222078651237160091"


def test_from_import_to_the_donors_trace(site, person, artifacts):
    campaign = create_campaign(site, publicity_days=0, budget_fen=0)
    campaign_id = campaign["campaign_id"]

    maker = person("caseworker-maker")
    maker.sign_in(new_user(site, "caseworker")["token"])
    page = maker.page
    page.click("nav >> text=导入档案")
    page.set_input_files("input[name=file]", str(SAMPLE_CSV))
    page.click("button:has-text('开始导入')")
    page.wait_for_selector("#import-summary", timeout=90_000)
    assert page.inner_text("#import-status") == "已完成"
    assert page.locator("#import-errors tbody tr").count() == len(sample_expected_errors())
    maker.screenshot("import-done")

    page.click("nav >> text=职工档案")
    page.fill("input[name=id_number]", WORKER_ID_NUMBER)
    page.click("button:has-text('查找')")
    page.click("table >> text=李*")
    assert "440106********4050" in page.inner_text("main") and WORKER_ID_NUMBER not in page.content()
    page.click("text=为该职工提交帮扶申请")
    page.select_option("select[name=campaign_id]", campaign_id)
    page.click("button:has-text('提交申请')")
    page.wait_for_selector("#application-status")
    assert page.inner_text("#application-status") == "待审核"
    application_id = page.url.rsplit("/", 1)[1]
    maker.screenshot("application-submitted")

    finance = person("finance")
    finance.sign_in(new_user(site, "finance")["token"])
    page = finance.page
    page.click("nav >> text=捐赠")
    page.fill("#new-donor input[name=name]", "某某科技有限公司")
    page.select_option("#new-donor select[name=kind]", "organization")
    page.click("button:has-text('新增捐赠人')")
    donor_id = page.input_value("#new-donation select[name=donor_id]")
    page.fill("#new-donation input[name=amount_fen]", "5000")
    page.select_option("#new-donation select[name=campaign_id]", campaign_id)
    page.fill("#new-donation input[name=received_on]", "2026-08-01")
    page.fill("#new-donation input[name=external_ref]", "ICBC-20260801-0001")
    page.click("button:has-text('登记捐赠')")
    assert "已登记捐赠" in page.inner_text("#recorded")  # the money the approval will commit

    checker = person("caseworker-checker")
    checker.sign_in(new_user(site, "caseworker")["token"])
    page = checker.page
    page.click("nav >> text=审核")
    page.check(f"input[value='{application_id}']")
    page.click("button:has-text('批准选中的申请')")
    assert "本级审核通过 1 件" in page.inner_text("#batch-outcome")
    checker.screenshot("batch-approved")

    public = person("public")
    page = public.page
    page.goto("/")
    page.click(f"a[href='/public/campaigns/{campaign_id}/publicity']")
    notice = page.inner_text("#publicity")
    assert "李*" in notice and "440106********4050" in notice and WORKER_NAME not in notice
    public.screenshot("publicity")

    page = finance.page
    page.click("nav >> text=发放批次")
    page.select_option("#new-batch select[name=campaign_id]", campaign_id)
    page.click("button:has-text('新建发放批次')")
    page.wait_for_selector("#batch")
    with page.expect_download() as download:
        page.click("#bank-file")
    bank_file = artifacts / "bank-file.csv"
    download.value.save_as(bank_file)
    lines = list(csv.reader(io.StringIO(bank_file.read_bytes().decode("gb18030"))))
    assert [lines[1][1], lines[1][2], lines[1][4], lines[1][6]] == [
        WORKER_ACCOUNT,
        WORKER_NAME,
        "3000.00",
        application_id,
    ]
    results = f"application_id,result,bank_ref,reason\r\n{application_id},success,ICBC-PAY-0001,\r\n".encode()
    page.set_input_files("input[name=file]", files=[{"name": "results.csv", "mimeType": "text/csv", "buffer": results}])
    page.click("button:has-text('上传结果')")
    assert "发放成功 1 笔" in page.inner_text("#upload-outcome")
    assert page.inner_text("#batch-results") == "成功 1 笔，失败 0 笔，待回结果 0 笔"
    finance.screenshot("batch-paid")
    page.goto(f"/campaigns/{campaign_id}")
    assert page.locator("svg.chart").count() == 2
    finance.screenshot("campaign-money")

    admin = person("admin")
    admin.sign_in(ADMIN_TOKEN)
    page = admin.page
    page.click("nav >> text=账号")
    page.fill("input[name=name]", "某某科技有限公司")
    page.select_option("select[name=role]", "donor")
    page.fill("input[name=donor_id]", donor_id)
    page.click("button:has-text('新建账号')")
    donor_token = page.inner_text("#new-token")

    donor = person("donor")
    donor.sign_in(donor_token)
    page = donor.page
    page.click("nav >> text=我的捐赠去向")
    trace = page.inner_text("main")
    assert "李*" in trace and "¥3,000.00" in trace and WORKER_NAME not in trace
    assert page.inner_text("#trace-totals").count("¥3,000.00") == 1
    donor.screenshot("trace")

"""Paying through the bank (services/aid/domain/bank_files.py): what a batch may pay, the upload's amounts, and the
bank's results file read line by line."""

import pytest

from services.aid.domain.bank_files import (
    BANK_REF_MAX,
    RESULTS,
    check_due,
    check_payees_known,
    check_still_paying,
    line_error,
    read_results,
    result_lines,
    yuan_text,
)
from shared.domain_errors import Invalid, Refused


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (5, "0.05"), (100, "1.00"), (300_050, "3000.50"), (99, "0.99")])
def test_the_bank_file_writes_yuan_with_two_decimals(fen, text):
    assert yuan_text(fen) == text


def test_a_batch_pays_something_and_only_workers_with_a_payee():
    check_due(1)
    check_payees_known(["w1", "w2", "w1"], {"w1": "sealed", "w2": "sealed", "w3": "sealed"})
    with pytest.raises(Refused) as refused:
        check_due(0)
    assert (refused.value.code, refused.value.message) == (
        "invalid_transition",
        "本项目没有待发放或发放失败的申请，无需新建批次",
    )
    with pytest.raises(Refused) as refused:
        check_payees_known(["w3", "w1", "w2", "w3"], {"w1": "sealed"})
    assert (refused.value.code, refused.value.message) == (
        "invalid_transition",
        "职工档案 w2、w3 在档案库中不存在，不能发放",
    )


def test_results_settle_only_applications_still_paying_in_the_batch():
    check_still_paying([("paying", "b1"), ("paying", "b1")], "b1", "paying")
    check_still_paying([], "b1", "paying")
    for read in ([("paying", "b1"), ("disbursed", "b1")], [("paying", "b2")], [("paying", None)]):
        with pytest.raises(Refused) as refused:
            check_still_paying(read, "b1", "paying")
        assert (refused.value.code, refused.value.message) == ("invalid_transition", "部分申请已不在本批次付款中")


def test_the_results_file_is_read_with_its_own_line_numbers():
    content = "\ufeffapplication_id,result,bank_ref,reason\r\n a1 ,success, R1 ,\r\n\r\na2,failed,,卡号错误\ra3\n"
    assert result_lines(content.encode("utf-8")) == [
        (2, {"application_id": "a1", "result": "success", "bank_ref": "R1", "reason": ""}),
        (4, {"application_id": "a2", "result": "failed", "bank_ref": "", "reason": "卡号错误"}),
        (5, {"application_id": "a3", "result": "", "bank_ref": "", "reason": ""}),
    ]
    gb18030 = "application_id,result\n申请1,success\n".encode("gb18030")
    assert result_lines(gb18030) == [(2, {"application_id": "申请1", "result": "success"})]
    assert result_lines(b"application_id,result,extra\na1,failed,x,y\n") == [
        (2, {"application_id": "a1", "result": "failed", "extra": "x"})
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00\x00", "无法识别文件编码，请使用 UTF-8 或 GB18030"),
        (b"application_id,result\na1\x00,success\n", "文件含有空字符（NUL），不是 CSV 文本文件"),
        (b"application_id,bank_ref\n", "缺少列：result（需要 application_id,result,bank_ref,reason）"),
        (b"", "缺少列：application_id、result（需要 application_id,result,bank_ref,reason）"),
        (b"application_id,result\n" + b"a" * 200_000 + b",success\n", "CSV 文件格式错误（某个字段过长或引号不配对）"),
    ],
)
def test_a_results_file_that_cannot_be_read_is_refused_as_a_whole(content, message):
    with pytest.raises(Invalid) as invalid:
        result_lines(content)
    assert invalid.value.fields == {"file": [message]}


KNOWN = {"new": None, "paid": "success", "bounced": "failed"}


@pytest.mark.parametrize(
    "application_id, result, bank_ref, error",
    [
        ("new", "success", "R1", None),
        ("new", "failed", "", None),
        ("new", "success", "R" * BANK_REF_MAX, None),
        ("paid", "success", "R1", None),  # the same result again
        ("bounced", "failed", "", None),
        ("elsewhere", "success", "R1", "该申请不在本批次中"),
        ("", "success", "R1", "该申请不在本批次中"),
        ("seen", "success", "R1", "与第 3 行重复"),
        ("new", "paid", "R1", "result 应为 success 或 failed"),
        ("new", "", "R1", "result 应为 success 或 failed"),
        ("new", "success", "", "付款成功的行必须有银行流水号 bank_ref"),
        ("new", "success", "R" * (BANK_REF_MAX + 1), "银行流水号 bank_ref 不能超过 100 个字符"),
        ("new", "failed", "R" * (BANK_REF_MAX + 1), "银行流水号 bank_ref 不能超过 100 个字符"),
        ("paid", "failed", "", "此前已导入的结果为 success，与本行不一致"),
        ("bounced", "success", "R1", "此前已导入的结果为 failed，与本行不一致"),
    ],
)
def test_each_line_of_the_results_is_checked(application_id, result, bank_ref, error):
    assert line_error({**KNOWN, "seen": None}, {"seen": 3}, application_id, result, bank_ref) == error


def test_the_bank_results_map_to_the_status_machines_actions():
    assert RESULTS == {"success": "paid", "failed": "payment_failed"}
    assert BANK_REF_MAX == 100


def test_the_results_settle_each_application_once_and_list_each_wrong_line():
    known = {"a1": None, "a2": None, "a3": "success", "a4": None}
    lines = [
        (2, {"application_id": "a1", "result": "success", "bank_ref": "R1"}),
        (3, {"application_id": "a2", "result": "failed", "reason": "户名不符"}),
        (4, {"application_id": "a3", "result": "success", "bank_ref": "R3"}),  # imported before
        (5, {"application_id": "a1", "result": "success", "bank_ref": "R1"}),  # again in this file
        (6, {"application_id": "", "result": "success"}),
        (7, {"result": "failed"}),
        (8, {"application_id": "a4", "result": "success"}),
    ]
    read = read_results(known, lines)
    assert read.settled == [("a1", "success", lines[0][1]), ("a2", "failed", lines[1][1])]
    assert (read.disbursed, read.failed, read.unchanged) == (1, 1, 1)
    assert read.errors == [
        {"line": 5, "application_id": "a1", "message": "与第 2 行重复"},
        {"line": 6, "application_id": None, "message": "该申请不在本批次中"},
        {"line": 7, "application_id": None, "message": "该申请不在本批次中"},
        {"line": 8, "application_id": "a4", "message": "付款成功的行必须有银行流水号 bank_ref"},
    ]


def test_a_line_repeating_an_earlier_import_still_counts_as_its_first_in_the_file():
    read = read_results(
        {"a3": "failed"}, [(2, {"application_id": "a3", "result": "failed"}), (3, {"application_id": "a3"})]
    )
    assert (read.settled, read.unchanged) == ([], 1)
    assert read.errors == [{"line": 3, "application_id": "a3", "message": "与第 2 行重复"}]

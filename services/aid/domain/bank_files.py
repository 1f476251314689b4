"""Paying through the bank, decided over plain data: what a batch may pay, the amounts of the upload file, and the
bank's results file read line by line (which lines settle an application, which are refused and why).

The shell (disbursement.py) reads the batch and its applications, asks these rules, and has moves.py carry out
the payments they settle.
"""

import csv
import io
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from shared.domain_errors import Invalid, Refused

RESULT_COLUMNS = ("application_id", "result", "bank_ref", "reason")
RESULTS = {"success": "paid", "failed": "payment_failed"}  # the bank's result → the status machine's action
BANK_REF_MAX = 100  # the bank_ref columns' width, as for payment by hand


def yuan_text(amount_fen: int) -> str:
    """An amount as the bank file writes it: yuan with two decimals."""
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"


def check_due(count: int) -> None:
    """A new batch pays something: else invalid_transition."""
    if not count:
        raise Refused("invalid_transition", "本项目没有待发放或发放失败的申请，无需新建批次")


def check_payees_known(worker_ids: Iterable[str], known: Collection[str]) -> None:
    """Every worker a batch pays has a payee in the registry: else invalid_transition, naming those who have none."""
    unknown = sorted(set(worker_ids) - set(known))
    if unknown:
        raise Refused("invalid_transition", f"职工档案 {'、'.join(unknown)} 在档案库中不存在，不能发放")


def check_still_paying(read: Iterable[tuple[str, str | None]], batch_id: str, paying: str) -> None:
    """The applications a results file settles, each (status, batch_id) as read now: all still `paying` in this
    batch, else invalid_transition."""
    if any(status != paying or of_batch != batch_id for status, of_batch in read):
        raise Refused("invalid_transition", "部分申请已不在本批次付款中")


def result_lines(content: bytes) -> list[tuple[int, dict]]:
    """The bank's results file: (the file's line number, {column: stripped text}) per row; validation_error for a
    file that is not UTF-8 or GB18030 text, holds a NUL, lacks application_id or result, or is no valid CSV."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid({"file": ["无法识别文件编码，请使用 UTF-8 或 GB18030"]})
    if "\0" in text:  # no CSV has one, and PostgreSQL refuses it in a text column
        raise Invalid({"file": ["文件含有空字符（NUL），不是 CSV 文本文件"]})
    # newline="": lone \r (Excel for Mac) ends a line too; the reader's own line count, not a row count,
    # so the numbers reported stay the file's line numbers after a blank line.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [column for column in RESULT_COLUMNS[:2] if column not in (reader.fieldnames or ())]
        if missing:
            raise Invalid({"file": [f"缺少列：{'、'.join(missing)}（需要 {','.join(RESULT_COLUMNS)}）"]})
        return [(reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}) for row in reader]
    except csv.Error:
        raise Invalid({"file": ["CSV 文件格式错误（某个字段过长或引号不配对）"]}) from None


def line_error(
    known: Mapping[str, str | None], first_line: Mapping[str, int], application_id: str, result: str, bank_ref: str
) -> str | None:
    """What is wrong with one line of the results file, or None. `known`: the batch's applications → the result
    already imported for each (None: none yet); `first_line`: the applications earlier lines of this file settled."""
    if application_id not in known:
        return "该申请不在本批次中"
    if application_id in first_line:
        return f"与第 {first_line[application_id]} 行重复"
    if result not in RESULTS:
        return "result 应为 success 或 failed"
    if result == "success" and not bank_ref:
        return "付款成功的行必须有银行流水号 bank_ref"
    if len(bank_ref) > BANK_REF_MAX:
        return f"银行流水号 bank_ref 不能超过 {BANK_REF_MAX} 个字符"
    earlier = known[application_id]
    if earlier is not None and earlier != result:
        return f"此前已导入的结果为 {earlier}，与本行不一致"
    return None


@dataclass
class Results:
    """The results file read: the lines that settle an application now (application_id, result, the line), how many
    it pays and fails, how many repeat a result imported before, and each refused line."""

    settled: list[tuple[str, str, dict]] = field(default_factory=list)
    disbursed: int = 0
    failed: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)


def read_results(known: Mapping[str, str | None], lines: Iterable[tuple[int, dict]]) -> Results:
    """The bank's answer, line by line (`known` as line_error takes it): each application paid or failed once; a line
    that repeats a result imported before changes nothing; a wrong line is listed with its error and skipped."""
    results = Results()
    first_line: dict[str, int] = {}
    for number, line in lines:
        application_id, result = line.get("application_id", ""), line.get("result", "")
        error = line_error(known, first_line, application_id, result, line.get("bank_ref", ""))
        if error:
            results.errors.append({"line": number, "application_id": application_id or None, "message": error})
            continue
        first_line[application_id] = number
        if known[application_id] is not None:
            results.unchanged += 1
            continue
        results.settled.append((application_id, result, line))
        if result == "success":
            results.disbursed += 1
        else:
            results.failed += 1
    return results

"""The registry's field rules, as plain functions shared by the API schemas and the spreadsheet import.

Each check takes a raw value and returns it normalised, or raises InvalidValue with a Chinese message.
"""

from datetime import date

from shared.validation import InvalidValue, check_typed_text
from shared.worker_statuses import WORKER_STATUSES

CATEGORIES = ("deep", "relative", "accident")
CATEGORY_BY_LABEL = {"深度困难": "deep", "相对困难": "relative", "意外致困": "accident"}
REASONS = ("illness", "disability", "disaster", "education", "unemployment", "accident", "other")
REASON_BY_LABEL = {
    "因病": "illness",
    "因残": "disability",
    "因灾": "disaster",
    "子女教育": "education",
    "失业": "unemployment",
    "意外": "accident",
    "其他": "other",
}
STATUSES = tuple(WORKER_STATUSES)
MAX_HOUSEHOLD_SIZE = 30
MAX_MONTHLY_INCOME_FEN = 100_000_000


def check_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidValue("姓名不能为空")
    if len(value) > 50:
        raise InvalidValue("姓名不能超过50个字")
    return check_typed_text(value)


def check_text(value: str, label: str, max_length: int = 100) -> str:
    value = value.strip()
    if not value:
        raise InvalidValue(f"{label}不能为空")
    if len(value) > max_length:
        raise InvalidValue(f"{label}不能超过{max_length}个字")
    return check_typed_text(value)


def check_category(value: str) -> str:
    category = CATEGORY_BY_LABEL.get(value.strip(), value.strip())
    if category not in CATEGORIES:
        raise InvalidValue("困难类别应为 深度困难(deep)、相对困难(relative) 或 意外致困(accident)")
    return category


def check_reasons(values) -> list[str]:
    reasons = [REASON_BY_LABEL.get(value.strip(), value.strip()) for value in values]
    if not 1 <= len(reasons) <= 4:
        raise InvalidValue("致困原因应有1至4项，主要原因在前")
    unknown = [reason for reason in reasons if reason not in REASONS]
    if unknown:
        raise InvalidValue(f"未知的致困原因：{'、'.join(unknown)}")
    if len(set(reasons)) != len(reasons):
        raise InvalidValue("致困原因不能重复")
    return reasons


def check_household_size(size: int) -> int:
    if size < 1:
        raise InvalidValue("家庭人口至少为1人")
    if size > MAX_HOUSEHOLD_SIZE:
        raise InvalidValue(f"家庭人口不能超过{MAX_HOUSEHOLD_SIZE}人")
    return size


def check_monthly_income_fen(fen: int) -> int:
    if fen < 0:
        raise InvalidValue("家庭月收入不能为负数")
    if fen > MAX_MONTHLY_INCOME_FEN:
        raise InvalidValue("家庭月收入数值过大，请核对单位（元）")
    return fen


def check_bank_account(value: str) -> str:
    account = value.replace(" ", "").replace("-", "")
    if not (account.isdigit() and 12 <= len(account) <= 19):
        raise InvalidValue("银行卡号应为12至19位数字")
    if not account.isascii():  # full-width ０-９ and other scripts' digits pass isdigit(); no bank file takes them
        raise InvalidValue("银行卡号应为半角数字0-9，请不要用全角数字")
    return account


def check_filed_on(value: date, today: date) -> date:
    if value > today:
        raise InvalidValue("建档日期不能晚于今天")
    if value.year < 2000:
        raise InvalidValue("建档日期不合理")
    return value


def review_due_on(filed_on: date) -> date:
    """The yearly review falls one year after filing (28 February for a 29 February filing)."""
    try:
        return filed_on.replace(year=filed_on.year + 1)
    except ValueError:
        return filed_on.replace(year=filed_on.year + 1, day=28)


def per_capita_income_fen(household_monthly_income_fen: int, household_size: int) -> int:
    return household_monthly_income_fen // household_size


def check_status_change(current: str, new: str) -> None:
    if new not in STATUSES:
        raise InvalidValue("状态应为 active、suspended 或 exited")
    if new == current:
        raise InvalidValue(f"档案已经是 {current} 状态")

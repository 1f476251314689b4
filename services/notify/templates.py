"""The SMS a worker gets at each step of an application, rendered to fit one billed segment."""

import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import date

from shared.application_numbers import short_number
from shared.masking import scrub
from shared.money import format_fen

ONE_SEGMENT = 70  # characters in a single SMS, signature included
LONG_SEGMENT = 67  # characters billed per segment once a text is longer than ONE_SEGMENT
ELLIPSIS = "…"

TEMPLATES = {
    "submitted": "您的{campaign}申请已受理（编号{number}），我们会尽快审核，结果将短信告知您。",
    "publicizing": "您的{campaign}申请已通过审核，拟发放{amount}元，公示至{date}，公示期满后发放。",
    "rejected": "您的{campaign}申请未通过，原因：{reason}。如有疑问请联系所在工会。",
    "disbursed": "您的{campaign}补助{amount}元已转入您登记的银行卡，请注意查收。",
    "payment_failed": "您的{campaign}补助{amount}元转账未成功，请联系所在工会核对银行卡信息，核对后将重新发放。",
    # approved by a campaign without public notice (publicity_days 0): the worker's approval SMS
    "ready": "您的{campaign}申请已通过审核，补助{amount}元将发放到您登记的银行卡。",
}

TEMPLATE_OF_EVENT = {
    "application_submitted": "submitted",
    "application_approved": "publicizing",
    "application_rejected": "rejected",
    "application_disbursed": "disbursed",
    "application_payment_failed": "payment_failed",
    "application_ready": "ready",  # only when approved straight to ready: see approved_without_notice
}

# Variable parts that may be shortened when a text is too long for one segment, in that order.
CUT_ORDER = ("reason", "campaign")
NO_REASON = "未注明"

_URL = re.compile(r"(?:https?://|www\.)[!-~]*", re.IGNORECASE)  # ASCII only: Chinese text runs on unspaced
_END_PUNCTUATION = "。.！!；;，,、 "
# Providers reject 【】 inside variables: they would read as a second signature.
_BRACKETS = str.maketrans("【】", "[]")


@dataclass(frozen=True)
class Rendered:
    template: str
    params: dict[str, str]  # in the order the template uses them, as providers take TemplateParam
    text: str  # 【sign_name】 + the message, as the worker reads it
    segments: int


def segments(text: str) -> int:
    """How many SMS a text is billed as; characters are counted in UCS-2 units, as carriers do."""
    length = _length(text)
    return 1 if length <= ONE_SEGMENT else -(-length // LONG_SEGMENT)


def render(template: str, event, sign_name: str) -> Rendered:
    """The SMS for `template` from an aid application event (shared.event_types.read), whose schema guarantees
    the fields the template needs. Raises KeyError for an unknown template."""
    pattern = TEMPLATES[template]
    params = {name: _PARAM_VALUES[name](event) for name in _param_names(pattern)}
    text = _text(sign_name, pattern, params)
    for name in CUT_ORDER:
        excess = _length(text) - ONE_SEGMENT
        if excess <= 0:
            break
        if name in params:
            params[name] = _shorten(params[name], len(params[name]) - excess)
            text = _text(sign_name, pattern, params)
    return Rendered(template=template, params=params, text=text, segments=segments(text))


def approved_without_notice(event) -> bool:
    """Whether an application_ready event is the approval itself (publicity_days 0). One that ends a public
    notice is not: the worker was told of the approval when the notice began."""
    return event.from_status == "submitted"


def yuan(amount_fen: int) -> str:
    """80000 -> '800', 123450 -> '1234.50': plain yuan, as read in an SMS."""
    return format_fen(amount_fen).replace("¥", "").replace(",", "").removesuffix(".00")


def month_day(day: date) -> str:
    """2026-11-30 -> '11月30日'."""
    return f"{day.month}月{day.day}日"


def clean(value: str) -> str:
    """Free text made safe for an SMS variable: one line, no links, personal numbers masked."""
    text = _URL.sub(" ", value).translate(_BRACKETS)
    text = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)
    return scrub(" ".join(text.split()))


_PARAM_VALUES = {
    "campaign": lambda event: clean(event.campaign_name),
    "number": lambda event: short_number(event.application_id),
    "amount": lambda event: yuan(event.amount_fen),
    "date": lambda event: month_day(event.publicity_ends_on),
    # The template closes the reason with its own 。
    "reason": lambda event: clean(event.reason or "").rstrip(_END_PUNCTUATION) or NO_REASON,
}


def _param_names(pattern: str) -> list[str]:
    return [name for _literal, name, _spec, _conversion in string.Formatter().parse(pattern) if name]


def _text(sign_name: str, pattern: str, params: dict[str, str]) -> str:
    return f"【{sign_name}】" + pattern.format(**params)


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _shorten(value: str, length: int) -> str:
    """`value` cut to `length` characters ending with …; at least one character of it is kept."""
    keep = max(1, length - 1)
    return value if len(value) <= keep + 1 else value[:keep].rstrip() + ELLIPSIS

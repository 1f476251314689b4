"""Plain Chinese names for the codes the services answer with."""

from shared.org_levels import ORG_LEVEL_LABELS
from shared.worker_statuses import WORKER_STATUSES

ROLES = {"admin": "管理员", "caseworker": "经办人", "finance": "财务", "auditor": "审计", "donor": "捐赠人"}
PROGRAMS = {"warmth": "送温暖", "education": "金秋助学"}
CATEGORIES = {"deep": "深度困难", "relative": "相对困难", "accident": "意外致困"}
LEVELS = {
    "postgraduate": "研究生",
    "undergraduate": "本科",
    "junior_college": "大专",
    "senior_high": "普通高中",
    "vocational_high": "中职",
}
REASONS = {
    "illness": "因病",
    "disability": "因残",
    "disaster": "因灾",
    "education": "子女教育",
    "unemployment": "失业",
    "accident": "意外",
    "other": "其他",
}
APPLICATION_STATUSES = {
    "submitted": "待审核",
    "publicizing": "公示中",
    "ready": "待发放",
    "paying": "发放中",
    "disbursed": "已发放",
    "payment_failed": "发放失败",
    "rejected": "未通过",
    "withdrawn": "已撤回",
}
SMS_STATUSES = {
    "queued": "排队中",
    "deferred": "延后发送",
    "sending": "发送中",
    "sent": "已发送",
    "delivered": "已送达",
    "failed": "发送失败",
    "suppressed": "已退订",
}
SMS_TEMPLATES = {  # services/notify/templates.py: the step of the application each SMS tells
    "submitted": "申请已受理",
    "publicizing": "通过审核（公示）",
    "ready": "通过审核（待发放）",
    "rejected": "未通过",
    "disbursed": "已发放",
    "payment_failed": "发放失败",
}
OPT_OUT_SOURCES = {"staff": "工作人员登记", "provider": "短信服务商告知（用户退订）"}
IMPORT_STATUSES = {"running": "导入中", "done": "已完成", "failed": "失败"}
DONOR_KINDS = {"individual": "个人", "organization": "单位"}
GENDERS = {"male": "男", "female": "女"}
ACCOUNT_STATUSES = {"active": "有效", "expired": "令牌已过期", "revoked": "已吊销"}

ALL = {
    "role": ROLES,
    "program": PROGRAMS,
    "category": CATEGORIES,
    "level": LEVELS,
    "reason": REASONS,
    "worker_status": WORKER_STATUSES,
    "status": APPLICATION_STATUSES,
    "sms_status": SMS_STATUSES,
    "sms_template": SMS_TEMPLATES,
    "opt_out_source": OPT_OUT_SOURCES,
    "import_status": IMPORT_STATUSES,
    "donor_kind": DONOR_KINDS,
    "gender": GENDERS,
    "account_status": ACCOUNT_STATUSES,
    "org_level": ORG_LEVEL_LABELS,
}


def label(code, kind: str) -> str:
    """The Chinese name of a code, or the code itself when it has none."""
    if code is None:
        return ""
    return ALL[kind].get(code, code)


# the parts of the system that change applications by themselves (see services/aid/service.py)
SYSTEM_ACTORS = {"system:publicity-timer": "系统（公示期满）", "system:registry": "系统（职工档案状态变更）"}


def actor(code: str | None) -> str:
    """Who made a change, as people read it: a part of the system, or a user's role and id (`经办人 3f2a…`)."""
    if not code:
        return ""
    if code in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[code]
    role, _, user_id = code.partition(":")
    return f"{ROLES.get(role, role)} {user_id}".strip()

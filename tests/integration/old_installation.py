"""A small city installation as it stood before the union tree (issue 19), written straight into the old tables, and
the figures that city reported from them.

Before the tree a file named its union in free text, which every way in stripped (rules.check_text since the first
revision, the sheet's cells too): names never differed by surrounding spaces, so none here do. Aid copied the name
onto each application when it was filed and did not follow a later change; W07 moved after filing, so its
application still names the old union. Campaigns, donors, gifts and accounts were the whole city's.

The money is what the old code left behind: each campaign's sources (restricted gifts, allocations, the union's
budget) with their ledger movements, each approval committed and each payment drawn from the sources in order.
"""

import hashlib
from datetime import UTC, date, datetime

import sqlalchemy as sa

from services.aid import models as aid
from services.gateway import models as gateway
from services.notify import models as notify
from services.registry import models as registry
from services.registry.workers import seal
from shared.application_numbers import short_number

# The revision each service's database stood at before issue 19's first migration.
OLD_REVISIONS = {"registry": "0003", "aid": "0006", "notify": "0001", "gateway": "0003"}
ADMIN_TOKEN = "old-admin-token"  # an account of the old installation, which the city still signs in with

FILED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
NOTICE_ENDS = date(2026, 12, 30)  # after the day the test runs on: no notice ends while it runs
STATUSES = ("submitted", "publicizing", "ready", "paying", "disbursed", "payment_failed", "rejected", "withdrawn")
APPROVED = ("publicizing", "ready", "paying", "payment_failed", "disbursed")  # an approval that stands
CATEGORIES = ("deep", "relative", "accident")

# key: (name, union now, category, file status, union when the application was filed if it differed)
WORKERS = {
    "W01": ("王建国", "纺织工会", "deep", "active", None),
    "W02": ("李秀英", "纺织工会", "relative", "active", None),
    "W03": ("张伟", "纺织工会", "accident", "active", None),
    "W04": ("刘洋", "纺织工会", "deep", "suspended", None),
    "W05": ("陈静", "建设工会", "deep", "active", None),
    "W06": ("杨帆", "建设工会", "relative", "exited", None),
    "W07": ("赵磊", "交通工会", "relative", "active", "建设工会"),
    "W08": ("黄丽", "交通工会", "accident", "active", None),
    "W09": ("周强", "市直机关工会", "deep", "exited", None),
}
# key: (program, name, year, budget_fen, amounts)
CAMPAIGNS = {
    "C25": ("warmth", "2025年送温暖", 2025, 800_000, {"deep": 300_000, "relative": 200_000, "accident": 250_000}),
    "C26": ("warmth", "2026年送温暖", 2026, 1_500_000, {"deep": 300_000, "relative": 200_000, "accident": 250_000}),
    "E26": ("education", "2026年金秋助学", 2026, 1_000_000, {"undergraduate": 500_000, "senior_high": 300_000}),
}
# key: (campaign, worker, status, amount_fen, education level)
APPLICATIONS = {
    "A01": ("C26", "W01", "submitted", 300_000, None),
    "A02": ("C26", "W02", "publicizing", 200_000, None),
    "A03": ("C26", "W03", "payment_failed", 250_000, None),
    "A04": ("C26", "W05", "ready", 300_000, None),
    "A05": ("C26", "W07", "paying", 200_000, None),
    "A06": ("C26", "W08", "disbursed", 250_000, None),
    "A07": ("C26", "W06", "rejected", 200_000, None),
    "A08": ("C26", "W04", "withdrawn", 300_000, None),
    "A09": ("E26", "W01", "disbursed", 500_000, "undergraduate"),
    "A10": ("E26", "W05", "submitted", 500_000, "undergraduate"),
    "A11": ("E26", "W08", "publicizing", 300_000, "senior_high"),
    "A12": ("C25", "W02", "disbursed", 200_000, None),
    "A13": ("C25", "W05", "disbursed", 300_000, None),
    "A14": ("C25", "W09", "disbursed", 300_000, None),
}
BATCH = ("B1", "C26", ("A03", "A05", "A06"))  # A05 still paying: the bank's result not back yet
# key: (name, kind, anonymous)
DONORS = {
    "D1": ("某纺织集团", "organization", False),
    "D2": ("爱心人士", "individual", True),
    "D3": ("某物流公司", "organization", False),
}
# key: (donor, amount_fen, restricted to, received on)
GIFTS = {
    "G1": ("D1", 100_000, "C25", date(2025, 1, 5)),
    "G2": ("D1", 500_000, "C26", date(2026, 1, 8)),
    "G3": ("D2", 300_000, None, date(2026, 2, 1)),
    "G4": ("D3", 50_000, None, date(2026, 3, 1)),
}
ALLOCATION = ("L1", "E26", "G3", 200_000)  # finance moved part of an unrestricted gift into 金秋助学
# key: (name, role, donor)
USERS = {
    "U1": ("市总管理员", "admin", None),
    "U2": ("经办人甲", "caseworker", None),
    "U3": ("经办人乙", "caseworker", None),
    "U4": ("财务", "finance", None),
    "U5": ("审计", "auditor", None),
    "U6": ("某纺织集团", "donor", "D1"),
}
OPTED_OUT = ("W04",)

# the statuses an application passed through to reach its own (a paid-by-hand one skips the batch)
ROUTES = {
    "submitted": ("submitted",),
    "publicizing": ("submitted", "publicizing"),
    "ready": ("submitted", "publicizing", "ready"),
    "paying": ("submitted", "publicizing", "ready", "paying"),
    "payment_failed": ("submitted", "publicizing", "ready", "paying", "payment_failed"),
    "disbursed": ("submitted", "publicizing", "ready", "disbursed"),
    "rejected": ("submitted", "rejected"),
    "withdrawn": ("submitted", "withdrawn"),
}
TEMPLATES = ("submitted", "publicizing", "rejected", "disbursed", "payment_failed")  # the statuses notify texts


def ident(key: str) -> str:
    """A server-made id (32 lowercase hex), the same for a key in every database."""
    return hashlib.md5(key.encode()).hexdigest()


def _insert(connection, model: sa.Table, rows: list[dict]) -> None:
    """Rows into the old table of that name: only the columns given (the old table has no newer ones), each stored
    the way the model's type stores it, as the old code did."""
    if rows:
        names = list(rows[0])
        table = sa.table(model.name, *(sa.column(name, model.c[name].type) for name in names))
        connection.execute(table.insert(), rows)


def file_installation(urls: dict[str, str], vault) -> None:
    """Every service's old tables filled (their databases at OLD_REVISIONS); `urls` by service name."""
    engines = {name: sa.create_engine(url) for name, url in urls.items()}
    try:
        with engines["registry"].begin() as connection:
            _file_registry(connection, vault)
        with engines["aid"].begin() as connection:
            _file_aid(connection)
        with engines["gateway"].begin() as connection:
            _file_gateway(connection)
        with engines["notify"].begin() as connection:
            _file_notify(connection)
    finally:
        for engine in engines.values():
            engine.dispose()


def _file_registry(connection, vault) -> None:
    rows, history, audit = [], [], []
    for number, (key, (name, union, category, status, _)) in enumerate(WORKERS.items(), start=1):
        id_number, phone, account = (
            f"11010519700101{number:03d}X",
            f"1380000{number:04d}",
            f"62220200000000{number:04d}",
        )
        rows.append(
            {
                "worker_id": ident(key),
                "name": name,
                "id_number_hash": hashlib.sha256(id_number.encode()).hexdigest(),
                "id_number_masked": f"{id_number[:6]}********{id_number[-4:]}",
                "sealed": seal(vault, id_number, phone, account),
                "gender": "male",
                "birth_date": date(1970, 1, 1),
                "phone_masked": f"{phone[:3]}****{phone[-4:]}",
                "employer": f"{union[:2]}某厂",
                "union": union,
                "category": category,
                "reasons": "illness",
                "household_size": 3,
                "household_monthly_income_fen": 150_000,
                "bank_name": "中国工商银行",
                "bank_account_masked": f"****{account[-4:]}",
                "family": [],
                "filed_on": FILED.date(),
                "review_due_on": date(2027, 3, 2),
                "status": status,
                "fingerprint": hashlib.sha256(key.encode()).hexdigest(),
                "version": 1 if status == "active" else 2,
                "created_at": FILED,
                "updated_at": FILED,
            }
        )
        history.append(_worker_status(key, None, "active", "建档"))
        if status != "active":
            history.append(_worker_status(key, "active", status, "年度复核"))
        audit.append(
            {"at": FILED, "actor": "caseworker:U2", "action": "create", "worker_id": ident(key), "details": {}}
        )
    _insert(connection, registry.workers, rows)
    _insert(connection, registry.status_history, history)
    _insert(connection, registry.audit_log, audit)
    _insert(
        connection,
        registry.imports,
        [
            {
                "import_id": ident("I1"),
                "filename": "困难职工档案.xlsx",
                "actor": "caseworker:U2",
                "status": "done",
                "total_rows": len(WORKERS),
                "processed_rows": len(WORKERS),
                "progress": 100,
                "result": {"created": len(WORKERS), "updated": 0, "unchanged": 0, "rejected": []},
                "started_at": FILED,
                "finished_at": FILED,
            }
        ],
    )
    _insert(
        connection,
        registry.change_requests,
        [
            {
                "change_request_id": ident("R1"),
                "worker_id": ident("W02"),
                "status": "pending",
                "source": "api",
                "old_bank_name": "中国工商银行",
                "old_account_masked": "****0002",
                "new_bank_name": "中国建设银行",
                "new_account_masked": "****9002",
                "new_account_sealed": vault.encrypt("6217000000000009002"),
                "new_bank_hash": hashlib.sha256(b"R1").hexdigest(),
                "requested_by": "caseworker:U2",
                "requested_at": FILED,
            }
        ],
    )


def _worker_status(key: str, before: str | None, after: str, reason: str) -> dict:
    return {
        "worker_id": ident(key),
        "from_status": before,
        "to_status": after,
        "reason": reason,
        "actor": "caseworker:U2",
        "at": FILED,
    }


class _Books:
    """The ledger and the campaigns' sources as the old code wrote them."""

    def __init__(self):
        self.entries: list[dict] = []
        self.sources: dict[str, list[dict]] = {key: [] for key in CAMPAIGNS}  # in the order they are drawn
        self.payouts: list[dict] = []

    def move(self, kind: str, source: str, target: str, amount_fen: int, **about) -> None:
        movement = {"movement_id": ident(f"{kind}{len(self.entries)}"), "kind": kind, "at": FILED}
        about = {"campaign_id": None, "donation_id": None, "application_id": None, **about}
        self.entries.append({**movement, **about, "account": source, "amount_fen": -amount_fen})
        self.entries.append({**movement, **about, "account": target, "amount_fen": amount_fen})

    def add_source(self, campaign: str, rank: int, amount_fen: int, gift: str | None = None) -> None:
        self.sources[campaign].append(
            {
                "source_id": ident(f"S{campaign}{rank}{gift}"),
                "campaign_id": ident(campaign),
                "rank": rank,
                "donation_id": gift and ident(gift),
                "received_on": gift and GIFTS[gift][3],
                "amount_fen": amount_fen,
                "used_fen": 0,
                "created_at": FILED,
            }
        )

    def pay(self, campaign: str, application: str, amount_fen: int) -> None:
        """Draw the payment from the campaign's sources in order: restricted, allocated, budget."""
        for source in sorted(self.sources[campaign], key=lambda source: source["rank"]):
            part = min(amount_fen, source["amount_fen"] - source["used_fen"])
            if part:
                source["used_fen"] += part
                amount_fen -= part
                self.payouts.append(
                    {
                        "application_id": ident(application),
                        "source_id": source["source_id"],
                        "donation_id": source["donation_id"],
                        "amount_fen": part,
                        "at": FILED,
                    }
                )
        assert amount_fen == 0, "the synthetic campaign cannot pay its own applications"


def _campaign_account(campaign: str, side: str) -> str:
    return f"campaign:{ident(campaign)}:{side}"


def _file_aid(connection) -> None:
    books = _Books()
    placed_in = _fund(books)
    applications, history, claims = _applications(books)
    _insert(connection, aid.campaigns, _campaigns(placed_in))
    _insert(connection, aid.donors, _donors())
    for table, rows in _gifts().items():
        _insert(connection, table, rows)
    _insert(connection, aid.applications, applications)
    _insert(connection, aid.history, history)
    _insert(connection, aid.claims, claims)
    for table, rows in _batch().items():
        _insert(connection, table, rows)
    _insert(connection, aid.fund_sources, [source for sources in books.sources.values() for source in sources])
    _insert(connection, aid.payouts, books.payouts)
    _insert(connection, aid.ledger, books.entries)


def _fund(books: _Books) -> dict[str, int]:
    """Each campaign's budget, restricted gifts and allocation, in the books; {campaign: what gifts placed in it}."""
    placed_in = dict.fromkeys(CAMPAIGNS, 0)
    for key, (_program, _name, _year, budget_fen, _amounts) in CAMPAIGNS.items():
        books.add_source(key, 2, budget_fen)
        funds = _campaign_account(key, "funds")
        books.move("budget", "external:union_budget", funds, budget_fen, campaign_id=ident(key))
    for key, (_donor, amount_fen, campaign, _received) in GIFTS.items():
        target = _campaign_account(campaign, "funds") if campaign else "unrestricted"
        about = {"campaign_id": campaign and ident(campaign), "donation_id": ident(key)}
        books.move("donation", "external:donors", target, amount_fen, **about)
        if campaign:
            books.add_source(campaign, 0, amount_fen, key)
            placed_in[campaign] += amount_fen
    _allocation, campaign, gift, amount_fen = ALLOCATION
    books.add_source(campaign, 1, amount_fen, gift)
    about = {"campaign_id": ident(campaign), "donation_id": ident(gift)}
    books.move("allocation", "unrestricted", _campaign_account(campaign, "funds"), amount_fen, **about)
    placed_in[campaign] += amount_fen
    return placed_in


def _applications(books: _Books) -> tuple[list, list, list]:
    """The applications, their history and their claims; each approval committed and each payment drawn."""
    applications, history, claims = [], [], []
    for key, (campaign, worker, status, amount_fen, level) in APPLICATIONS.items():
        application_id, (name, union, category, _status, union_then) = ident(key), WORKERS[worker]
        in_batch = key in BATCH[2]
        applications.append(
            {
                "application_id": application_id,
                "campaign_id": ident(campaign),
                "program": CAMPAIGNS[campaign][0],
                "worker_id": ident(worker),
                "status": status,
                "amount_fen": amount_fen,
                "name_masked": f"{name[0]}*{name[-1]}" if len(name) > 2 else f"{name[0]}*",
                "id_number_masked": "110105********001X",
                "id_last4": "001X",
                "short_number": short_number(application_id),
                "union": union_then or union,
                "category": category,
                "level": level,
                "student": level and {"name": "王*", "level": level, "school": "某大学"},
                "student_sealed": None,
                "submitted_by": "caseworker:U2",
                "publicity_ends_on": NOTICE_ENDS if status == "publicizing" else None,
                "batch_id": ident(BATCH[0]) if in_batch else None,
                "bank_ref": f"HAND-{key}" if status == "disbursed" and not in_batch else None,
                "created_at": FILED,
                "updated_at": FILED,
            }
        )
        route = ROUTES["paying"] + ("disbursed",) if status == "disbursed" and in_batch else ROUTES[status]
        for before, after in zip((None, *route), route, strict=False):
            actor = "caseworker:U2" if after == "submitted" else "caseworker:U3"
            history.append(
                {
                    "application_id": application_id,
                    "from_status": before,
                    "to_status": after,
                    "actor": actor,
                    "at": FILED,
                }
            )
        about = {"campaign_id": ident(campaign), "application_id": application_id}
        funds, committed = _campaign_account(campaign, "funds"), _campaign_account(campaign, "committed")
        if status in APPROVED:
            books.move("commit", funds, committed, amount_fen, **about)
        if status == "disbursed":
            books.move("disburse", committed, _campaign_account(campaign, "disbursed"), amount_fen, **about)
            books.pay(campaign, key, amount_fen)
        if status not in ("rejected", "withdrawn"):
            scope = f"warmth:{ident(campaign)}" if level is None else f"education:{CAMPAIGNS[campaign][2]}"
            household = hashlib.sha256(f"{worker}{level}".encode()).hexdigest()
            claims.append({"scope": scope, "key": household, "application_id": application_id})
    return applications, history, claims


def _campaigns(placed_in: dict[str, int]) -> list[dict]:
    campaigns = []
    for key, (program, name, year, budget_fen, amounts) in CAMPAIGNS.items():
        mine = [
            (status, amount) for campaign, _worker, status, amount, _level in APPLICATIONS.values() if campaign == key
        ]
        campaigns.append(
            {
                "campaign_id": ident(key),
                "program": program,
                "name": name,
                "year": year,
                "opens_on": date(year - 1, 12, 1) if program == "warmth" else date(year, 7, 1),
                "closes_on": date(year, 12, 31),
                "budget_fen": budget_fen,
                "allocated_fen": placed_in[key],
                "committed_fen": sum(amount for status, amount in mine if status in APPROVED and status != "disbursed"),
                "disbursed_fen": sum(amount for status, amount in mine if status == "disbursed"),
                "amounts": amounts,
                "publicity_days": 5,
                "created_by": "admin:U1",
                "created_at": FILED,
            }
        )
    return campaigns


def _donors() -> list[dict]:
    return [
        {
            "donor_id": ident(key),
            "name": name,
            "kind": kind,
            "anonymous": anonymous,
            "phone_masked": None,
            "phone_sealed": None,
            "created_by": "finance:U4",
            "created_at": FILED,
        }
        for key, (name, kind, anonymous) in DONORS.items()
    ]


def _gifts() -> dict[sa.Table, list[dict]]:
    allocation, campaign, allocated_gift, allocated_fen = ALLOCATION
    placed = {gift: amount_fen if campaign else 0 for gift, (_d, amount_fen, campaign, _r) in GIFTS.items()}
    placed[allocated_gift] += allocated_fen
    donations = [
        {
            "donation_id": ident(key),
            "donor_id": ident(donor),
            "amount_fen": amount_fen,
            "campaign_id": restricted and ident(restricted),
            "received_on": received_on,
            "external_ref": f"BANK-{key}",
            "receipt_no": f"JZ{received_on.year}-{ident(key)[:10].upper()}",
            "verification_code": f"{int(ident(key)[:5], 16) % 10**6:06d}",
            "placed_fen": placed[key],
            "created_by": "finance:U4",
            "created_at": FILED,
        }
        for key, (donor, amount_fen, restricted, received_on) in GIFTS.items()
    ]
    allocations = [
        {
            "allocation_id": ident(allocation),
            "campaign_id": ident(campaign),
            "amount_fen": allocated_fen,
            "external_ref": "ALLOC-1",
            "from_donations": [{"donation_id": ident(allocated_gift), "amount_fen": allocated_fen}],
            "created_by": "finance:U4",
            "created_at": FILED,
        }
    ]
    return {aid.donations: donations, aid.allocations: allocations}


def _batch() -> dict[sa.Table, list[dict]]:
    batch, campaign, items = BATCH
    results = {"A03": "failed", "A05": None, "A06": "success"}
    made = {
        "batch_id": ident(batch),
        "campaign_id": ident(campaign),
        "count": len(items),
        "total_fen": sum(APPLICATIONS[key][3] for key in items),
        "created_by": "finance:U4",
        "created_at": FILED,
    }
    lines = [
        {
            "batch_id": ident(batch),
            "application_id": ident(key),
            "line": line,
            "amount_fen": APPLICATIONS[key][3],
            "result": results[key],
            "bank_ref": results[key] and f"BANK-{key}",
            "reason": "账户已销户" if results[key] == "failed" else None,
            "settled_at": results[key] and FILED,
            "payee_sealed": None,
        }
        for line, key in enumerate(items, start=1)
    ]
    return {aid.batches: [made], aid.batch_items: lines}


def _file_gateway(connection) -> None:
    _insert(
        connection,
        gateway.users,
        [
            {
                "user_id": ident(key),
                "name": name,
                "role": role,
                "donor_id": donor and ident(donor),
                "token_hash": hashlib.sha256((ADMIN_TOKEN if key == "U1" else f"token-{key}").encode()).hexdigest(),
                "created_at": FILED,
                "token_issued_at": datetime.now(UTC),
                "revoked_at": None,
            }
            for key, (name, role, donor) in USERS.items()
        ],
    )
    _insert(
        connection,
        gateway.console_sessions,
        [
            {
                "session_hash": ident("session"),
                "user_id": ident("U2"),
                "name": USERS["U2"][0],
                "role": "caseworker",
                "donor_id": None,
                "csrf_token": ident("csrf"),
                "token_hash": hashlib.sha256(b"token-U2").hexdigest(),
                "created_at": FILED,
                "expires_at": FILED,
            }
        ],
    )


def _file_notify(connection) -> None:
    messages = []
    for key, (_campaign, worker, status, amount_fen, _level) in APPLICATIONS.items():
        for template in (step for step in ROUTES[status] if step in TEMPLATES):
            messages.append(
                {
                    "notification_id": ident(f"N{key}{template}"),
                    "application_id": ident(key),
                    "worker_id": ident(worker),
                    "template": template,
                    "params": {"amount": amount_fen // 100},
                    "text": f"【某市总工会】{template}",
                    "segments": 1,
                    "status": "suppressed" if worker in OPTED_OUT else "delivered",
                    "due_at": FILED,
                    "phone_masked": "138****0001",
                    "provider": None if worker in OPTED_OUT else "console",
                    "attempts": 0 if worker in OPTED_OUT else 1,
                    "failures": 0,
                    "created_at": FILED,
                    "updated_at": FILED,
                    "sent_at": None if worker in OPTED_OUT else FILED,
                    "delivered_at": None if worker in OPTED_OUT else FILED,
                }
            )
    _insert(connection, notify.messages, messages)
    _insert(
        connection,
        notify.attempts,
        [
            {
                "notification_id": message["notification_id"],
                "provider": "console",
                "outcome": "sent",
                "code": "OK",
                "message": "",
                "at": FILED,
            }
            for message in messages
            if message["attempts"]
        ],
    )
    _insert(
        connection,
        notify.opt_outs,
        [
            {
                "worker_id": ident(worker),
                "source": "staff",
                "reason": "本人要求不再接收短信",
                "created_by": "caseworker:U2",
                "created_at": FILED,
            }
            for worker in OPTED_OUT
        ],
    )

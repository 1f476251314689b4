"""The aid service's tables: campaigns with their quotas, applications with their history, and the claims that keep
aid single."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from shared.db import UtcDateTime
from shared.inbox import inbox_table
from shared.org_unit_copy import org_units_table
from shared.outbox import outbox_table
from shared.worker_unit_copy import worker_units_table

metadata = MetaData()

campaigns = Table(
    "campaigns",
    metadata,
    Column("campaign_id", String(32), primary_key=True),
    Column("program", String(10), nullable=False),
    Column("name", String(100), nullable=False),
    Column("year", Integer, nullable=False),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("budget_fen", BigInteger, nullable=False),
    Column("allocated_fen", BigInteger, nullable=False),
    Column("committed_fen", BigInteger, nullable=False),
    Column("disbursed_fen", BigInteger, nullable=False),
    Column("amounts", JSON, nullable=False),
    Column("publicity_days", Integer, nullable=False),
    # the union unit that owns it (NULL: the root, for campaigns made before aid knew the root); see scope.py
    Column("org_unit_id", String(32), index=True),
    Column("review_levels", JSON, nullable=False),  # the levels that approve, lower first; [] one approval
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# A unit's share of a campaign's money (its subtree's): approvals below the unit commit against it (moves.py)
quotas = Table(
    "campaign_quotas",
    metadata,
    Column("campaign_id", String(32), ForeignKey("campaigns.campaign_id"), primary_key=True),
    Column("org_unit_id", String(32), primary_key=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("committed_fen", BigInteger, nullable=False),
    Column("disbursed_fen", BigInteger, nullable=False),
    Column("set_by", String(100), nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("application_id", String(32), primary_key=True),
    Column("campaign_id", String(32), ForeignKey("campaigns.campaign_id"), nullable=False),
    Column("program", String(10), nullable=False),
    Column("worker_id", String(32), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    # what the public notice shows, masked when the application was filed
    Column("name_masked", String(50), nullable=False),
    Column("id_number_masked", String(18), nullable=False),
    Column("id_last4", String(4), nullable=False),
    Column("short_number", String(6), nullable=False, index=True),  # the 编号 in the worker's SMS: the status lookup
    Column("union", String(100), nullable=False),
    Column("category", String(10), nullable=False),
    # the worker's union unit and its path when the application was filed (the registry's `applicants`): the
    # application is seen in that unit's scope (scope.py); NULL, for those filed before units, is the root's
    Column("org_unit_id", String(32)),
    Column("path", String(1000)),
    Column("level", String(20)),
    Column("student", JSON),  # masked student details; the full ID number is only in student_sealed
    Column("student_sealed", Text),
    Column("note", Text),
    Column("submitted_by", String(100), nullable=False),
    # its review level by level (domain/reviews.py): the steps taken, and the level of the step it waits for (NULL:
    # none; the review queue asks for it), changed only with a condition on what was read (moves.py)
    Column("review_done", JSON),
    Column("review_next", String(10)),
    # the unit whose quota its committed money counts against (NULL: none), from its approval on (moves.py)
    Column("quota_org_unit_id", String(32)),
    Column("publicity_ends_on", Date),
    Column("batch_id", String(32)),
    Column("bank_ref", String(100)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_applications_campaign_status", "campaign_id", "status"),
    Index("ix_applications_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    # The roll-up report counts a year's applications by unit and status and sums their amounts (reports.py): on
    # PostgreSQL an index-only scan per campaign, about 12 MB for 300,000 applications (0.3 s where reading the
    # table took 1.4 under load; bench/report_bench.py).
    # the roll-up report's index, on PostgreSQL only: a SQLite installation (one centre) reads its table in milliseconds
    Index("ix_applications_figures", "campaign_id", "org_unit_id", "status", "amount_fen").ddl_if(dialect="postgresql"),
)

history = Table(
    "application_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(32), ForeignKey("applications.application_id"), nullable=False, index=True),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("reason", Text),
    Column("at", UtcDateTime, nullable=False),
)

# One row per thing that may be aided only once in a scope: a household member in a warmth
# campaign, a student in a school year, a relative-hardship household in a year. The unique key
# makes the rule hold even when two caseworkers file at the same moment on different instances.
claims = Table(
    "claims",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("application_id", String(32), ForeignKey("applications.application_id"), nullable=False, index=True),
)

batches = Table(
    "disbursement_batches",
    metadata,
    Column("batch_id", String(32), primary_key=True),
    Column("campaign_id", String(32), ForeignKey("campaigns.campaign_id"), nullable=False, index=True),
    Column("count", Integer, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# What each batch asked the bank to pay, and what the bank answered (once per item).
batch_items = Table(
    "batch_items",
    metadata,
    Column("batch_id", String(32), ForeignKey("disbursement_batches.batch_id"), primary_key=True),
    Column("application_id", String(32), ForeignKey("applications.application_id"), primary_key=True),
    Column("line", Integer, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("result", String(10)),
    Column("bank_ref", String(100)),
    Column("reason", Text),
    Column("settled_at", UtcDateTime),
    # who the bank pays, as the registry had it when the batch was made: JSON {name, bank_name, account}
    # sealed under DATA_KEY; null only for items of batches made before batches kept their payees
    Column("payee_sealed", Text),
)

# Every download of a batch's bank file: who, when, how many lines it held.
batch_downloads = Table(
    "batch_downloads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(32), ForeignKey("disbursement_batches.batch_id"), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

donors = Table(
    "donors",
    metadata,
    Column("donor_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("phone_masked", String(11)),
    Column("phone_sealed", Text),
    Column("org_unit_id", String(32), index=True),  # the unit that took the donor on (scope.py); NULL: the root's
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

donations = Table(
    "donations",
    metadata,
    Column("donation_id", String(32), primary_key=True),
    Column("donor_id", String(32), ForeignKey("donors.donor_id"), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("campaign_id", String(32), ForeignKey("campaigns.campaign_id"), index=True),  # set: restricted to it
    Column("received_on", Date, nullable=False),
    Column("external_ref", String(100), nullable=False, unique=True),
    Column("receipt_no", String(20), nullable=False, unique=True),
    Column("verification_code", String(8), nullable=False),
    # how much of it has gone to campaigns: all of a restricted gift at once, unrestricted money as finance allocates it
    Column("placed_fen", BigInteger, nullable=False),
    Column("org_unit_id", String(32), index=True),  # the unit that received it (scope.py); NULL: the root's
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# The money a campaign can spend, by where it came from, in the order it is drawn: restricted gifts,
# then unrestricted money allocated to it (oldest gift first), then the union's budget.
fund_sources = Table(
    "fund_sources",
    metadata,
    Column("source_id", String(32), primary_key=True),
    Column("campaign_id", String(32), ForeignKey("campaigns.campaign_id"), nullable=False, index=True),
    Column("rank", Integer, nullable=False),  # 0 restricted, 1 allocated, 2 budget
    Column("donation_id", String(32), ForeignKey("donations.donation_id"), index=True),
    Column("received_on", Date),
    Column("amount_fen", BigInteger, nullable=False),
    Column("used_fen", BigInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# Unrestricted money moved into a campaign; an external_ref makes the move happen once.
allocations = Table(
    "allocations",
    metadata,
    Column("allocation_id", String(32), primary_key=True),
    Column("campaign_id", String(32), ForeignKey("campaigns.campaign_id"), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("external_ref", String(100), unique=True),
    Column("from_donations", JSON, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# Which sources paid each disbursement.
payouts = Table(
    "payouts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(32), ForeignKey("applications.application_id"), nullable=False, index=True),
    Column("source_id", String(32), ForeignKey("fund_sources.source_id"), nullable=False),
    Column("donation_id", String(32), index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

# Double entry: every movement is rows that sum to zero. Accounts: external:donors and
# external:union_budget (where money comes from, so negative), unrestricted (gifts not yet allocated),
# campaign:<id>:funds / :committed / :disbursed.
ledger = Table(
    "ledger_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("movement_id", String(32), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("account", String(80), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("campaign_id", String(32)),
    Column("donation_id", String(32)),
    Column("application_id", String(32)),
    Column("at", UtcDateTime, nullable=False),
)

# Years of the working calendar entered by an admin (years the built-in official calendar does not know yet).
calendar_years = Table(
    "calendar_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("holidays", JSON, nullable=False),  # ["YYYY-MM-DD", ...]
    Column("workdays", JSON, nullable=False),  # make-up days (调休)
    Column("entered_by", String(100), nullable=False),
    Column("entered_at", UtcDateTime, nullable=False),
)

# the registry's units, as its events (or its answers) told them
org_units = org_units_table(metadata)
# each worker's unit as of the newest version of their file aid knows of: applications move only to a newer one's
worker_units = worker_units_table(metadata)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

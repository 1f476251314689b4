"""The aid service's tables: campaigns, applications with their history, and the claims that keep aid single."""
from sqlalchemy import JSON, BigInteger, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table, Text

from shared.db import UtcDateTime
from shared.inbox import inbox_table
from shared.outbox import outbox_table

metadata = MetaData()

campaigns = Table(
    "campaigns", metadata,
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
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

applications = Table(
    "applications", metadata,
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
    Column("union", String(100), nullable=False),
    Column("category", String(10), nullable=False),
    Column("level", String(20)),
    Column("student", JSON),  # masked student details; the full ID number is only in student_sealed
    Column("student_sealed", Text),
    Column("note", Text),
    Column("submitted_by", String(100), nullable=False),
    Column("publicity_ends_on", Date),
    Column("batch_id", String(32)),
    Column("bank_ref", String(100)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_applications_campaign_status", "campaign_id", "status"),
)

history = Table(
    "application_history", metadata,
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
    "claims", metadata,
    Column("scope", String(64), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("application_id", String(32), ForeignKey("applications.application_id"), nullable=False, index=True),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

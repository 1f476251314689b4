"""donors, donations, fund sources, payouts and the double-entry ledger

Revision ID: 0003
Revises: 0002
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "donors",
        sa.Column("donor_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("phone_masked", sa.String(length=11), nullable=True),
        sa.Column("phone_sealed", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("donor_id"),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("movement_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=True),
        sa.Column("donation_id", sa.String(length=32), nullable=True),
        sa.Column("application_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_ledger_entries_account"), "ledger_entries", ["account"], unique=False)
    op.create_index(op.f("ix_ledger_entries_movement_id"), "ledger_entries", ["movement_id"], unique=False)
    op.create_table(
        "donations",
        sa.Column("donation_id", sa.String(length=32), nullable=False),
        sa.Column("donor_id", sa.String(length=32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=False),
        sa.Column("receipt_no", sa.String(length=20), nullable=False),
        sa.Column("verification_code", sa.String(length=8), nullable=False),
        sa.Column("placed_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.campaign_id"],
        ),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donors.donor_id"],
        ),
        sa.PrimaryKeyConstraint("donation_id"),
        sa.UniqueConstraint("external_ref"),
        sa.UniqueConstraint("receipt_no"),
    )
    op.create_index(op.f("ix_donations_campaign_id"), "donations", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_donations_donor_id"), "donations", ["donor_id"], unique=False)
    op.create_table(
        "fund_sources",
        sa.Column("source_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.String(length=32), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("used_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.campaign_id"],
        ),
        sa.ForeignKeyConstraint(
            ["donation_id"],
            ["donations.donation_id"],
        ),
        sa.PrimaryKeyConstraint("source_id"),
    )
    op.create_index(op.f("ix_fund_sources_campaign_id"), "fund_sources", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_fund_sources_donation_id"), "fund_sources", ["donation_id"], unique=False)
    op.create_table(
        "payouts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=32), nullable=False),
        sa.Column("donation_id", sa.String(length=32), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.application_id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["fund_sources.source_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_payouts_application_id"), "payouts", ["application_id"], unique=False)
    op.create_index(op.f("ix_payouts_donation_id"), "payouts", ["donation_id"], unique=False)
    _ledger_for_existing_campaigns()


def _ledger_for_existing_campaigns():
    """Campaigns filed before the ledger: their budget as a source, and what they hold as entries."""
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)  # naive UTC: what SQLite stores and reads back
    for campaign_id, budget, committed, disbursed in connection.execute(
        sa.text("SELECT campaign_id, budget_fen, committed_fen, disbursed_fen FROM campaigns")
    ).all():
        connection.execute(
            sa.text(
                "INSERT INTO fund_sources (source_id, campaign_id, rank, amount_fen, used_fen, created_at) "
                "VALUES (:id, :campaign, 2, :budget, :disbursed, :now)"
            ),
            {"id": uuid.uuid4().hex, "campaign": campaign_id, "budget": budget, "disbursed": disbursed, "now": now},
        )
        funds = f"campaign:{campaign_id}:funds"
        for kind, source, target, amount in (
            ("budget", "external:union_budget", funds, budget),
            ("commit", funds, f"campaign:{campaign_id}:committed", committed + disbursed),
            ("disburse", f"campaign:{campaign_id}:committed", f"campaign:{campaign_id}:disbursed", disbursed),
        ):
            movement = uuid.uuid4().hex
            for account, signed in ((source, -amount), (target, amount)):
                connection.execute(
                    sa.text(
                        "INSERT INTO ledger_entries (movement_id, kind, account, amount_fen, campaign_id, at) "
                        "VALUES (:movement, :kind, :account, :amount, :campaign, :now)"
                    ),
                    {
                        "movement": movement,
                        "kind": kind,
                        "account": account,
                        "amount": signed,
                        "campaign": campaign_id,
                        "now": now,
                    },
                )


def downgrade():
    op.drop_index(op.f("ix_payouts_donation_id"), table_name="payouts")
    op.drop_index(op.f("ix_payouts_application_id"), table_name="payouts")
    op.drop_table("payouts")
    op.drop_index(op.f("ix_fund_sources_donation_id"), table_name="fund_sources")
    op.drop_index(op.f("ix_fund_sources_campaign_id"), table_name="fund_sources")
    op.drop_table("fund_sources")
    op.drop_index(op.f("ix_donations_donor_id"), table_name="donations")
    op.drop_index(op.f("ix_donations_campaign_id"), table_name="donations")
    op.drop_table("donations")
    op.drop_index(op.f("ix_ledger_entries_movement_id"), table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_account"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("donors")

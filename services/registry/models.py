"""The registry's tables.

ID, phone and bank numbers are stored only masked and, in full, inside `sealed`: one AES-GCM
ciphertext per worker holding all three. The ID number also has a keyed hash for exact lookup.
"""

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from shared.db import UtcDateTime
from shared.inbox import inbox_table
from shared.outbox import outbox_table

metadata = MetaData()

workers = Table(
    "workers",
    metadata,
    Column("worker_id", String(32), primary_key=True),
    Column("name", String(50), nullable=False),
    Column("id_number_hash", String(64), nullable=False, unique=True),
    Column("id_number_masked", String(18), nullable=False),
    Column("sealed", Text, nullable=False),
    Column("gender", String(6), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("phone_masked", String(11), nullable=False),
    Column("employer", String(100), nullable=False),
    Column("union", String(100), nullable=False),  # the name of the unit below, renamed with it (units.change)
    # The union unit the file belongs to and that unit's path, copied so that a scope is one prefix condition on
    # the file itself (scope.py). A unit with files never moves (org_rules.check_move), so the copy stays true.
    Column("org_unit_id", String(32), nullable=False),
    Column("path", String(1000), nullable=False),
    Column("category", String(10), nullable=False),
    Column("reasons", String(100), nullable=False),
    Column("household_size", Integer, nullable=False),
    Column("household_monthly_income_fen", Integer, nullable=False),
    Column("bank_name", String(50), nullable=False),
    Column("bank_account_masked", String(8), nullable=False),
    Column("family", JSON, nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("review_due_on", Date, nullable=False),
    Column("status", String(10), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("bank_changed_at", UtcDateTime),  # when an approved change request last changed the payee
    # Every extra index slows the bulk import, so there are few. Reviews due are looked up by status and date. A
    # province keeps a million files, a district's share of them spread over the whole table: on PostgreSQL a
    # caseworker's search by category and name within their subtree, its total and the ids of its page, is read from
    # ix_workers_search alone (an index-only scan, the table's pages untouched: 10 ms where reading a district's files
    # took 300), then only the page's 50 files (store.search; bench/scope_bench.py measures it). SQLite has neither
    # scope index: its LIKE never reads an index on a case-sensitive column, so they only slowed every import (one
    # centre's files are read from the table in milliseconds).
    Index("ix_workers_status_review_due_on", "status", "review_due_on"),
    Index(
        "ix_workers_path",
        "path",
        postgresql_ops={"path": "text_pattern_ops"},
        postgresql_include=["name", "employer", "created_at", "worker_id"],  # the same, for a list without a category
    ).ddl_if(dialect="postgresql"),
    Index(
        "ix_workers_search",
        "category",
        "path",
        postgresql_ops={"path": "text_pattern_ops"},
        postgresql_include=["name", "employer", "created_at", "worker_id"],
    ).ddl_if(dialect="postgresql"),
    # The roll-up report counts the active files by unit and category (reports.py): on PostgreSQL an index-only scan
    # of a million files' entries, which deduplication keeps at about 8 MB, already in groups (0.2 s, where reading the
    # table and grouping took 4; bench/report_bench.py).
    # the roll-up report's index, on PostgreSQL only: every index slows the bulk import, and a SQLite installation
    # (one centre) counts its files from the table in milliseconds
    Index("ix_workers_figures", "status", "org_unit_id", "category").ddl_if(dialect="postgresql"),
)

status_history = Table(
    "worker_status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("worker_id", String(32), ForeignKey("workers.worker_id"), nullable=False, index=True),
    Column("from_status", String(10)),
    Column("to_status", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    Column("worker_id", String(32), index=True),
    Column("details", JSON, nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("import_id", String(32), primary_key=True),
    Column("filename", String(255)),
    Column("actor", String(100), nullable=False),
    # an import belongs to the unit of the user who started it, and is seen within that unit's scope only
    Column("org_unit_id", String(32), nullable=False),
    Column("path", String(1000), nullable=False),
    Column("status", String(10), nullable=False),
    Column("total_rows", Integer, nullable=False),
    Column("processed_rows", Integer, nullable=False),
    Column("progress", Integer, nullable=False),
    Column("result", JSON),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
)

# An upload on its way in, about 1 MB a part, each sent by its own RPC to whichever instance takes it;
# the import assembles them in seq order and deletes them when it ends (see uploads.py). A sheet is full of
# ID, phone and bank numbers: each part is kept only encrypted, as `sealed` is in workers.
import_parts = Table(
    "import_parts",
    metadata,
    Column("import_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("sealed", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_import_parts_received_at", "received_at"),
)

# A change of a worker's bank details, waiting for (or decided by) a second person: the payee is what aid is paid
# to, so nobody changes it alone. The new account is kept only sealed and masked, as in workers; the old one
# masked, as it was when the change was asked for.
change_requests = Table(
    "change_requests",
    metadata,
    Column("change_request_id", String(32), primary_key=True),
    Column("worker_id", String(32), ForeignKey("workers.worker_id"), nullable=False, index=True),
    Column("status", String(10), nullable=False, index=True),
    Column("source", String(10), nullable=False),
    Column("old_bank_name", String(50), nullable=False),
    Column("old_account_masked", String(8), nullable=False),
    Column("new_bank_name", String(50), nullable=False),
    Column("new_account_masked", String(8), nullable=False),
    Column("new_account_sealed", Text, nullable=False),
    Column("new_bank_hash", String(64), nullable=False),
    Column("requested_by", String(100), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("decided_by", String(100)),
    Column("decided_at", UtcDateTime),
    Column("reason", Text),
)

# The union tree (帮扶中心网络). `path` holds the ids from the root down to the unit (shared/org_paths.py): a subtree is
# one prefix query, which PostgreSQL serves from the index only with text_pattern_ops (its collation would not).
# `children` counts the units right below, so a move checks "nothing below it" in the same conditional UPDATE.
org_units = Table(
    "org_units",
    metadata,
    Column("org_unit_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("parent_id", String(32), ForeignKey("org_units.org_unit_id")),
    Column("level", String(10), nullable=False),
    Column("path", String(1000), nullable=False),
    Column("depth", Integer, nullable=False),
    Column("children", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("parent_id", "name", name="uq_org_units_parent_id_name"),
    Index("ix_org_units_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

"""Discount periods (seeded with PP 50/2025) and the audit log of admin actions.

Revision ID: 0003_discounts_and_audit
Revises: 0002_support_tickets
Create Date: 2026-11-23
"""
from datetime import date, datetime, timezone
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0003_discounts_and_audit"
down_revision: Union[str, Sequence[str], None] = "0002_support_tickets"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# PP 50/2025 (shared/domain/bpjs-ketenagakerjaan.md §4): 50% off JKK+JKM for informal workers, by contribution
# month; transport workers Jan 2026 - Mar 2027, all other informal workers Apr - Dec 2026; not for workers
# whose contributions are paid from APBN/APBD.
SEED = [
    {"name": "Diskon 50% iuran JKK+JKM (pekerja transportasi)", "legal_basis": "PP 50/2025", "percent": 50,
     "first_month": date(2026, 1, 1), "last_month": date(2027, 3, 1), "programs": "jkk,jkm",
     "audience": "transport"},
    {"name": "Diskon 50% iuran JKK+JKM (pekerja informal)", "legal_basis": "PP 50/2025", "percent": 50,
     "first_month": date(2026, 4, 1), "last_month": date(2026, 12, 1), "programs": "jkk,jkm",
     "audience": "other"},
]


def upgrade() -> None:
    periods = op.create_table(
        "discount_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("legal_basis", sa.String(length=128), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("last_month", sa.Date(), nullable=False),
        sa.Column("programs", sa.String(length=32), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("excludes_government_paid", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("ended_by", sa.BigInteger(), nullable=True),
        sa.Column("ended_at", models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"])
    seeded_at = datetime(2026, 11, 23, tzinfo=timezone.utc)
    op.bulk_insert(periods, [{**row, "excludes_government_paid": True, "created_by": None,
                              "created_at": seeded_at, "ended_by": None, "ended_at": None} for row in SEED])


def downgrade() -> None:
    op.drop_index("ix_audit_log_actor_id", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("discount_periods")

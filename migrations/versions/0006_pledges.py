"""Sponsor pledges: pledges, their workers (invitations hashed, personal fields encrypted), months and payments.

Revision ID: 0006_pledges
Revises: 0005_enrollment_applications
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0006_pledges"
down_revision: Union[str, Sequence[str], None] = "0005_enrollment_applications"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsor_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("programs", sa.String(length=32), nullable=False),
        sa.Column("worker_count", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pledges_sponsor_id", "pledges", ["sponsor_id"])
    op.create_index("ix_pledges_status", "pledges", ["status"])
    op.create_table(
        "pledge_beneficiaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), sa.ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_encrypted", sa.Text(), nullable=True),
        sa.Column("phone_encrypted", sa.Text(), nullable=True),
        sa.Column("occupation", sa.String(length=64), nullable=False),
        sa.Column("transport", sa.Boolean(), nullable=False),
        sa.Column("invite_hash", sa.String(length=64), nullable=True),
        sa.Column("invite_expires_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("invite_used_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("worker_user_id", sa.BigInteger(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invite_hash"),
    )
    op.create_index("ix_pledge_beneficiaries_pledge_id", "pledge_beneficiaries", ["pledge_id"])
    op.create_index("ix_pledge_beneficiaries_worker_user_id", "pledge_beneficiaries", ["worker_user_id"])
    op.create_table(
        "pledge_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), sa.ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_due", sa.Integer(), nullable=False),
        sa.Column("amount_paid", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid_at", models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pledge_id", "month", name="uq_pledge_months_pledge_month"),
    )
    op.create_index("ix_pledge_months_pledge_id", "pledge_months", ["pledge_id"])
    op.create_index("ix_pledge_months_due_date", "pledge_months", ["due_date"])
    op.create_index("ix_pledge_months_status", "pledge_months", ["status"])
    op.create_table(
        "pledge_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), sa.ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("verified_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("verified_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pledge_payments_pledge_id", "pledge_payments", ["pledge_id"])
    op.create_index("ix_pledge_payments_recorded_by", "pledge_payments", ["recorded_by"])


def downgrade() -> None:
    op.drop_table("pledge_payments")
    op.drop_table("pledge_months")
    op.drop_table("pledge_beneficiaries")
    op.drop_table("pledges")

"""Payment reminders (one row per recipient, subject, month and kind) and the preferences behind them; one live
enrollment application per NIK.

Revision ID: 0007_reminders
Revises: 0006_pledges
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0007_reminders"
down_revision: Union[str, Sequence[str], None] = "0006_pledges"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # One live application per NIK, enforced by the database as well as checked before submitting. First, because
    # existing duplicates make it fail: SQLite does not roll back DDL already run, so nothing may come before it.
    live = sa.text("status != 'rejected'")
    op.create_index("uq_enrollment_applications_live_nik", "enrollment_applications", ["nik_hash"], unique=True,
                    sqlite_where=live, postgresql_where=live)
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("due_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("sent_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recipient_id", "subject", "subject_id", "month", "kind", name="uq_reminders_once"),
    )
    op.create_index("ix_reminders_recipient_id", "reminders", ["recipient_id"])
    op.create_index("ix_reminders_status_due_at", "reminders", ["status", "due_at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("reminder_hour", sa.Integer(), nullable=False, server_default="9"))
        batch.add_column(sa.Column("reminder_days_before", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("reminders_enabled", sa.Boolean(), nullable=False, server_default=sa.true()))
    # Never recreate `pledges` on SQLite: its DROP TABLE would cascade (ON DELETE CASCADE, foreign_keys=ON) and
    # empty pledge_beneficiaries, pledge_months and pledge_payments. Plain ALTER TABLE ADD/DROP COLUMN instead.
    with op.batch_alter_table("pledges", recreate="never") as batch:
        batch.add_column(sa.Column("reminders_off", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # First: needs ALTER TABLE DROP COLUMN (SQLite >= 3.35), so an older SQLite fails before anything changed.
    with op.batch_alter_table("pledges", recreate="never") as batch:  # see upgrade()
        batch.drop_column("reminders_off")
    op.drop_index("uq_enrollment_applications_live_nik", table_name="enrollment_applications")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("reminders_enabled")
        batch.drop_column("reminder_days_before")
        batch.drop_column("reminder_hour")
    op.drop_index("ix_reminders_status_due_at", table_name="reminders")
    op.drop_index("ix_reminders_recipient_id", table_name="reminders")
    op.drop_table("reminders")

"""Admin broadcasts and their per-recipient deliveries; users can opt out of announcements.

Revision ID: 0008_broadcasts
Revises: 0007_reminders
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0008_broadcasts"
down_revision: Union[str, Sequence[str], None] = "0007_reminders"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("text_html", sa.Text(), nullable=False),
        sa.Column("media_kind", sa.String(length=12), nullable=True),
        sa.Column("media_file_id", sa.String(length=256), nullable=True),
        sa.Column("buttons", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("started_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("finished_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_broadcasts_status", "broadcasts", ["status"])
    op.create_table(
        "broadcast_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("sent_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("broadcast_id", "user_id", name="uq_broadcast_deliveries_once"),
    )
    op.create_index("ix_broadcast_deliveries_broadcast_status", "broadcast_deliveries", ["broadcast_id", "status"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("announcements_opt_out", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("announcements_opt_out")
    op.drop_index("ix_broadcast_deliveries_broadcast_status", table_name="broadcast_deliveries")
    op.drop_table("broadcast_deliveries")
    op.drop_index("ix_broadcasts_status", table_name="broadcasts")
    op.drop_table("broadcasts")

"""Workers' enrollment applications (personal fields encrypted).

Revision ID: 0005_enrollment_applications
Revises: 0004_flow_states
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0005_enrollment_applications"
down_revision: Union[str, Sequence[str], None] = "0004_flow_states"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "enrollment_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("name_encrypted", sa.Text(), nullable=False),
        sa.Column("nik_encrypted", sa.Text(), nullable=False),
        sa.Column("nik_hash", sa.String(length=64), nullable=False),
        sa.Column("birth_date_encrypted", sa.Text(), nullable=False),
        sa.Column("phone_encrypted", sa.Text(), nullable=False),
        sa.Column("occupation", sa.String(length=64), nullable=False),
        sa.Column("transport", sa.Boolean(), nullable=False),
        sa.Column("province", sa.String(length=64), nullable=False),
        sa.Column("regency", sa.String(length=64), nullable=False),
        sa.Column("income", sa.Integer(), nullable=False),
        sa.Column("programs", sa.String(length=32), nullable=False),
        sa.Column("consent_version", sa.String(length=16), nullable=False),
        sa.Column("consent_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kpj_number", sa.String(length=32), nullable=True),
        sa.Column("reject_reason", sa.String(length=200), nullable=True),
        sa.Column("status_changed_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("status_changed_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_enrollment_applications_user_id", "enrollment_applications", ["user_id"])
    op.create_index("ix_enrollment_applications_nik_hash", "enrollment_applications", ["nik_hash"])
    op.create_index("ix_enrollment_applications_status", "enrollment_applications", ["status"])


def downgrade() -> None:
    for column in ("status", "nik_hash", "user_id"):
        op.drop_index(f"ix_enrollment_applications_{column}", table_name="enrollment_applications")
    op.drop_table("enrollment_applications")

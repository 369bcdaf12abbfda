"""The fingerprint of the data key the personal data is encrypted with (and, during a rotation, of the previous
one): a process started with another DATA_KEY refuses to start instead of failing on every read.

Revision ID: 0010_data_key_state
Revises: 0009_delivery_claims
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0010_data_key_state"
down_revision: Union[str, Sequence[str], None] = "0009_delivery_claims"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "data_key_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("previous_fingerprint", sa.String(length=16), nullable=True),
        sa.Column("updated_at", models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("data_key_state")

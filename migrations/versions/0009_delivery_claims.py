"""Broadcast deliveries carry their claim's token, like reminders: a worker that stalled past its lease can no
longer send or record a delivery another worker took over (models/claims.py).

Revision ID: 0009_delivery_claims
Revises: 0008_broadcasts
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009_delivery_claims"
down_revision: Union[str, Sequence[str], None] = "0008_broadcasts"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast_deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcast_deliveries") as batch:
        batch.drop_column("claimed_by")

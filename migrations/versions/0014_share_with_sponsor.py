"""A worker enrolling through a sponsor's invitation may agree to share their NIK and BPJS (KPJ) number with that
sponsor, so the sponsor can pay for them in JMO (SERTAKAN). The answer is kept on the worker's place in the pledge;
every existing worker has not agreed.

Revision ID: 0014_share_with_sponsor
Revises: 0013_payment_decisions
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0014_share_with_sponsor"
down_revision: Union[str, Sequence[str], None] = "0013_payment_decisions"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("pledge_beneficiaries") as batch:
        batch.add_column(sa.Column("share_with_sponsor", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("pledge_beneficiaries") as batch:
        batch.drop_column("share_with_sponsor")

"""The admins' inbox of questions passed to a person (/tiket): tickets gain the status `closed`, and the open ones
are found by status among the many kept drafts.

Revision ID: 0011_support_inbox
Revises: 0010_data_key_state
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0011_support_inbox"
down_revision: Union[str, Sequence[str], None] = "0010_data_key_state"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_support_tickets_status", "support_tickets", ["status"])


def downgrade() -> None:
    # A `closed` ticket stays as it is: earlier code only ever looks tickets up by their support-chat message.
    op.drop_index("ix_support_tickets_status", table_name="support_tickets")

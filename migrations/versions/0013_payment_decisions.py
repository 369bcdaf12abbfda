"""Admins decide payments: a payment can be rejected (when, by whom, why), and what each payment put on each pledge
month is kept (`pledge_payment_allocations`), so a rejected payment can be taken off exactly the months it paid.

Existing payments get their allocations from the months' paid amounts: each month's amount paid is taken from the
payments in the order they were recorded, oldest month first (the rule they were recorded by), so every month's
allocations add up to what it shows as paid.

Revision ID: 0013_payment_decisions
Revises: 0012_region_codes
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "0013_payment_decisions"
down_revision: Union[str, Sequence[str], None] = "0012_region_codes"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("pledge_payments") as batch:
        batch.add_column(sa.Column("rejected_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("rejected_by", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("reject_reason", sa.String(length=200), nullable=True))
    op.create_table(
        "pledge_payment_allocations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("payment_id", sa.Integer(), sa.ForeignKey("pledge_payments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("month_id", sa.Integer(), sa.ForeignKey("pledge_months.id", ondelete="CASCADE"), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
    )
    op.create_index("ix_pledge_payment_allocations_payment_id", "pledge_payment_allocations", ["payment_id"])
    op.create_index("ix_pledge_payment_allocations_month_id", "pledge_payment_allocations", ["month_id"])
    _allocate_existing_payments()


def _allocate_existing_payments() -> None:
    connection = op.get_bind()
    months = sa.table("pledge_months", sa.column("id", sa.Integer), sa.column("pledge_id", sa.Integer),
                      sa.column("month", sa.Date), sa.column("amount_paid", sa.Integer))
    payments = sa.table("pledge_payments", sa.column("id", sa.Integer), sa.column("pledge_id", sa.Integer),
                        sa.column("amount", sa.Integer), sa.column("created_at", UTCDateTime()))
    allocations = sa.table("pledge_payment_allocations", sa.column("payment_id", sa.Integer),
                           sa.column("month_id", sa.Integer), sa.column("amount", sa.Integer))
    paid = connection.execute(sa.select(months.c.id, months.c.pledge_id, months.c.amount_paid)
                              .where(months.c.amount_paid > 0).order_by(months.c.pledge_id, months.c.month,
                                                                         months.c.id)).all()
    recorded = connection.execute(sa.select(payments.c.id, payments.c.pledge_id, payments.c.amount)
                                  .order_by(payments.c.pledge_id, payments.c.created_at, payments.c.id)).all()
    left: dict[int, list[list[int]]] = {}  # pledge -> [[payment id, amount not yet placed], ...] in order
    for payment_id, pledge_id, amount in recorded:
        left.setdefault(pledge_id, []).append([payment_id, amount])
    rows = []
    for month_id, pledge_id, amount_paid in paid:
        need = amount_paid
        for entry in left.get(pledge_id, []):
            if need <= 0:
                break
            taken = min(need, entry[1])
            if taken > 0:
                rows.append({"payment_id": entry[0], "month_id": month_id, "amount": taken})
                entry[1] -= taken
                need -= taken
    if rows:
        connection.execute(allocations.insert(), rows)


def downgrade() -> None:
    op.drop_index("ix_pledge_payment_allocations_month_id", table_name="pledge_payment_allocations")
    op.drop_index("ix_pledge_payment_allocations_payment_id", table_name="pledge_payment_allocations")
    op.drop_table("pledge_payment_allocations")
    with op.batch_alter_table("pledge_payments") as batch:
        batch.drop_column("reject_reason")
        batch.drop_column("rejected_by")
        batch.drop_column("rejected_at")

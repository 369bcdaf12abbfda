"""Money per worker: each pledge month gets one row per worker (`pledge_worker_months`: due, discount, paid), and
payments' allocations name the worker's month they paid; a payment may be for one worker (`beneficiary_id`, empty for
all of the pledge's workers, as every earlier payment was); each worker records the income the sponsor pays on for
them and the sponsor's answer when the worker declared more than the minimum.

Existing months are split between the pledge's workers (in the sponsor's order) so that nothing changes in total:
- what was due is shared evenly, the rupiah left over going to the first workers; the old rows did not keep each
  worker's price, and every worker of a pledge was priced alike (the minimum income, the same programs);
- the discount of each part is what the minimum-income price of the pledge's programs (the 2026 rates: JKK 1% of
  Rp1,000,000, JKM Rp6,800, JHT 2%) exceeds its due;
- what was paid fills the workers' parts in order, as a payment does now;
- each allocation is split the same way, over the parts in order; the first piece keeps the allocation's row.
A month of a pledge without workers keeps no parts (nothing to split).

Revision ID: 0015_worker_months
Revises: 0014_share_with_sponsor
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0015_worker_months"
down_revision: Union[str, Sequence[str], None] = "0014_share_with_sponsor"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MINIMUM_INCOME = 1_000_000
# A worker's month at the minimum income, before any discount, by the programs a pledge holds.
BASE_PRICE = {"jkk": 10_000, "jkm": 6_800, "jht": 20_000}

months_table = sa.table("pledge_months", sa.column("id", sa.Integer), sa.column("pledge_id", sa.Integer),
                        sa.column("amount_due", sa.Integer), sa.column("amount_paid", sa.Integer))
pledges_table = sa.table("pledges", sa.column("id", sa.Integer), sa.column("programs", sa.String))
workers_table = sa.table("pledge_beneficiaries", sa.column("id", sa.Integer), sa.column("pledge_id", sa.Integer),
                         sa.column("position", sa.Integer))
parts_table = sa.table("pledge_worker_months", sa.column("id", sa.Integer), sa.column("month_id", sa.Integer),
                       sa.column("beneficiary_id", sa.Integer), sa.column("amount_due", sa.Integer),
                       sa.column("discount", sa.Integer), sa.column("amount_paid", sa.Integer))
allocations_table = sa.table("pledge_payment_allocations", sa.column("id", sa.Integer),
                             sa.column("payment_id", sa.Integer), sa.column("month_id", sa.Integer),
                             sa.column("worker_month_id", sa.Integer), sa.column("amount", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("pledge_beneficiaries") as batch:
        batch.add_column(sa.Column("priced_income", sa.Integer(), nullable=False,
                                   server_default=str(MINIMUM_INCOME)))
        batch.add_column(sa.Column("income_choice", sa.String(length=8), nullable=True))
    op.create_table(
        "pledge_worker_months",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month_id", sa.Integer(), sa.ForeignKey("pledge_months.id", ondelete="CASCADE"), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), sa.ForeignKey("pledge_beneficiaries.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("amount_due", sa.Integer(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("amount_paid", sa.Integer(), nullable=False),
        sa.UniqueConstraint("month_id", "beneficiary_id", name="uq_pledge_worker_months_month_worker"),
    )
    op.create_index("ix_pledge_worker_months_month_id", "pledge_worker_months", ["month_id"])
    op.create_index("ix_pledge_worker_months_beneficiary_id", "pledge_worker_months", ["beneficiary_id"])
    # A plain ADD COLUMN, without a foreign key: on SQLite a batch rebuild of pledge_payments would drop the table
    # its allocations point to, and the drop would cascade to them.
    op.add_column("pledge_payments", sa.Column("beneficiary_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("pledge_payment_allocations") as batch:
        batch.add_column(sa.Column("worker_month_id", sa.Integer(), nullable=True))
    parts_of_month = _split_months()
    _split_allocations(parts_of_month)
    # Every allocation now names a worker's month. (A pledge always has workers; one without would leave its
    # allocations unnamed and stop the upgrade here, in its transaction, rather than lose them.)
    with op.batch_alter_table("pledge_payment_allocations") as batch:
        batch.alter_column("worker_month_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key("fk_pledge_payment_allocations_worker_month_id", "pledge_worker_months",
                                 ["worker_month_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_pledge_payment_allocations_worker_month_id", ["worker_month_id"])


def _split_months() -> dict[int, list[list[int]]]:
    """One part per worker for every month; returns month id -> [[part id, due], ...] in the workers' order."""
    connection = op.get_bind()
    programs = dict(connection.execute(sa.select(pledges_table.c.id, pledges_table.c.programs)).all())
    workers: dict[int, list[int]] = {}
    for worker_id, pledge_id in connection.execute(
            sa.select(workers_table.c.id, workers_table.c.pledge_id)
            .order_by(workers_table.c.pledge_id, workers_table.c.position, workers_table.c.id)).all():
        workers.setdefault(pledge_id, []).append(worker_id)
    parts_of_month: dict[int, list[list[int]]] = {}
    for month_id, pledge_id, due, paid in connection.execute(
            sa.select(months_table.c.id, months_table.c.pledge_id, months_table.c.amount_due,
                      months_table.c.amount_paid).order_by(months_table.c.id)).all():
        ids = workers.get(pledge_id, [])
        if not ids:
            continue
        base = sum(BASE_PRICE.get(p, 0) for p in (programs.get(pledge_id) or "").split(","))
        share, extra = divmod(due, len(ids))
        unpaid = paid
        for index, worker_id in enumerate(ids):
            part_due = share + (1 if index < extra else 0)
            part_paid = min(unpaid, part_due) if index < len(ids) - 1 else unpaid  # nothing paid is dropped
            unpaid -= part_paid
            part_id = connection.execute(parts_table.insert().values(
                month_id=month_id, beneficiary_id=worker_id, amount_due=part_due,
                discount=max(0, base - part_due), amount_paid=part_paid).returning(parts_table.c.id)).scalar_one()
            parts_of_month.setdefault(month_id, []).append([part_id, part_due])
    return parts_of_month


def _split_allocations(parts_of_month: dict[int, list[list[int]]]) -> None:
    connection = op.get_bind()
    room = {month_id: [[part_id, due] for part_id, due in parts] for month_id, parts in parts_of_month.items()}
    for allocation_id, payment_id, month_id, amount in connection.execute(
            sa.select(allocations_table.c.id, allocations_table.c.payment_id, allocations_table.c.month_id,
                      allocations_table.c.amount).order_by(allocations_table.c.payment_id, allocations_table.c.id)
    ).all():
        parts = room.get(month_id)
        if not parts:
            continue
        pieces: list[tuple[int, int]] = []
        left = amount
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            taken = left if last else min(left, part[1])
            if taken > 0 or (last and not pieces):
                pieces.append((part[0], taken))
                part[1] -= taken
                left -= taken
            if left <= 0:
                break
        first_part, first_amount = pieces[0]
        connection.execute(allocations_table.update().where(allocations_table.c.id == allocation_id)
                           .values(worker_month_id=first_part, amount=first_amount))
        for part_id, taken in pieces[1:]:
            connection.execute(allocations_table.insert().values(payment_id=payment_id, month_id=month_id,
                                                                 worker_month_id=part_id, amount=taken))


def downgrade() -> None:
    # Allocations split over workers become one per payment and month again (the first row keeps the sum).
    connection = op.get_bind()
    kept: dict[tuple[int, int], int] = {}
    for allocation_id, payment_id, month_id, amount in connection.execute(
            sa.select(allocations_table.c.id, allocations_table.c.payment_id, allocations_table.c.month_id,
                      allocations_table.c.amount).order_by(allocations_table.c.id)).all():
        first = kept.get((payment_id, month_id))
        if first is None:
            kept[(payment_id, month_id)] = allocation_id
            continue
        connection.execute(allocations_table.update().where(allocations_table.c.id == first)
                           .values(amount=allocations_table.c.amount + amount))
        connection.execute(allocations_table.delete().where(allocations_table.c.id == allocation_id))
    with op.batch_alter_table("pledge_payment_allocations") as batch:
        batch.drop_index("ix_pledge_payment_allocations_worker_month_id")
        batch.drop_constraint("fk_pledge_payment_allocations_worker_month_id", type_="foreignkey")
        batch.drop_column("worker_month_id")
    op.drop_index("ix_pledge_worker_months_beneficiary_id", table_name="pledge_worker_months")
    op.drop_index("ix_pledge_worker_months_month_id", table_name="pledge_worker_months")
    op.drop_table("pledge_worker_months")
    op.drop_column("pledge_payments", "beneficiary_id")  # SQLite 3.35+ drops a plain column in place
    with op.batch_alter_table("pledge_beneficiaries") as batch:
        batch.drop_column("income_choice")
        batch.drop_column("priced_income")

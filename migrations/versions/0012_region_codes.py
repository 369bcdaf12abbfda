"""Applications carry the Kemendagri codes of their province and regency/city (bot/core/regions.py) beside the
names, so the branch office can key them in. Existing rows get the codes of the names they hold where those are
an official name or a usual short one; a name nobody can place keeps an empty code, and no name is changed.

Revision ID: 0012_region_codes
Revises: 0011_support_inbox
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012_region_codes"
down_revision: Union[str, Sequence[str], None] = "0011_support_inbox"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    from bot.core.regions import codes_for_names

    with op.batch_alter_table("enrollment_applications") as batch:
        batch.add_column(sa.Column("province_code", sa.String(length=2), nullable=True))
        batch.add_column(sa.Column("regency_code", sa.String(length=5), nullable=True))
    connection = op.get_bind()
    applications = sa.table("enrollment_applications", sa.column("id", sa.Integer), sa.column("province", sa.String),
                            sa.column("regency", sa.String), sa.column("province_code", sa.String),
                            sa.column("regency_code", sa.String))
    places = connection.execute(sa.select(applications.c.province, applications.c.regency).distinct()).all()
    for province, regency in places:
        province_code, regency_code = codes_for_names(province, regency)
        if province_code is None:
            continue
        connection.execute(applications.update()
                           .where(applications.c.province == province, applications.c.regency == regency)
                           .values(province_code=province_code, regency_code=regency_code))


def downgrade() -> None:
    with op.batch_alter_table("enrollment_applications") as batch:
        batch.drop_column("regency_code")
        batch.drop_column("province_code")

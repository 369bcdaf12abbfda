"""Enrollment applications in the database: encrypted at rest, one live application per NIK, statuses, deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from models import audit
from models.enrollment import (
    REGISTERED,
    REJECTED,
    DuplicateNik,
    delete_for_user,
    of_user,
    set_status,
    submit,
    view,
)
from tests.support.applicants import SITI

CIPHER = PersonalDataCipher(new_data_key())


async def test_personal_fields_are_never_stored_in_the_clear(db: Database) -> None:
    async with db.transaction() as session:
        stored = await submit(session, CIPHER, 11, SITI)
    async with db.session() as session:
        raw = (await session.exec(text("SELECT * FROM enrollment_applications"))).mappings().one()
    dump = " ".join(str(v) for v in raw.values())
    for secret in ("6371015708850002", "SITI", "+6281234567890", "1985-08-17"):
        assert secret not in dump
    shown = view(CIPHER, stored)
    assert (shown.name, shown.nik, shown.phone, shown.birth_date) == (SITI.name, SITI.nik, SITI.phone,
                                                                      SITI.birth_date)


async def test_a_nik_with_a_live_application_is_caught(db: Database) -> None:
    async with db.transaction() as session:
        first = await submit(session, CIPHER, 12, SITI)
    with pytest.raises(DuplicateNik) as caught:
        async with db.transaction() as session:
            await submit(session, CIPHER, 13, SITI)
    assert caught.value.existing_status == "submitted"
    async with db.transaction() as session:
        assert await set_status(session, first.id, REJECTED, 99, reason="NIK tidak cocok Dukcapil")
    async with db.transaction() as session:  # after a rejection, applying again is allowed
        await submit(session, CIPHER, 12, SITI)


async def test_status_changes_once_and_is_audited(db: Database) -> None:
    async with db.transaction() as session:
        application = await submit(session, CIPHER, 14, SITI)
    async with db.transaction() as session:
        done = await set_status(session, application.id, REGISTERED, 99, kpj_number="KPJ123")
        assert done is not None and done.kpj_number == "KPJ123" and done.status_changed_by == 99
        assert await set_status(session, application.id, REJECTED, 99, reason="x") is None  # already decided
    async with db.session() as session:
        assert [e.action for e in await audit.entries(session)][0] == "application.registered"
    with pytest.raises(ValueError):
        async with db.transaction() as session:
            await set_status(session, application.id, "submitted", 99)


async def test_the_owner_can_delete_their_applications(db: Database) -> None:
    async with db.transaction() as session:
        await submit(session, CIPHER, 15, SITI)
    async with db.transaction() as session:
        assert await delete_for_user(session, 15) == 1
        assert await delete_for_user(session, 15) == 0
    async with db.session() as session:
        assert await of_user(session, 15) == []

"""Moving stored personal data to a new key, on each backend: every encrypted column and the NIK lookup move,
values already moved are skipped, a row the bot changed meanwhile keeps the bot's version, and during the rotation
a NIK stored under the old key is still found (no second application for it)."""

from __future__ import annotations

from datetime import date

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from models import data_key as key_state
from models.enrollment import EnrollmentApplication, find_by_nik, submit, view
from models.flow import FlowState, current_flow, save_flow, unseal
from tests.support.applicants import SITI

OLD_KEY, NEW_KEY = new_data_key(), new_data_key()
OLD, ROTATING, NEW = (PersonalDataCipher(OLD_KEY), PersonalDataCipher(f"{NEW_KEY},{OLD_KEY}"),
                      PersonalDataCipher(NEW_KEY))
APPLICATIONS = key_state.ENCRYPTED_TABLES[0]
FLOWS = key_state.ENCRYPTED_TABLES[2]


async def test_an_application_moves_whole_and_is_then_read_and_found_with_the_new_key_alone(db: Database) -> None:
    async with db.transaction() as session:
        await submit(session, OLD, 11, SITI)
    async with db.session() as session:  # mid-rotation: the old row is still found by its NIK
        assert await find_by_nik(session, ROTATING, SITI.nik) is not None
    async with db.transaction() as session:
        batch = await key_state.rotate_batch(session, ROTATING, APPLICATIONS, None, 10)
    assert (batch.rows_seen, batch.values_moved, batch.unreadable, batch.last_key) == (1, 4, 0, None)
    async with db.session() as session:
        found = await find_by_nik(session, NEW, SITI.nik)
        assert found is not None and view(NEW, found).phone == SITI.phone and view(NEW, found).birth_date == date(
            1985, 8, 17)
    async with db.transaction() as session:  # run again (after a crash): nothing left to move
        assert (await key_state.rotate_batch(session, ROTATING, APPLICATIONS, None, 10)).values_moved == 0


async def test_a_flow_the_bot_changed_meanwhile_keeps_the_bots_version(db: Database) -> None:
    async with db.transaction() as session:
        await save_flow(session, 21, "enroll", "nik", {"name": "SITI"}, OLD)
    async with db.session() as session:
        read_by_rotation = (await session.get(FlowState, 21)).data
    async with db.transaction() as session:  # the user answers the next step (the bot writes with the new key)
        await save_flow(session, 21, "enroll", "phone", {"name": "SITI", "nik": SITI.nik}, ROTATING)
    async with db.transaction() as session:  # the rotation's write of what it had read does not land
        moved = await key_state.move_value(session, FLOWS, 21, "data", read_by_rotation,
                                           {"data": "sealed:" + NEW.encrypt('{"name": "SITI"}')})
        assert not moved
        assert (await key_state.rotate_batch(session, ROTATING, FLOWS, None, 10)).values_moved == 0
    async with db.session() as session:
        state = await current_flow(session, 21)
        assert state.step == "phone" and unseal(state, NEW) == {"name": "SITI", "nik": SITI.nik}


async def test_batches_resume_where_they_stopped(db: Database) -> None:
    async with db.transaction() as session:
        for user_id, nik in ((31, "6371015708850002"), (32, "6371015708850003"), (33, "6371015708850004")):
            await submit(session, OLD, user_id, SITI.__class__(**{**SITI.__dict__, "nik": nik}))
    async with db.transaction() as session:
        first = await key_state.rotate_batch(session, ROTATING, APPLICATIONS, None, 2)
    assert first.rows_seen == 2 and first.last_key is not None
    async with db.transaction() as session:
        rest = await key_state.rotate_batch(session, ROTATING, APPLICATIONS, first.last_key, 2)
    assert (rest.rows_seen, rest.last_key) == (1, None)
    async with db.session() as session:
        rows = (await session.exec(EnrollmentApplication.__table__.select())).all()
    assert all(NEW.under_current_key(row.nik_encrypted) for row in rows)

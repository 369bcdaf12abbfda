"""Flow state survives between messages; flows holding personal data keep it encrypted."""

from __future__ import annotations

from sqlalchemy import text

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from models.flow import clear_flow, current_flow, save_flow, unseal


async def test_plain_and_sealed_flow_state(db: Database) -> None:
    cipher = PersonalDataCipher(new_data_key())
    async with db.transaction() as session:
        await save_flow(session, 1, "quote", "income", {"occupation": "tani"})
        await save_flow(session, 2, "enroll", "phone", {"nik": "6371015708850002"}, cipher=cipher)
    async with db.session() as session:
        plain, sealed = await current_flow(session, 1), await current_flow(session, 2)
        raw = " ".join(r[0] for r in (await session.exec(text("SELECT data FROM flow_states"))).all())
    assert plain.values == {"occupation": "tani"} and plain.step == "income"
    assert "6371015708850002" not in raw
    assert unseal(sealed, cipher) == {"nik": "6371015708850002"}
    async with db.transaction() as session:
        await save_flow(session, 1, "quote", "jht", {"occupation": "tani", "income": 1})  # one row per user
        await clear_flow(session, 2)
    async with db.session() as session:
        assert (await current_flow(session, 1)).step == "jht"
        assert await current_flow(session, 2) is None


async def test_saving_again_replaces_the_row_whether_or_not_the_session_holds_it(db: Database) -> None:
    from datetime import timedelta

    from models.base import utcnow

    async with db.transaction() as session:
        await save_flow(session, 7, "pledge", "count", {"count": 2})
    async with db.transaction() as session:  # not loaded in this session: the one-statement upsert
        await save_flow(session, 7, "pledge", "name", {"count": 2, "names": ["Ahmad"]})
    async with db.transaction() as session:  # loaded first: changed in place, written once at commit
        loaded = await current_flow(session, 7)
        await save_flow(session, 7, "pledge", "phone", {"count": 2, "names": ["Ahmad", "Budi"]})
        assert loaded.step == "phone"
    async with db.session() as session:
        state = await current_flow(session, 7)
        rows = (await session.exec(text("SELECT count(*) FROM flow_states WHERE user_id = 7"))).one()[0]
    assert rows == 1 and state.step == "phone" and state.values["names"] == ["Ahmad", "Budi"]
    assert state.updated_at.tzinfo is not None and utcnow() - state.updated_at < timedelta(minutes=1)

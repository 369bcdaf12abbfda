"""The data key end to end on each backend: the first process records its key, a process with another key is
refused with one line, and `rotate-key` moves everything to a new key, resumes after a crash, and only then lets
the new key run alone."""

from __future__ import annotations

import io

import pytest

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.core.settings import Settings
from bot.infra.database import Database
from bot.runtime.commands.rotate_key import rotate_data_key
from bot.runtime.data_key_check import data_key_problem
from models.enrollment import find_by_nik, submit, view
from models.flow import save_flow
from models.pledge import WorkerDetails, create_pledge
from tests.support.applicants import SITI
from tests.support.sponsors import DEC

OLD_KEY, NEW_KEY, OTHER_KEY = new_data_key(), new_data_key(), new_data_key()


def settings(url: str, key: str) -> Settings:
    return Settings(_env_file=None, database_url=url, data_key=key)


class Crash(Exception):
    pass


async def test_a_wrong_key_is_refused_and_a_rotation_survives_a_crash(db: Database, database_url: str) -> None:
    assert await data_key_problem(settings(database_url, OLD_KEY)) is None  # the first start records the key
    old = PersonalDataCipher(OLD_KEY)
    async with db.transaction() as session:
        await submit(session, old, 11, SITI)
        await create_pledge(session, old, 12, [WorkerDetails("AHMAD FAUZI", "marbot", False, "+6281234567891")],
                            months=1, programs=("jkk", "jkm"), first_month=DEC, current_month=DEC, discounts=[])
        await save_flow(session, 13, "enroll", "phone", {"nik": "6371015708850009"}, old)
    wrong = await data_key_problem(settings(database_url, OTHER_KEY))
    assert wrong is not None and "not the key" in wrong and "\n" not in wrong

    batches = 0

    async def crash_after_the_first_batch() -> None:
        nonlocal batches
        batches += 1
        if batches == 1:
            raise Crash

    rotating = settings(database_url, f"{NEW_KEY},{OLD_KEY}")
    with pytest.raises(Crash):
        await rotate_data_key(rotating, batch_size=1, after_batch=crash_after_the_first_batch, out=io.StringIO())
    assert "under way" in await data_key_problem(settings(database_url, NEW_KEY))  # not finished: both keys needed
    assert "moving to another key" in await data_key_problem(settings(database_url, OLD_KEY))
    assert await data_key_problem(rotating) is None  # processes restarted with "NEW,OLD" run meanwhile

    out = io.StringIO()
    assert await rotate_data_key(rotating, batch_size=1, out=out) == 0
    assert "Done: " in out.getvalue()
    assert await data_key_problem(settings(database_url, NEW_KEY)) is None
    assert await data_key_problem(settings(database_url, OLD_KEY)) is not None
    new = PersonalDataCipher(NEW_KEY)
    async with db.session() as session:
        found = await find_by_nik(session, new, SITI.nik)
        assert found is not None and view(new, found).name == SITI.name


async def test_an_existing_database_is_checked_before_its_key_is_recorded(db: Database, database_url: str) -> None:
    async with db.transaction() as session:  # data written before fingerprints were kept
        await submit(session, PersonalDataCipher(OLD_KEY), 11, SITI)
    refused = await data_key_problem(settings(database_url, OTHER_KEY))
    assert refused is not None and "cannot read" in refused
    assert await data_key_problem(settings(database_url, OLD_KEY)) is None

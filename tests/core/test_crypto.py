from __future__ import annotations

import pytest

from bot.core.crypto import DataKeyError, PersonalDataCipher, new_data_key
from bot.infra.data_key_file import cipher_for


def test_personal_data_round_trips_and_is_not_readable_without_the_key() -> None:
    cipher = PersonalDataCipher(new_data_key())
    token = cipher.encrypt("6371011708850001")
    assert "6371011708850001" not in token and cipher.decrypt(token) == "6371011708850001"
    assert cipher.encrypt("6371011708850001") != token  # no two tokens alike
    with pytest.raises(DataKeyError):
        PersonalDataCipher(new_data_key()).decrypt(token)


def test_lookup_hashes_find_duplicates_without_storing_the_value() -> None:
    key = new_data_key()
    first, second = PersonalDataCipher(key), PersonalDataCipher(key)
    assert first.lookup_hash("6371011708850001") == second.lookup_hash("6371011708850001")
    assert first.lookup_hash("6371011708850001") != first.lookup_hash("6371011708850002")
    assert PersonalDataCipher(new_data_key()).lookup_hash("6371011708850001") != first.lookup_hash("6371011708850001")


def test_during_a_rotation_new_comma_old_reads_both_writes_new_and_looks_up_both_hashes() -> None:
    old_key, new_key = new_data_key(), new_data_key()
    old, both, new = PersonalDataCipher(old_key), PersonalDataCipher(f"{new_key}, {old_key}"), PersonalDataCipher(new_key)
    written_before = old.encrypt("6371011708850001")
    written_during = both.encrypt("6371011708850001")
    assert both.decrypt(written_before) == both.decrypt(written_during) == "6371011708850001"
    assert new.decrypt(written_during) == "6371011708850001"  # new data is under the new key alone
    assert not both.under_current_key(written_before) and both.under_current_key(written_during)
    assert both.lookup_hashes("6371011708850001") == [new.lookup_hash("6371011708850001"),
                                                     old.lookup_hash("6371011708850001")]
    assert both.fingerprints == (new.fingerprint, old.fingerprint) and new.fingerprint != old.fingerprint
    assert new_key not in new.fingerprint and len(new.fingerprint) == 16
    with pytest.raises(DataKeyError, match="twice"):
        PersonalDataCipher(f"{new_key},{new_key}")


@pytest.mark.parametrize("key", ["", "short", "x" * 44, ","])
def test_a_bad_data_key_is_refused_clearly(key: str) -> None:
    with pytest.raises(DataKeyError, match="DATA_KEY"):
        PersonalDataCipher(key)


def test_a_local_sqlite_install_gets_a_key_file_made_once_and_kept_private(tmp_path) -> None:  # noqa: ANN001
    url = f"sqlite+aiosqlite:///{tmp_path}/data/lindungi.db"
    cipher, key_file = cipher_for(None, url)
    assert key_file == tmp_path / "data" / "data.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    token = cipher.encrypt("6371015708900001")
    again, same_file = cipher_for(None, url)  # a restart reads the same key: old data stays readable
    assert same_file == key_file and again.decrypt(token) == "6371015708900001"


def test_an_explicit_key_wins_and_postgres_requires_one(tmp_path) -> None:  # noqa: ANN001
    key = new_data_key()
    cipher, key_file = cipher_for(key, f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert key_file is None and not (tmp_path / "data.key").exists()
    assert PersonalDataCipher(key).decrypt(cipher.encrypt("a")) == "a"
    with pytest.raises(DataKeyError, match="DATA_KEY is required"):
        cipher_for(None, "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def test_a_damaged_key_file_is_reported_not_replaced(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "data.key").write_text("damaged\n")
    with pytest.raises(DataKeyError, match="damaged"):
        cipher_for(None, f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert (tmp_path / "data.key").read_text() == "damaged\n"


def test_a_lost_key_file_is_not_silently_replaced_when_the_database_holds_encrypted_data(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    database = tmp_path / "lindungi.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE enrollment_applications (id INTEGER)")
        connection.execute("INSERT INTO enrollment_applications VALUES (1)")
    with pytest.raises(DataKeyError, match="restore the key file"):
        cipher_for(None, f"sqlite+aiosqlite:///{database}")
    assert not (tmp_path / "data.key").exists()

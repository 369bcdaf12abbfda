from __future__ import annotations

import pytest

from bot.crypto import DataKeyError, PersonalDataCipher, new_data_key


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


@pytest.mark.parametrize("key", ["", "short", "x" * 44])
def test_a_bad_data_key_is_refused_clearly(key: str) -> None:
    with pytest.raises(DataKeyError, match="DATA_KEY"):
        PersonalDataCipher(key)

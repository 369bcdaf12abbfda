from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.settings import DEFAULT_SQLITE_URL, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No developer .env or environment leaks into these tests.
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_defaults_need_nothing_but_give_a_working_local_setup() -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.database_url == DEFAULT_SQLITE_URL
    assert settings.default_language == "id"
    assert settings.default_timezone == "Asia/Makassar"
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.api_file_url == "https://api.telegram.org/file/bot"
    assert settings.admin_ids == frozenset()
    assert settings.webhook_url is None


def test_values_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=11, 22 33\nDEFAULT_LANGUAGE=EN\nLOG_LEVEL=debug\n")
    settings = load_settings()
    assert settings.admin_ids == {11, 22, 33}
    assert settings.is_admin(22) and not settings.is_admin(44) and not settings.is_admin(None)
    assert settings.default_language == "en"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ADMIN_IDS", "abc", "ADMIN_IDS"),
        ("DEFAULT_TIMEZONE", "Borneo/Central", "DEFAULT_TIMEZONE"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE"),
        ("DATABASE_URL", "mysql://localhost/x", "DATABASE_URL"),
        ("TELEGRAM_BASE_URL", "api.telegram.org", "TELEGRAM_BASE_URL"),
        ("WEBHOOK_PORT", "99999", "WEBHOOK_PORT"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL"),
        ("DATA_KEY", "not-a-fernet-key", "DATA_KEY"),
    ],
)
def test_an_invalid_setting_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
                                                  expected: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert expected in message and "\n" not in message


def test_a_malformed_token_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "my-secret-but-wrong")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "BOT_TOKEN" in str(caught.value) and "my-secret-but-wrong" not in str(caught.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/x", "postgresql+asyncpg://u:p@db/x"),
        ("postgresql://u@db:5433/x", "postgresql+asyncpg://u@db:5433/x"),
        ("sqlite:///./data/x.db", "sqlite+aiosqlite:///./data/x.db"),
        ("", DEFAULT_SQLITE_URL),
    ],
)
def test_database_urls_get_the_async_driver(monkeypatch: pytest.MonkeyPatch, given: str, expected: str) -> None:
    monkeypatch.setenv("DATABASE_URL", given)
    assert load_settings().database_url == expected


@pytest.mark.parametrize("base", ["http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"])
def test_a_self_hosted_bot_api_url_is_accepted_with_or_without_bot_suffix(monkeypatch: pytest.MonkeyPatch,
                                                                          base: str) -> None:
    monkeypatch.setenv("TELEGRAM_BASE_URL", base)
    settings = load_settings()
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.api_file_url == "http://127.0.0.1:8081/file/bot"


def test_a_generated_data_key_is_accepted_and_treated_as_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.core.crypto import new_data_key

    key = new_data_key()
    monkeypatch.setenv("DATA_KEY", key)
    settings = load_settings()
    assert settings.data_key is not None and key in settings.secrets()


def test_webhook_secret_is_derived_from_the_token_but_does_not_reveal_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")
    first = load_settings().webhook_secret_value
    assert first == load_settings().webhook_secret_value
    assert "ABCDEFGHIJ" not in first and len(first) >= 32
    monkeypatch.setenv("WEBHOOK_SECRET", "chosen-secret")
    assert load_settings().webhook_secret_value == "chosen-secret"
    assert "chosen-secret" in load_settings().secrets()

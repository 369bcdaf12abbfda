"""Settings from the environment and `.env`, validated once at start.

Every setting is documented in `.env.example`. A bad value is reported as one line naming the
environment variable (see `describe_settings_error`), never as a traceback.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.crypto import DataKeyError, PersonalDataCipher

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./data/lindungi.db"
TELEGRAM_API_ROOT = "https://api.telegram.org"

# Telegram tokens are "<bot id>:<secret>"; checked here so a pasted typo fails at start, not at first request.
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_SQLITE_URL
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: Literal["id", "en"] = "id"
    default_timezone: str = "Asia/Makassar"
    telegram_base_url: str | None = TELEGRAM_API_ROOT
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    support_chat_id: int | None = None
    data_key: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    run_scheduler: bool = True  # plan and send reminders in this process (set false on receivers of a cluster)
    send_rate: float = Field(default=25.0, gt=0, le=1000)  # bulk messages per second from this process
    # New messages per second from this process in all (Telegram's overall limit is about 30; with the budget's
    # small burst, 28 stays under it): chat replies first, bulk sends with what is left; past it, replies queue
    # instead of drawing 429s.
    message_rate: float = Field(default=28.0, gt=0, le=1000)
    dispatch_every: float = Field(default=20.0, ge=0.1, le=3600)  # seconds between "send what is due" runs
    # A reminder or broadcast delivery claimed this long ago, and not yet handed to Telegram, is offered to another
    # process (the slow one can no longer send it).
    claim_timeout: float = Field(default=120.0, ge=1, le=86400)
    # One handed to Telegram this long ago with no outcome recorded: its process is taken for dead and the row is
    # offered again (the recipient may get it twice: the only duplicate possible).
    in_flight_timeout: float = Field(default=600.0, ge=1, le=86400)
    # HTTP client for Bot API calls: aiohttp (default, about a third of httpx's CPU per call under load) or
    # httpx (PTB's own default).
    http_client: Literal["aiohttp", "httpx"] = "aiohttp"

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value.get_secret_value() if isinstance(value, SecretStr) else value).strip()
        if not _TOKEN_RE.match(text):
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("does not look like a token from @BotFather (expected 123456:ABC...)")
        return text

    @field_validator("database_url", mode="before")
    @classmethod
    def _async_driver(cls, value: object) -> str:
        url = str(value or "").strip() or DEFAULT_SQLITE_URL
        return normalise_database_url(url)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> frozenset[int]:
        if value is None or value == "":
            return frozenset()
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
        else:
            parts = list(value)  # type: ignore[arg-type]
        ids: set[int] = set()
        for part in parts:
            try:
                ids.add(int(part))
            except (TypeError, ValueError):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 12345,67890") from None
        return frozenset(ids)

    @field_validator("default_language", mode="before")
    @classmethod
    def _lower_language(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("support_chat_id", mode="before")
    @classmethod
    def _empty_chat(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("data_key", mode="before")
    @classmethod
    def _fernet_key(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value).strip()
        try:
            PersonalDataCipher(text)
        except DataKeyError:
            raise ValueError("must be a key made by: python -m bot keygen") from None
        return text

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Asia/Makassar or Asia/Jakarta") from None
        return value

    @field_validator("telegram_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        value = (value or "").strip().rstrip("/")
        if not value:
            return None
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL")
        return value

    # --- derived values -------------------------------------------------------------------
    @property
    def token(self) -> str:
        if self.bot_token is None:
            raise MissingTokenError
        return self.bot_token.get_secret_value()

    @property
    def api_base_url(self) -> str:
        """Base URL for Bot API methods, in PTB's form (the token is appended)."""
        root = self.telegram_base_url or TELEGRAM_API_ROOT
        return root if root.endswith("/bot") else f"{root}/bot"

    @property
    def api_file_url(self) -> str:
        root = self.telegram_base_url or TELEGRAM_API_ROOT
        if root.endswith("/bot"):
            root = root[: -len("/bot")]
        return f"{root}/file/bot"

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    @property
    def webhook_secret_value(self) -> str:
        """Telegram's secret-token header value; derived from the token when not set so that every
        instance of one deployment agrees without extra configuration."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        return hashlib.sha256(b"lindungi-webhook:" + self.token.encode()).hexdigest()[:48]

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def secrets(self) -> list[str]:
        """Values that must never appear in logs or messages."""
        values = []
        if self.bot_token is not None:
            values.append(self.bot_token.get_secret_value())
        if self.webhook_secret is not None:
            values.append(self.webhook_secret.get_secret_value())
        if self.data_key is not None:  # "NEW,OLD" during a key rotation: each key is a secret on its own
            values += [key.strip() for key in self.data_key.get_secret_value().split(",") if key.strip()]
        return values


class MissingTokenError(RuntimeError):
    """Raised when a command that talks to Telegram runs without BOT_TOKEN."""


class SettingsError(Exception):
    """A settings problem already phrased as the single line the user should see."""


def normalise_database_url(url: str) -> str:
    """Map plain URLs to the async drivers we ship: postgres:// → asyncpg, sqlite:// → aiosqlite."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    if not (url.startswith("postgresql+asyncpg://") or url.startswith("sqlite+aiosqlite://")):
        raise ValueError("must be a sqlite:/// or postgresql:// URL")
    return url


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL (None for PostgreSQL or in-memory SQLite)."""
    prefix = "sqlite+aiosqlite:///"
    if not database_url.startswith(prefix):
        return None
    path = database_url[len(prefix) :].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


def describe_settings_error(error: ValidationError) -> str:
    """One line naming the environment variable(s) at fault, without their values."""
    problems = []
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item.get("loc") else "SETTINGS"
        message = str(item.get("msg", "is invalid"))
        message = message.removeprefix("Value error, ")
        problems.append(f"{name} {message}" if message[:1].islower() else f"{name}: {message}")
    return "Invalid setting: " + "; ".join(problems)


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with a one-line message when they are invalid."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe_settings_error(error)) from None


MISSING_TOKEN_MESSAGE = (
    "BOT_TOKEN is not set: put the token from @BotFather in BOT_TOKEN (environment or .env), "
    "or try the bot without one: python -m bot console"
)

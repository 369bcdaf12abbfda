"""Migrations keep data: start at the first revision, fill it, step up to head and back down, check every row.

Rows are written with raw SQL that matches each revision's own schema (the ORM models describe head only).
After every step the tables that exist hold exactly the rows written so far (full rows, compared by primary
key), columns added to tables that already had rows carry their server defaults, and the schema after a
downgrade is the one the upgrade produced at that revision. At head the ORM reads every row back.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Boolean, Date, bindparam, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

import models
from bot.infra import migrations as migrate
from bot.infra.database import Database, make_engine
from models.base import UTCDateTime

WIB, WITA, WIT = (timezone(timedelta(hours=hours)) for hours in (7, 8, 9))
UTC = timezone.utc

# Telegram ids: 2^31 (the first that does not fit a 32-bit integer), ten digits, 2^53 - 1; a supergroup chat id.
ADMIN_ID = 2**31
SITI_ID = 7_123_456_789
BIG_ID = 2**53 - 1
SUPPORT_CHAT_ID = -1_001_234_567_890
LONG_NAME = "Ā" * 64 + "語" * 64  # 128 characters, more than 128 bytes: varchar(128) counts characters

Rows = dict[str, list[dict[str, Any]]]


@dataclass
class State:
    """What the database should hold: every row written so far, per table, with every column of the revision."""

    rows: Rows = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # names for generated ids, used by later rows


# --- raw SQL, typed the way the application binds values -------------------------------------------------------

def _bind_type(value: Any):
    if isinstance(value, datetime):
        return UTCDateTime()  # naive UTC text on SQLite, timestamptz on PostgreSQL, exactly as the app writes
    if isinstance(value, date):
        return Date()
    if isinstance(value, bool):
        return Boolean()
    return None


def _read_type(table: str, column: str):
    """The column's type at head (no migration renames or retypes a column), for reading values back."""
    head = models.metadata.tables.get(table)
    return head.c[column].type if head is not None and column in head.c else None


def _q(name: str) -> str:
    return f'"{name}"'


def _pk(table: str) -> str:
    return next(iter(models.metadata.tables[table].primary_key.columns)).name


async def _insert(connection: AsyncConnection, state: State, table: str, row: dict[str, Any],
                  name: str | None = None) -> dict[str, Any]:
    """INSERT one row; a generated id is read back with RETURNING and stored in the row (and under `name`)."""
    pk = _pk(table)
    columns = list(row)
    statement = text(
        f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))}) VALUES ({', '.join(f':{c}' for c in columns)})"
        + ("" if pk in row else f" RETURNING {_q(pk)}")
    ).bindparams(*[bindparam(c, type_=_bind_type(v)) for c, v in row.items() if _bind_type(v) is not None])
    result = await connection.execute(statement, row)
    row = dict(row)
    if pk not in row:
        row[pk] = result.scalar_one()
    state.rows.setdefault(table, []).append(row)
    if name is not None:
        state.ids[name] = row[pk]
    return row


async def _select(connection: AsyncConnection, table: str, columns: list[str]) -> dict[Any, dict[str, Any]]:
    pk = _pk(table)
    statement = text(f"SELECT {', '.join(map(_q, columns))} FROM {_q(table)}")
    typed = {c: _read_type(table, c) for c in columns if _read_type(table, c) is not None}
    result = await connection.execute(statement.columns(**typed))
    return {row[pk]: row for row in (dict(r._mapping) for r in result)}


@asynccontextmanager
async def _connect(url: str) -> AsyncIterator[AsyncConnection]:
    """A fresh engine per use: after DDL, asyncpg's cached statements for a changed table would be stale."""
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            yield connection
    finally:
        await engine.dispose()


async def _table_names(connection: AsyncConnection) -> set[str]:
    return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def _assert_intact(url: str, state: State) -> None:
    """Exactly the expected tables exist, each holds exactly the expected rows, every column compared."""
    async with _connect(url) as connection:
        actual_columns = await connection.run_sync(lambda sync: inspect(sync).get_multi_columns())
        assert {table for _owner, table in actual_columns} - {"alembic_version"} == set(state.rows)
        for table, rows in state.rows.items():
            columns = [c["name"] for c in actual_columns[(None, table)]]
            for row in rows:
                assert set(row) == set(columns), f"{table}: test rows must name every column of the revision"
            actual = await _select(connection, table, columns)
            expected = {row[_pk(table)]: row for row in rows}
            assert actual == expected, f"{table} changed"
            for row in actual.values():
                for column, value in row.items():
                    if isinstance(value, datetime):
                        assert value.tzinfo is not None, f"{table}.{column} came back naive"


def _add_column(state: State, table: str, column: str, default: Any) -> None:
    """A column added by a migration: existing rows must now carry its server default."""
    for row in state.rows[table]:
        row[column] = default


def _drop_column(state: State, table: str, column: str) -> None:
    for row in state.rows[table]:
        del row[column]


# --- the schema, to check that a downgrade restores what the upgrade built --------------------------------------

async def _schema(url: str) -> dict[str, Any]:
    def read(sync) -> dict[str, Any]:
        # One catalog query per kind for all tables (get_multi_*): per-table reflection is slow on PostgreSQL.
        inspector = inspect(sync)
        columns, pks = inspector.get_multi_columns(), inspector.get_multi_pk_constraint()
        indexes, uniques = inspector.get_multi_indexes(), inspector.get_multi_unique_constraints()
        foreign_keys = inspector.get_multi_foreign_keys()
        return {
            table: {
                "columns": {c["name"]: (str(c["type"]), c["nullable"], str(c.get("default"))) for c in columns[key]},
                "pk": tuple(pks[key]["constrained_columns"]),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]),
                                   sorted((k, str(v)) for k, v in (i.get("dialect_options") or {}).items()))
                                  for i in indexes[key]),
                "unique": sorted((u["name"] or "", tuple(u["column_names"])) for u in uniques[key]),
                "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                        tuple(f["referred_columns"]),
                                        sorted((k, str(v)) for k, v in f.get("options", {}).items()))
                                       for f in foreign_keys[key]),
            }
            for key in columns if (table := key[1]) != "alembic_version"
        }

    async with _connect(url) as connection:
        return await connection.run_sync(read)


# --- the rows each revision adds ----------------------------------------------------------------------------------

async def _fill_0001_users(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "users", {
        "telegram_id": SITI_ID, "first_name": "Siti Aminah 🌙", "username": "siti_aminah", "language": "id",
        "role": "user", "province": "Nusa Tenggara Barat", "timezone": "Asia/Makassar", "is_blocked": False,
        "reminder_opt_in": True, "created_at": datetime(2026, 1, 5, 8, 30, 15, 123456, tzinfo=WITA),
        "updated_at": datetime(2026, 2, 1, 23, 59, 59, 999999, tzinfo=WIB)})
    await _insert(connection, state, "users", {
        "telegram_id": ADMIN_ID, "first_name": "Wayan Sudarsana", "username": None, "language": "en",
        "role": "admin", "province": None, "timezone": "Asia/Jakarta", "is_blocked": True,
        "reminder_opt_in": False, "created_at": datetime(2025, 12, 31, 17, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 1, 0, 0, 1, tzinfo=WIB)})
    await _insert(connection, state, "users", {
        "telegram_id": BIG_ID, "first_name": LONG_NAME, "username": "x" * 64, "language": "id", "role": "user",
        "province": "Papua Pegunungan", "timezone": "Asia/Jayapura", "is_blocked": False, "reminder_opt_in": False,
        "created_at": datetime(2026, 3, 1, 6, 0, 0, 1, tzinfo=WIT),
        "updated_at": datetime(2026, 3, 1, 6, 0, 0, 2, tzinfo=WIT)})


async def _fill_0002_support_tickets(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "support_tickets", {
        "user_id": SITI_ID, "question": "Bagaimana cara daftar BPJS?\nSaya ojek 🛵 di Mataram — iuran berapa?",
        "language": "id", "status": "sent", "support_chat_id": SUPPORT_CHAT_ID, "support_message_id": 3_000_000_001,
        "created_at": datetime(2026, 2, 2, 10, 0, tzinfo=WITA), "updated_at": datetime(2026, 2, 2, 10, 5, tzinfo=WITA)})
    await _insert(connection, state, "support_tickets", {
        "user_id": ADMIN_ID, "question": "", "language": "en", "status": "awaiting_text", "support_chat_id": None,
        "support_message_id": None, "created_at": datetime(2026, 2, 3, 1, 2, 3, tzinfo=UTC),
        "updated_at": datetime(2026, 2, 3, 1, 2, 3, tzinfo=UTC)})


async def _seeded_0003(connection: AsyncConnection, state: State) -> None:
    """The migration seeds PP 50/2025; those rows are data too and must survive the later steps."""
    seeded = sorted((await _select(connection, "discount_periods", [
        c["name"] for c in await connection.run_sync(lambda s: inspect(s).get_columns("discount_periods"))])).values(),
        key=lambda row: row["id"])
    assert [(r["legal_basis"], r["percent"], r["first_month"], r["last_month"], r["audience"],
             r["excludes_government_paid"], r["created_at"]) for r in seeded] == [
        ("PP 50/2025", 50, date(2026, 1, 1), date(2027, 3, 1), "transport", True, datetime(2026, 11, 23, tzinfo=UTC)),
        ("PP 50/2025", 50, date(2026, 4, 1), date(2026, 12, 1), "other", True, datetime(2026, 11, 23, tzinfo=UTC))]
    state.rows["discount_periods"] = seeded


async def _fill_0003_discounts_and_audit(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "discount_periods", {
        "name": "Diskon uji — 25% (Ōjek)", "legal_basis": "SE Direksi 1/2026", "percent": 25,
        "first_month": date(2026, 5, 1), "last_month": date(2026, 7, 1), "programs": "jkk",
        "audience": "all", "excludes_government_paid": False, "created_by": ADMIN_ID,
        "created_at": datetime(2026, 4, 30, 9, 15, tzinfo=WIB), "ended_by": ADMIN_ID,
        "ended_at": datetime(2026, 6, 1, 12, 0, 0, 500000, tzinfo=WITA)})
    await _insert(connection, state, "audit_log", {
        "actor_id": ADMIN_ID, "action": "discount.add", "subject": "discount:3",
        "details": json.dumps({"name": "Diskon uji — 25% (Ōjek)", "percent": 25}, ensure_ascii=False),
        "at": datetime(2026, 4, 30, 9, 15, 0, 42, tzinfo=WIB)})
    await _insert(connection, state, "audit_log", {
        "actor_id": None, "action": "export", "subject": "", "details": "{}",
        "at": datetime(2026, 5, 1, tzinfo=UTC)})


async def _fill_0004_flow_states(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "flow_states", {
        "user_id": SITI_ID, "flow": "quote", "step": "income",
        "data": json.dumps({"occupation": "ojek", "income": 2_500_000, "kota": "Mataram ☀"}, ensure_ascii=False),
        "updated_at": datetime(2026, 2, 4, 7, 0, tzinfo=WITA)})
    await _insert(connection, state, "flow_states", {
        "user_id": BIG_ID, "flow": "enroll", "step": "phone", "data": "sealed:gAAAAAB-placeholder-token==",
        "updated_at": datetime(2026, 2, 4, 7, 1, tzinfo=WIT)})


async def _fill_0005_enrollment_applications(connection: AsyncConnection, state: State) -> None:
    common = {"birth_date_encrypted": "enc:birth", "phone_encrypted": "enc:phone", "consent_version": "2026-11",
              "consent_at": datetime(2026, 2, 5, 8, 0, tzinfo=WITA), "created_at": datetime(2026, 2, 5, 8, 1, tzinfo=WITA)}
    await _insert(connection, state, "enrollment_applications", {
        **common, "user_id": SITI_ID, "name_encrypted": "enc:name:Siti Aminah 🌙", "nik_encrypted": "enc:nik:1",
        "nik_hash": "a" * 64, "occupation": "ojek", "transport": True, "province": "Nusa Tenggara Barat",
        "regency": "Kota Mataram", "income": 2_500_000, "programs": "jkk,jkm", "status": "registered",
        "kpj_number": "23012345678", "reject_reason": None, "status_changed_at": datetime(2026, 2, 6, tzinfo=UTC),
        "status_changed_by": ADMIN_ID}, name="application")
    await _insert(connection, state, "enrollment_applications", {
        **common, "user_id": BIG_ID, "name_encrypted": "enc:name:2", "nik_encrypted": "enc:nik:2",
        "nik_hash": "b" * 64, "occupation": "petani", "transport": False, "province": "Papua Pegunungan",
        "regency": "Jayawijaya", "income": 1_800_000, "programs": "jkk,jkm,jht", "status": "rejected",
        "kpj_number": None, "reject_reason": "NIK tidak cocok — mohon periksa KTP",
        "status_changed_at": datetime(2026, 2, 7, 9, 30, tzinfo=WIT), "status_changed_by": ADMIN_ID})
    # Same NIK as the rejected one: allowed, also once 0007 adds the unique index on live applications.
    await _insert(connection, state, "enrollment_applications", {
        **common, "user_id": None, "name_encrypted": "enc:name:3", "nik_encrypted": "enc:nik:2",
        "nik_hash": "b" * 64, "occupation": "petani", "transport": False, "province": "Papua Pegunungan",
        "regency": "Jayawijaya", "income": 1_800_000, "programs": "jkk,jkm", "status": "submitted",
        "kpj_number": None, "reject_reason": None, "status_changed_at": None, "status_changed_by": None})


async def _fill_0006_pledges(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "pledges", {
        "sponsor_id": ADMIN_ID, "status": "active", "months": 0, "first_month": date(2026, 1, 1),
        "programs": "jkk,jkm", "worker_count": 2, "created_at": datetime(2025, 12, 20, 15, 0, tzinfo=WIB),
        "cancelled_at": None}, name="pledge")
    await _insert(connection, state, "pledges", {
        "sponsor_id": None, "status": "cancelled", "months": 3, "first_month": date(2026, 4, 1),
        "programs": "jkk,jkm,jht", "worker_count": 1, "created_at": datetime(2026, 3, 20, tzinfo=UTC),
        "cancelled_at": datetime(2026, 3, 25, 18, 45, 30, 250000, tzinfo=WITA)}, name="cancelled_pledge")
    pledge, cancelled = state.ids["pledge"], state.ids["cancelled_pledge"]
    await _insert(connection, state, "pledge_beneficiaries", {
        "pledge_id": pledge, "position": 1, "name_encrypted": "enc:Siti", "phone_encrypted": "enc:+62",
        "occupation": "ojek", "transport": True, "invite_hash": "c" * 64,
        "invite_expires_at": datetime(2026, 1, 3, tzinfo=WITA), "invite_used_at": datetime(2026, 1, 2, tzinfo=WITA),
        "worker_user_id": SITI_ID, "application_id": state.ids["application"]})
    await _insert(connection, state, "pledge_beneficiaries", {
        "pledge_id": pledge, "position": 2, "name_encrypted": None, "phone_encrypted": None, "occupation": "petani",
        "transport": False, "invite_hash": None, "invite_expires_at": None, "invite_used_at": None,
        "worker_user_id": None, "application_id": None})
    await _insert(connection, state, "pledge_beneficiaries", {
        "pledge_id": cancelled, "position": 1, "name_encrypted": "enc:x", "phone_encrypted": None,
        "occupation": "nelayan", "transport": False, "invite_hash": "d" * 64,
        "invite_expires_at": datetime(2026, 3, 27, tzinfo=UTC), "invite_used_at": None, "worker_user_id": None,
        "application_id": None})
    await _insert(connection, state, "pledge_months", {
        "pledge_id": pledge, "month": date(2026, 1, 1), "due_date": date(2026, 1, 15), "amount_due": 16_800,
        "amount_paid": 16_800, "status": "paid", "paid_at": datetime(2026, 1, 10, 11, 0, tzinfo=WIB)})
    await _insert(connection, state, "pledge_months", {
        "pledge_id": pledge, "month": date(2026, 2, 1), "due_date": date(2026, 2, 15), "amount_due": 16_800,
        "amount_paid": 0, "status": "due", "paid_at": None}, name="pledge_month")
    await _insert(connection, state, "pledge_months", {
        "pledge_id": cancelled, "month": date(2026, 4, 1), "due_date": date(2026, 4, 15), "amount_due": 36_800,
        "amount_paid": 0, "status": "cancelled", "paid_at": None})
    await _insert(connection, state, "pledge_payments", {
        "pledge_id": pledge, "recorded_by": ADMIN_ID, "amount": 16_800, "paid_on": date(2026, 1, 10),
        "reference": "TRX-001 ✓", "created_at": datetime(2026, 1, 10, 11, 0, tzinfo=WIB),
        "verified_at": datetime(2026, 1, 11, tzinfo=UTC), "verified_by": ADMIN_ID})
    await _insert(connection, state, "pledge_payments", {
        "pledge_id": pledge, "recorded_by": None, "amount": 1, "paid_on": date(2026, 2, 1), "reference": None,
        "created_at": datetime(2026, 2, 1, tzinfo=UTC), "verified_at": None, "verified_by": None})


async def _fill_0007_reminders(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "reminders", {
        "recipient_id": ADMIN_ID, "subject": "pledge_month", "subject_id": state.ids["pledge_month"],
        "month": date(2026, 2, 1), "kind": "before", "due_at": datetime(2026, 2, 12, 9, 0, tzinfo=WIB),
        "status": "pending", "attempts": 0, "claimed_by": None, "claimed_at": None, "sent_at": None,
        "message_id": None, "last_error": None})
    await _insert(connection, state, "reminders", {
        "recipient_id": SITI_ID, "subject": "own", "subject_id": state.ids["application"], "month": date(2026, 2, 1),
        "kind": "due", "due_at": datetime(2026, 2, 15, 9, 0, tzinfo=WITA), "status": "sent", "attempts": 2,
        "claimed_by": "worker-1:4f2a", "claimed_at": datetime(2026, 2, 15, 1, 0, 0, 1, tzinfo=UTC),
        "sent_at": datetime(2026, 2, 15, 1, 0, 1, tzinfo=UTC), "message_id": 4_000_000_000,
        "last_error": "RetryAfter 3"})
    await _insert(connection, state, "users", {
        "telegram_id": 5_000_000_007, "first_name": "Budi", "username": None, "language": "id", "role": "user",
        "province": None, "timezone": "Asia/Makassar", "is_blocked": False, "reminder_opt_in": True,
        "created_at": datetime(2026, 3, 1, tzinfo=WITA), "updated_at": datetime(2026, 3, 2, tzinfo=WITA),
        "reminder_hour": 20, "reminder_days_before": 1, "reminders_enabled": False})
    await _insert(connection, state, "pledges", {
        "sponsor_id": 5_000_000_007, "status": "active", "months": 12, "first_month": date(2026, 3, 1),
        "programs": "jkk,jkm", "worker_count": 1, "created_at": datetime(2026, 3, 1, tzinfo=UTC),
        "cancelled_at": None, "reminders_off": True})


async def _fill_0008_broadcasts(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "broadcasts", {
        "created_by": ADMIN_ID, "status": "done", "text_html": "<b>Pengumuman</b> 🎉 Diskon iuran 50% — daftar!",
        "media_kind": "photo", "media_file_id": "AgACAgUAAxkBAAI" + "z" * 241, "buttons": '[["Daftar", "https://e.id"]]',
        "audience": '{"kind": "province", "value": "Nusa Tenggara Barat"}', "paid": True, "recipients": 3,
        "scheduled_at": datetime(2026, 3, 3, 9, 0, tzinfo=WITA), "created_at": datetime(2026, 3, 2, 20, 0, tzinfo=WITA),
        "started_at": datetime(2026, 3, 3, 1, 0, 0, 7, tzinfo=UTC), "finished_at": datetime(2026, 3, 3, 1, 5, tzinfo=UTC),
        "progress_chat_id": ADMIN_ID, "progress_message_id": 5_000_000_001}, name="broadcast")
    await _insert(connection, state, "broadcast_deliveries", {
        "broadcast_id": state.ids["broadcast"], "user_id": SITI_ID, "status": "sent", "attempts": 1,
        "claimed_at": datetime(2026, 3, 3, 1, 0, 1, tzinfo=UTC), "sent_at": datetime(2026, 3, 3, 1, 0, 2, tzinfo=UTC),
        "message_id": 6_000_000_000, "last_error": None})
    await _insert(connection, state, "broadcast_deliveries", {
        "broadcast_id": state.ids["broadcast"], "user_id": BIG_ID, "status": "failed", "attempts": 3,
        "claimed_at": None, "sent_at": None, "message_id": None, "last_error": "Forbidden: bot was blocked by the user"})
    await _insert(connection, state, "users", {
        "telegram_id": 6_000_000_009, "first_name": "Made 🌾", "username": "made", "language": "id", "role": "user",
        "province": "Bali", "timezone": "Asia/Makassar", "is_blocked": False, "reminder_opt_in": False,
        "created_at": datetime(2026, 3, 4, tzinfo=WITA), "updated_at": datetime(2026, 3, 4, tzinfo=WITA),
        "reminder_hour": 7, "reminder_days_before": 5, "reminders_enabled": True, "announcements_opt_out": True})


async def _fill_0009_delivery_claims(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "broadcast_deliveries", {
        "broadcast_id": state.ids["broadcast"], "user_id": 6_000_000_009, "status": "handed", "attempts": 1,
        "claimed_by": "worker-7:4242/" + "f" * 12, "claimed_at": datetime(2026, 3, 3, 1, 0, 3, tzinfo=UTC),
        "sent_at": None, "message_id": None, "last_error": None})


async def _fill_0010_data_key_state(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "data_key_state", {
        "id": 1, "fingerprint": "0123456789abcdef", "previous_fingerprint": "fedcba9876543210",
        "updated_at": datetime(2026, 3, 4, 1, 0, 0, tzinfo=UTC)})


async def _fill_0011_support_inbox(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "support_tickets", {
        "user_id": SITI_ID, "question": "Kartu saya hilang, bagaimana?", "language": "id", "status": "closed",
        "support_chat_id": None, "support_message_id": None, "created_at": datetime(2026, 3, 5, 9, 0, tzinfo=WITA),
        "updated_at": datetime(2026, 3, 5, 11, 0, tzinfo=WITA)})
    # Places as typed before they had codes (0012 gives them codes where a name can be placed).
    for number, (province, regency) in enumerate([("Kalimantan Selatan", "bjm"), ("Kalimantan Selatan", "di pasar"),
                                                   ("Atlantis", "Banjarmasin")]):
        await _insert(connection, state, "enrollment_applications", {
            **{k: v for k, v in state.rows["enrollment_applications"][1].items() if k != "id"},
            "nik_hash": str(number) * 64, "province": province, "regency": regency})


async def _seeded_0012(connection: AsyncConnection, state: State) -> None:
    """0012 gives existing applications the codes of the names they hold; names stay as they were."""
    codes = {("Nusa Tenggara Barat", "Kota Mataram"): ("52", "52.71"),
             ("Papua Pegunungan", "Jayawijaya"): ("95", "95.01"),
             ("Kalimantan Selatan", "bjm"): ("63", "63.71"),
             ("Kalimantan Selatan", "di pasar"): ("63", None),
             ("Atlantis", "Banjarmasin"): (None, None)}
    for row in state.rows["enrollment_applications"]:
        row["province_code"], row["regency_code"] = codes[row["province"], row["regency"]]


async def _fill_0012_region_codes(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "enrollment_applications", {
        **{k: v for k, v in state.rows["enrollment_applications"][0].items() if k != "id"},
        "nik_hash": "c" * 64, "province": "Kalimantan Selatan", "regency": "Kota Banjarmasin", "province_code": "63",
        "regency_code": "63.71", "status": "submitted"})


async def _seeded_0013(connection: AsyncConnection, state: State) -> None:
    """0013 ties existing payments to the months they paid: January's 16,800 to the payment recorded for it; the
    payment of Rp1 that no month shows as paid stays untied."""
    january = [m for m in state.rows["pledge_months"] if m["month"] == date(2026, 1, 1)]
    first = [p for p in state.rows["pledge_payments"] if p["amount"] == 16_800]
    if not january:  # upgrading again from an empty schema: nothing to tie
        return
    found = await connection.execute(text("SELECT id FROM pledge_payment_allocations"))
    state.rows["pledge_payment_allocations"] = [
        {"id": found.scalar_one(), "payment_id": first[0]["id"], "month_id": january[0]["id"], "amount": 16_800}]


async def _fill_0013_payment_decisions(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "pledge_payments", {
        "pledge_id": state.ids["pledge"], "recorded_by": ADMIN_ID, "amount": 8_400, "paid_on": date(2026, 2, 3),
        "reference": "TRX-002", "created_at": datetime(2026, 2, 3, 9, 0, tzinfo=WITA), "verified_at": None,
        "verified_by": None, "rejected_at": datetime(2026, 2, 4, 10, 0, tzinfo=WITA), "rejected_by": ADMIN_ID,
        "reject_reason": "Jumlahnya tidak sesuai — dicek ulang"}, name="rejected_payment")
    await _insert(connection, state, "pledge_payment_allocations", {
        "payment_id": state.ids["rejected_payment"], "month_id": state.ids["pledge_month"], "amount": 8_400})


async def _fill_0014_share_with_sponsor(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "pledge_beneficiaries", {
        "pledge_id": state.ids["pledge"], "position": 3, "name_encrypted": "enc:Udin", "phone_encrypted": None,
        "occupation": "marbot", "transport": False, "invite_hash": "e" * 64,
        "invite_expires_at": datetime(2026, 12, 30, tzinfo=WITA), "invite_used_at": datetime(2026, 12, 2, tzinfo=WITA),
        "worker_user_id": BIG_ID, "application_id": None, "share_with_sponsor": True})


async def _seeded_0015(connection: AsyncConnection, state: State) -> None:
    """0015 splits every month between its pledge's workers, in their order: the due evenly (Rp16,800 over three
    workers is Rp5,600 each, a discount of Rp11,200 on the Rp16,800 minimum price), what was paid filling the parts in
    order, and each allocation the same way (its row keeps the first piece). The workerless pledge keeps no parts."""
    workers: dict[int, list[int]] = {}
    for row in sorted(state.rows["pledge_beneficiaries"], key=lambda r: (r["pledge_id"], r["position"], r["id"])):
        workers.setdefault(row["pledge_id"], []).append(row["id"])
    found = await connection.execute(text("SELECT id, month_id, beneficiary_id FROM pledge_worker_months"))
    part_ids = {(month, worker): part for part, month, worker in found.all()}
    parts = state.rows["pledge_worker_months"]
    for month in sorted(state.rows["pledge_months"], key=lambda m: m["id"]):
        ids = workers.get(month["pledge_id"], [])
        share, extra = divmod(month["amount_due"], len(ids)) if ids else (0, 0)
        base = 36_800 if month["amount_due"] == 36_800 else 16_800  # jkk+jkm+jht, or jkk+jkm
        unpaid = month["amount_paid"]
        for index, worker in enumerate(ids):
            due = share + (index < extra)
            paid = min(unpaid, due)
            unpaid -= paid
            parts.append({"id": part_ids[month["id"], worker], "month_id": month["id"], "beneficiary_id": worker,
                          "amount_due": due, "discount": base - due, "amount_paid": paid})
    assert len(part_ids) == len(parts)
    if not state.rows["pledge_payment_allocations"]:
        return
    january, february = (next(m["id"] for m in state.rows["pledge_months"] if m["month"] == date(2026, n, 1))
                         for n in (1, 2))
    siti, second, udin = workers[state.ids["pledge"]]
    assert [(p["amount_due"], p["discount"], p["amount_paid"]) for p in parts if p["month_id"] == january] == \
        [(5_600, 11_200, 5_600)] * 3
    allocations = state.rows["pledge_payment_allocations"]
    paid_january, rejected_february = allocations  # 16,800 on January; the rejected 8,400 on February
    paid_january.update(worker_month_id=part_ids[january, siti], amount=5_600)
    rejected_february.update(worker_month_id=part_ids[february, siti], amount=5_600)
    found = await connection.execute(text("SELECT id, payment_id, month_id, worker_month_id, amount "
                                          "FROM pledge_payment_allocations WHERE id > :last ORDER BY id"),
                                     {"last": rejected_february["id"]})
    added = [dict(row._mapping) for row in found]
    assert [(a["payment_id"], a["worker_month_id"], a["amount"]) for a in added] == [
        (paid_january["payment_id"], part_ids[january, second], 5_600),
        (paid_january["payment_id"], part_ids[january, udin], 5_600),
        (rejected_february["payment_id"], part_ids[february, second], 2_800)]
    allocations.extend(added)


async def _fill_0015_worker_months(connection: AsyncConnection, state: State) -> None:
    await _insert(connection, state, "pledge_beneficiaries", {
        "pledge_id": state.ids["pledge"], "position": 4, "name_encrypted": "enc:Amat", "phone_encrypted": None,
        "occupation": "penjaga", "transport": False, "invite_hash": None, "invite_expires_at": None,
        "invite_used_at": None, "worker_user_id": None, "application_id": None, "share_with_sponsor": False,
        "priced_income": 1_200_000, "income_choice": "follow"}, name="followed_worker")
    march = await _insert(connection, state, "pledge_months", {
        "pledge_id": state.ids["pledge"], "month": date(2026, 3, 1), "due_date": date(2026, 3, 15),
        "amount_due": 25_600, "amount_paid": 10_000, "status": "due", "paid_at": None})
    first = await _insert(connection, state, "pledge_worker_months", {
        "month_id": march["id"], "beneficiary_id": state.ids["followed_worker"], "amount_due": 8_400,
        "discount": 12_400, "amount_paid": 8_400})
    second = await _insert(connection, state, "pledge_worker_months", {
        "month_id": march["id"], "beneficiary_id": state.rows["pledge_beneficiaries"][0]["id"], "amount_due": 17_200,
        "discount": 0, "amount_paid": 1_600})
    payment = await _insert(connection, state, "pledge_payments", {
        "pledge_id": state.ids["pledge"], "recorded_by": ADMIN_ID, "amount": 10_000, "paid_on": date(2026, 3, 2),
        "reference": None, "created_at": datetime(2026, 3, 2, 8, 0, tzinfo=WITA), "verified_at": None,
        "verified_by": None, "rejected_at": None, "rejected_by": None, "reject_reason": None,
        "beneficiary_id": None})
    await _insert(connection, state, "pledge_payments", {
        "pledge_id": state.ids["pledge"], "recorded_by": ADMIN_ID, "amount": 100, "paid_on": date(2026, 3, 3),
        "reference": "untuk Amat", "created_at": datetime(2026, 3, 3, 8, 0, tzinfo=WITA), "verified_at": None,
        "verified_by": None, "rejected_at": None, "rejected_by": None, "reject_reason": None,
        "beneficiary_id": state.ids["followed_worker"]})
    for part, amount in ((first, 8_400), (second, 1_600)):
        await _insert(connection, state, "pledge_payment_allocations", {
            "payment_id": payment["id"], "month_id": march["id"], "worker_month_id": part["id"], "amount": amount})


def _downgraded_0015(state: State) -> None:
    """Down from 0015, a payment's pieces on one month's workers are one allocation again: the first row keeps the
    sum."""
    kept: dict[tuple[int, int], dict[str, Any]] = {}
    rows = []
    for row in sorted(state.rows["pledge_payment_allocations"], key=lambda r: r["id"]):
        first = kept.get((row["payment_id"], row["month_id"]))
        if first is None:
            kept[row["payment_id"], row["month_id"]] = row
            rows.append(row)
        else:
            first["amount"] += row["amount"]
    state.rows["pledge_payment_allocations"] = rows


@dataclass(frozen=True)
class Step:
    """One revision: the tables it creates, the columns (with server defaults) it adds, the rows to write after."""

    tables: tuple[str, ...]
    columns: tuple[tuple[str, str, Any], ...]
    fill: Callable[[AsyncConnection, State], Awaitable[None]]
    seeded: Callable[[AsyncConnection, State], Awaitable[None]] | None = None  # rows the migration writes
    downgraded: Callable[[State], None] | None = None  # rows its downgrade rewrites


STEPS: dict[str, Step] = {
    "0001_users": Step(("users",), (), _fill_0001_users),
    "0002_support_tickets": Step(("support_tickets",), (), _fill_0002_support_tickets),
    "0003_discounts_and_audit": Step(("discount_periods", "audit_log"), (), _fill_0003_discounts_and_audit,
                                     _seeded_0003),
    "0004_flow_states": Step(("flow_states",), (), _fill_0004_flow_states),
    "0005_enrollment_applications": Step(("enrollment_applications",), (), _fill_0005_enrollment_applications),
    "0006_pledges": Step(("pledges", "pledge_beneficiaries", "pledge_months", "pledge_payments"), (),
                         _fill_0006_pledges),
    "0007_reminders": Step(("reminders",), (("users", "reminder_hour", 9), ("users", "reminder_days_before", 3),
                                            ("users", "reminders_enabled", True), ("pledges", "reminders_off", False)),
                           _fill_0007_reminders),
    "0008_broadcasts": Step(("broadcasts", "broadcast_deliveries"), (("users", "announcements_opt_out", False),),
                            _fill_0008_broadcasts),
    "0009_delivery_claims": Step((), (("broadcast_deliveries", "claimed_by", None),), _fill_0009_delivery_claims),
    "0010_data_key_state": Step(("data_key_state",), (), _fill_0010_data_key_state),
    "0011_support_inbox": Step((), (), _fill_0011_support_inbox),
    "0012_region_codes": Step((), (("enrollment_applications", "province_code", None),
                                   ("enrollment_applications", "regency_code", None)), _fill_0012_region_codes,
                              _seeded_0012),
    "0013_payment_decisions": Step(("pledge_payment_allocations",), (("pledge_payments", "rejected_at", None),
                                                                     ("pledge_payments", "rejected_by", None),
                                                                     ("pledge_payments", "reject_reason", None)),
                                   _fill_0013_payment_decisions, _seeded_0013),
    "0014_share_with_sponsor": Step((), (("pledge_beneficiaries", "share_with_sponsor", False),),
                                    _fill_0014_share_with_sponsor),
    "0015_worker_months": Step(("pledge_worker_months",), (("pledge_beneficiaries", "priced_income", 1_000_000),
                                                           ("pledge_beneficiaries", "income_choice", None),
                                                           ("pledge_payment_allocations", "worker_month_id", None),
                                                           ("pledge_payments", "beneficiary_id", None)),
                               _fill_0015_worker_months, _seeded_0015, _downgraded_0015),
}

MODELS: dict[str, type[SQLModel]] = {mapper.local_table.name: mapper.class_
                                     for mapper in SQLModel._sa_registry.mappers}


def _revisions(url: str) -> list[str]:
    """Every revision, oldest first (the history is linear)."""
    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    assert len(script.get_heads()) == 1
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _upgrade_bookkeeping(state: State, step: Step) -> None:
    for table in step.tables:
        state.rows[table] = []
    for table, column, default in step.columns:
        _add_column(state, table, column, default)


async def _upgrade_through(url: str, revisions: list[str], state: State, schemas: dict[str, Any] | None,
                           fill: bool) -> None:
    for revision in revisions:
        step = STEPS[revision]
        await migrate.upgrade_async(url, revision)
        assert await migrate.current_async(url) == revision
        _upgrade_bookkeeping(state, step)
        if step.seeded is not None:
            async with _connect(url) as connection:
                await step.seeded(connection, state)
        if schemas is not None:
            schemas[revision] = await _schema(url)
        if fill:
            async with _connect(url) as connection:
                await step.fill(connection, state)
        await _assert_intact(url, state)  # old rows intact, new columns carry their defaults on old rows


async def _assert_orm_reads_everything(url: str, state: State) -> None:
    assert set(MODELS) == set(state.rows), "a table without a model, or a model without a table"
    database = Database(url)
    try:
        async with database.session() as session:
            for table, rows in state.rows.items():
                model = MODELS[table]
                for row in rows:
                    entity = await session.get(model, row[_pk(table)])
                    assert entity is not None, f"{table} {row[_pk(table)]} not found by the ORM"
                    assert {column: getattr(entity, column) for column in row} == row, f"ORM reads {table} differently"
                    for column, value in row.items():
                        if isinstance(value, datetime):
                            assert getattr(entity, column).tzinfo is not None
            siti = await session.get(models.User, SITI_ID)
            assert siti is not None and siti.first_name == "Siti Aminah 🌙"
            assert siti.created_at == datetime(2026, 1, 5, 0, 30, 15, 123456, tzinfo=UTC)
            assert siti.created_at.utcoffset() == timedelta(0)
            assert (siti.reminder_hour, siti.reminder_days_before, siti.reminders_enabled,
                    siti.announcements_opt_out) == (9, 3, True, False)
            pledge = await session.get(models.Pledge, state.ids["pledge"])
            assert pledge is not None and pledge.reminders_off is False
    finally:
        await database.dispose()


async def test_data_survives_every_migration_up_and_down(empty_database_url: str) -> None:
    url = empty_database_url
    revisions = _revisions(url)
    assert revisions == list(STEPS), "a new migration needs its rows (and added columns) in STEPS here"

    # Up, one revision at a time, writing rows into every table as soon as it exists.
    state = State()
    schemas: dict[str, Any] = {}
    await _upgrade_through(url, revisions, state, schemas, fill=True)
    assert await migrate.current_async(url) == revisions[-1]
    await migrate.upgrade_async(url)  # already at head: changes nothing
    await _assert_intact(url, state)
    await _assert_orm_reads_everything(url, state)

    # The partial unique index of 0007 holds: a second live application for one NIK is refused.
    with pytest.raises(IntegrityError):
        async with _connect(url) as connection:
            await _insert(connection, State(), "enrollment_applications", {
                **{k: v for k, v in state.rows["enrollment_applications"][0].items() if k != "id"},
                "status": "submitted"})
    await _assert_intact(url, state)

    # Down, one revision at a time: the tables and columns of the revision go, everything else stays as it was,
    # and the schema is again the one the upgrade built at that revision.
    for index in range(len(revisions) - 1, 0, -1):
        step, previous = STEPS[revisions[index]], revisions[index - 1]
        await migrate.downgrade_async(url, previous)
        assert await migrate.current_async(url) == previous
        if step.downgraded is not None:
            step.downgraded(state)
        for table in step.tables:
            del state.rows[table]
        for table, column, _default in step.columns:
            _drop_column(state, table, column)
        await _assert_intact(url, state)
        assert await _schema(url) == schemas[previous], f"downgrade to {previous} left a different schema"

    # From the first revision, with its rows still there, up to head again: the rows stay, defaults reapply.
    assert list(state.rows) == ["users"] and len(state.rows["users"]) == 5
    await _upgrade_through(url, revisions[1:], state, None, fill=False)
    assert await _schema(url) == schemas[revisions[-1]]

    # Down to base: nothing left but Alembic's own table; then up to head once more.
    await migrate.downgrade_async(url, "base")
    assert await migrate.current_async(url) is None
    async with _connect(url) as connection:
        assert await _table_names(connection) == {"alembic_version"}
    await migrate.upgrade_async(url)
    assert await migrate.current_async(url) == revisions[-1]
    assert await _schema(url) == schemas[revisions[-1]]


async def test_0007_refuses_two_live_applications_for_one_nik_and_changes_nothing(empty_database_url: str) -> None:
    """0007's unique index cannot be built over duplicates: the upgrade fails with the database's own error and
    leaves the database exactly at 0006 (SQLite does not roll back DDL, so nothing may run before the index)."""
    url = empty_database_url
    await migrate.upgrade_async(url, "0006_pledges")
    state = State()
    async with _connect(url) as connection:
        await _fill_0001_users(connection, state)
        await _fill_0005_enrollment_applications(connection, state)
        await connection.execute(text("UPDATE enrollment_applications SET status = 'submitted'"))
    for row in state.rows["enrollment_applications"]:
        row["status"] = "submitted"
    for table in STEPS["0002_support_tickets"].tables + STEPS["0004_flow_states"].tables + STEPS["0006_pledges"].tables:
        state.rows[table] = []
    async with _connect(url) as connection:
        await _seeded_0003(connection, state)
    state.rows["audit_log"] = []
    before = await _schema(url)

    with pytest.raises(IntegrityError, match="(?i)unique|uq_enrollment_applications_live_nik"):
        await migrate.upgrade_async(url, "0007_reminders")
    assert await migrate.current_async(url) == "0006_pledges"
    assert await _schema(url) == before, "the failed upgrade left part of its changes behind"
    await _assert_intact(url, state)

    # Once the duplicate is resolved the same upgrade goes through.
    async with _connect(url) as connection:
        await connection.execute(text("UPDATE enrollment_applications SET status = 'rejected' WHERE user_id IS NULL"))
    for row in state.rows["enrollment_applications"]:
        if row["user_id"] is None:
            row["status"] = "rejected"
    await migrate.upgrade_async(url, "0007_reminders")
    _upgrade_bookkeeping(state, STEPS["0007_reminders"])
    await _assert_intact(url, state)

"""Admin powers stay with admins, through the real bot process.

One table lists every admin command (with its aliases and with arguments that would change something) and every
admin button (with real ids of objects other people created). A non-admin tries all of it in a private chat, in a
group and in the team's support chat (where admin buttons really appear): every attempt gets the short Indonesian
refusal and nothing else, no table changes, and each attempt is in the audit log ('refused') and in the bot's log
under a pseudonym only. Buttons that act on another user's pledge, reminder or question are refused by their
owner check. A non-admin somehow left inside an admin conversation is refused at the typing step too. Admin
actions are audited under the admin's id, and the log never holds the token, the data key or personal data.

The table is checked against the handlers' own registrations, so an admin command or button added later without
a row here fails the suite. Attempts are sent as one batch per chat (the bot keeps each user's updates in order),
so the whole table costs a few round trips rather than one per row.
"""

from __future__ import annotations

import inspect
import json
import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from telegram.ext import CallbackQueryHandler, CommandHandler

import handlers
from bot.contributions.rules import parse_discount
from bot.core.calendar import this_month
from bot.core.i18n import default_translator
from bot.core.logs import pseudonym_key, user_ref
from bot.devtools.telegram_standin import BotEvent
from bot.infra.database import Database
from handlers.command_list import COMMANDS
from models import broadcast, enrollment, pledge, pledge_payments, reminder, support
from models.base import utcnow
from models.discount import add_period
from models.flow import save_flow
from tests.support.botproc import TEST_TOKEN
from tests.support.databases import run_sync
from tests.support.e2e_steps import nik_for
from tests.support.running_bot import ADMIN_ID, SUPPORT_CHAT_ID, RunningBot
from tests.support.sim_user import ThreadedSandbox

pytestmark = pytest.mark.e2e

BOT_USERNAME = "LindungiPekerjaBot"
PUBLIC_GROUP_ID = -100_990_000_444
TIMEZONE = "Asia/Makassar"
TEXTS = default_translator()
REFUSAL = TEXTS.t("id", "admin.only_admins")
NOT_YOUR_PLEDGE = TEXTS.t("id", "pledges.not_yours")
NOT_YOUR_REMINDER = TEXTS.t("id", "reminders.not_yours")
STALE = TEXTS.t("id", "fallback.stale_button")

# Personal data and ids this module uses; none of it may reach the bot's log (checked after every test).
NEVER_LOGGED: set[str] = {str(ADMIN_ID)}


@dataclass(frozen=True)
class Attempt:
    """One admin command line or one button's callback data ({placeholders}: ids of seeded objects)."""

    text: str
    audited_as: str  # the `what` refuse_non_admin writes to the audit log and the log line
    answer: str = REFUSAL  # what the non-admin is told


# Every admin command, its aliases, and arguments that would change or reveal something.
ADMIN_COMMANDS = (
    Attempt("/diskon", "/diskon"),
    Attempt("/diskon tambah 90 {month} 2099-12 semua jkk,jkm Diskon palsu | tanpa dasar", "/diskon"),
    Attempt("/pendaftaran", "/pendaftaran"),
    Attempt("/applications", "/pendaftaran"),
    Attempt("/pembayaran", "/pembayaran"),
    Attempt("/tolak {payment} Alasan palsu dari orang lain", "/tolak"),
    Attempt("/ekspor", "/ekspor"),
    Attempt("/ekspor pendaftaran baru 2026-01-01 2099-12-31", "/ekspor"),
    Attempt("/export pembayaran", "/ekspor"),
    Attempt("/status", "/status"),
    Attempt("/siaran", "/siaran"),
    Attempt("/siaran_list", "/siaran_list"),
    Attempt("/dashboard", "/dashboard"),
    Attempt("/dasbor", "/dashboard"),
    Attempt("/tiket", "/tiket"),
    Attempt("/ticket", "/tiket"),
    Attempt("/tiket {ticket}", "/tiket"),
    Attempt("/tiket {ticket} balas Jawaban palsu dari orang lain", "/tiket"),
    Attempt("/tiket {ticket} tutup", "/tiket"),
)

# Every admin button, with the ids of real objects (an application, a payment, a discount, two broadcasts).
ADMIN_BUTTONS = (
    Attempt("dz:end:{discount}", "dz:end"),
    Attempt("dz:ok:{discount}:{month}", "dz:ok"),
    Attempt("dz:no", "dz:ok"),
    Attempt("ap:reg:{application}", "ap"),
    Attempt("ap:rej:{application}", "ap"),
    Attempt("ap:cancel:{application}", "ap"),
    Attempt("pv:{payment}", "pv"),
    Attempt("pr:{payment}", "pr"),
    Attempt("prr:{payment}:amount", "prr"),
    Attempt("x:applications:submitted", "x"),
    Attempt("x:applications:all", "x"),
    Attempt("x:pledges:all", "x"),
    Attempt("x:pledge_months:all", "x"),
    Attempt("x:payments:all", "x"),
    *(Attempt(f"bcn:{action}", "bcn") for action in (
        "cancel", "nobuttons", "schedule", "paid", "paidok", "send", "aud:everyone", "aud:workers", "aud:sponsors",
        "aud:unpaid", "aud:province:63", "aud:language:id")),
    Attempt("bc:pause:{paused}", "bc"),
    Attempt("bc:resume:{paused}", "bc"),
    Attempt("bc:cancel:{paused}", "bc"),
    Attempt("bc:cancel:{scheduled}", "bc"),
    *(Attempt(f"tk:{action}:{{ticket}}", "tk") for action in ("open", "reply", "close", "cancel")),
    Attempt("tk:page:0", "tk"),
)

# Ordinary users' buttons carrying another user's pledge, reminder or question: refused by the owner check.
OTHERS_BUTTONS = (
    *(Attempt(data, "", NOT_YOUR_PLEDGE) for data in (
        "j:pay:{pledge}", "j:stop:{pledge}", "j:stopok:{pledge}", "j:ext:{pledge}", "j:ext:{pledge}:12:3",
        "j:inv:{pledge}", "fl:new:pay:{pledge}", "j:inc:{worker}:f:1500000", "j:inc:{worker}:m:1500000")),
    *(Attempt(f"r:{action}:{{reminder}}", "", NOT_YOUR_REMINDER) for action in ("paid", "later", "stop")),
    Attempt("h:{ticket}", "", STALE),
)


@dataclass(frozen=True)
class LeftoverFlow:
    """An admin conversation a non-admin is in (a forged state, or an admin removed from ADMIN_IDS mid-way), and
    what they send into it: text, or a photo with `text` as its caption."""

    flow: str
    step: str
    text: str
    audited_as: str
    photo: bool = False


ADMIN_FLOWS = (
    LeftoverFlow("admin_application", "kpj", "2601 2345 678", "admin_application text"),
    LeftoverFlow("admin_application", "reason", "Data palsu, ditolak saja", "admin_application text"),
    LeftoverFlow("broadcast", "compose", "Pengumuman palsu untuk semua", "broadcast text"),
    LeftoverFlow("broadcast", "buttons", "Klik | https://example.org/palsu", "broadcast text"),
    LeftoverFlow("broadcast", "compose", "Foto pengumuman palsu", "broadcast media", photo=True),
    LeftoverFlow("support_answer", "text", "Jawaban palsu untuk pengguna", "support_answer text"),
)
PHOTO = {"photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 800, "height": 600, "file_size": 1000}]}


@dataclass(frozen=True)
class Context:
    name: str
    chat_id: int | None  # None: the user's private chat
    command_suffix: str = ""


CONTEXTS = (
    Context("private", None),
    Context("group", PUBLIC_GROUP_ID),
    Context("support chat", SUPPORT_CHAT_ID, f"@{BOT_USERNAME}"),
)


# ------------------------------------------------------------------------------------------ the table is complete
class _Registrations:
    """Stands in for the Application so handlers.register_handlers can be read without starting a bot."""

    def __init__(self) -> None:
        self.handlers: list[object] = []
        self.bot_data = {"services": SimpleNamespace(settings=SimpleNamespace(support_chat_id=SUPPORT_CHAT_ID))}

    def add_handler(self, handler: object, group: int = 0) -> None:
        self.handlers.append(handler)

    def add_error_handler(self, callback: object) -> None:
        pass


def _refuses_non_admins(callback: object) -> bool:
    if getattr(callback, "admin_action", None):  # wrapped by handlers.admin_guard.admin_only
        return True
    source = inspect.getsource(callback)
    return "refuse_non_admin(" in source or "not context.is_admin" in source  # not: /help merely lists more


SAMPLE_IDS = {"application": 1, "payment": 2, "discount": 3, "paused": 4, "scheduled": 5, "pledge": 6,
              "reminder": 7, "ticket": 8, "month": "2026-11", "worker": 9}


def test_the_table_covers_every_admin_command_and_button() -> None:
    app = _Registrations()
    handlers.register_handlers(app)  # type: ignore[arg-type]
    tried_commands = {a.text.split()[0].lstrip("/") for a in ADMIN_COMMANDS}
    tried_data = [a.text.format(**SAMPLE_IDS) for a in ADMIN_BUTTONS]
    assert {c.name for c in COMMANDS if c.admin_only} <= tried_commands
    admin_patterns = []
    for handler in app.handlers:
        if isinstance(handler, CommandHandler) and _refuses_non_admins(handler.callback):
            assert set(handler.commands) <= tried_commands, f"add {handler.commands} to ADMIN_COMMANDS"
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            if _refuses_non_admins(handler.callback):
                admin_patterns.append(handler.pattern)
                assert any(handler.pattern.match(data) for data in tried_data), \
                    f"add a button matching {handler.pattern.pattern} to ADMIN_BUTTONS"
    # ... and every row reaches an admin handler (not the stale-button fallback).
    for data in tried_data:
        assert any(pattern.match(data) for pattern in admin_patterns), data
    admin_flows = {entry.name for entry in app.bot_data["flows"].entries
                   if entry.take_text is not None and _refuses_non_admins(entry.take_text)}
    assert admin_flows == {leftover.flow for leftover in ADMIN_FLOWS}


# ------------------------------------------------------------------------------------------------ helpers
@dataclass
class Seeded:
    ids: dict[str, object]
    sponsor: int
    worker: int


def _run_db(bot: RunningBot, work) -> object:  # noqa: ANN001
    async def run() -> object:
        database = Database(bot.database_url)
        try:
            async with database.transaction() as session:
                return await work(session)
        finally:
            await database.dispose()

    return run_sync(run)


def seed(bot: RunningBot, sponsor: int, worker: int) -> Seeded:
    """Objects admins act on, made by other people: a worker's application, a sponsor's pledge with a payment, a
    reminder and a question; a discount period and two broadcasts made by the admin."""
    cipher = bot.cipher
    current = this_month(TIMEZONE)
    name, phone, beneficiary = f"Rusdiana Fitriani {worker}", f"0812{worker % 10**8:08d}", f"Ahmad Fauzan {worker}"
    question = f"Saya {name}, NIK {nik_for(worker)}, apakah saya sudah terdaftar?"
    NEVER_LOGGED.update({name, phone, beneficiary, nik_for(worker), question, str(sponsor), str(worker)})

    async def work(session) -> dict[str, object]:  # noqa: ANN001
        application = await enrollment.submit(session, cipher, worker, enrollment.ApplicantDetails(
            name=name, nik=nik_for(worker), birth_date=date(1990, 8, 17), phone=phone, occupation="Marbot",
            transport=False, province="Kalimantan Selatan", regency="Banjarmasin", income=1_500_000,
            programs=("jkk", "jkm")))
        made, _ = await pledge.create_pledge(
            session, cipher, sponsor, [pledge.WorkerDetails(beneficiary, "Marbot", False, "081311112222")], months=3,
            programs=("jkk", "jkm"), first_month=current, current_month=current, discounts=[])
        payment = await pledge_payments.record_payment(session, made.id, sponsor, 1_000, date.today(), "TRX-1")
        first = (await session.exec(text("SELECT id, month FROM pledge_months WHERE pledge_id = :p ORDER BY month"),
                                    params={"p": made.id})).first()
        worker_id = (await session.exec(text("SELECT id FROM pledge_beneficiaries WHERE pledge_id = :p"),
                                        params={"p": made.id})).first()[0]
        due = reminder.Reminder(recipient_id=sponsor, subject=reminder.PLEDGE_MONTH, subject_id=first[0],
                                month=date(2099, 1, 1), kind="due", due_at=utcnow() + timedelta(days=60))
        session.add(due)
        ticket = await support.create_ticket(session, sponsor, question, "id")
        period = await add_period(session, parse_discount(
            "10 2099-01 2099-12 semua jkk,jkm Diskon uji | PP uji".split()), ADMIN_ID)
        nobody = broadcast.Audience("language", "zz")
        scheduled = await broadcast.create(session, ADMIN_ID, nobody, text_html="Pengumuman terjadwal",
                                           scheduled_at=utcnow() + timedelta(days=30))
        paused = await broadcast.create(session, ADMIN_ID, nobody, text_html="Pengumuman dijeda",
                                        scheduled_at=utcnow() + timedelta(days=30))
        paused.status = broadcast.PAUSED
        session.add(paused)
        await session.flush()
        return {"application": application.id, "payment": payment.id, "discount": period.id,
                "paused": paused.id, "scheduled": scheduled.id, "pledge": made.id, "reminder": due.id,
                "ticket": ticket.id, "month": f"{current.year:04d}-{current.month:02d}", "worker": worker_id}

    ids = _run_db(bot, work)
    bot.sandbox.add_users([sponsor, worker])  # so the bot can tell them when an admin acts
    return Seeded(ids, sponsor, worker)  # type: ignore[arg-type]


SNAPSHOT = {
    "applications": "SELECT id, status, kpj_number, reject_reason, status_changed_by FROM enrollment_applications",
    "pledges": "SELECT id, sponsor_id, status, months FROM pledges",
    "pledge months": "SELECT id, status, amount_paid FROM pledge_months",
    "beneficiaries": "SELECT id, invite_hash, invite_expires_at, name_encrypted FROM pledge_beneficiaries",
    "payments": "SELECT id, amount, verified_at, verified_by FROM pledge_payments",
    "discounts": "SELECT id, first_month, last_month, ended_by FROM discount_periods",
    "broadcasts": "SELECT id, status, recipients, scheduled_at FROM broadcasts",
    "deliveries": "SELECT broadcast_id, status, count(*) FROM broadcast_deliveries GROUP BY broadcast_id, status",
    "seeded reminder": "SELECT id, status, due_at FROM reminders WHERE id = :reminder",
    "support tickets": "SELECT id, status, support_message_id FROM support_tickets",
    "conversations": "SELECT user_id, flow, step FROM flow_states",
    "audit (not refusals)": "SELECT id, actor_id, action, subject FROM audit_log WHERE action <> 'refused'",
}


def snapshot(bot: RunningBot, seeded: Seeded) -> dict[str, list[tuple]]:
    async def work(session) -> dict[str, list[tuple]]:  # noqa: ANN001
        found = {}
        for name, sql in SNAPSHOT.items():
            params = {"reminder": seeded.ids["reminder"]} if ":reminder" in sql else {}
            found[name] = sorted((tuple(str(v) for v in row) for row in (await session.exec(text(sql),
                                                                                          params=params)).all()))
        return found

    return _run_db(bot, work)  # type: ignore[return-value]


def collect(box: ThreadedSandbox, chat_id: int, after: int, expected: int, settle: float = 0.4,
            timeout: float = 20) -> list[BotEvent]:
    """Everything the bot did in `chat_id` after `after`: waits for `expected` events, then `settle` seconds
    more so that anything extra (a second message, an apology after an error) is caught too."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(box.run(lambda: box.sandbox.events_for(chat_id, after))) < expected:
        time.sleep(0.05)
    time.sleep(settle)
    return box.run(lambda: box.sandbox.events_for(chat_id, after))


def shown(event: BotEvent) -> tuple[str, str]:
    return event.kind, event.text if event.kind == "answer" else (event.message.body if event.message else "")


def send_all(box: ThreadedSandbox, user_id: int, first_name: str, chat_id: int | None,
             lines: list[str]) -> list[BotEvent]:
    chat = user_id if chat_id is None else chat_id
    after = box.run(box.sandbox.last_seq)
    for line in lines:
        box.call(box.sandbox.user_message(user_id, line, chat_id=chat_id, first_name=first_name))
    return collect(box, chat, after, len(lines))


def press_all(box: ThreadedSandbox, user_id: int, chat_id: int | None, message_id: int,
              data: list[str]) -> list[BotEvent]:
    chat = user_id if chat_id is None else chat_id
    after = box.run(box.sandbox.last_seq)
    for item in data:
        box.call(box.sandbox.press(user_id, message_id, item, chat_id=chat_id))
    return collect(box, chat, after, len(data))


def refusals_of(bot: RunningBot, user_id: int) -> list[str]:
    return [row[0] for row in bot.rows("SELECT subject FROM audit_log WHERE actor_id = :u AND action = 'refused' "
                                       "ORDER BY id", u=user_id)]


def logged_refusals(bot: RunningBot, user_id: int) -> list[str]:
    pseudonym = user_ref(user_id, key=pseudonym_key(TEST_TOKEN))  # the bot keys pseudonyms with its token
    return re.findall(rf"non-admin {pseudonym} tried (.+)$", bot.process.log(), re.MULTILINE)


def data_key_of(bot: RunningBot) -> str:
    if "DATA_KEY" in bot.process.settings:
        return bot.process.settings["DATA_KEY"]
    return (Path(make_url(bot.database_url).database).parent / "data.key").read_text().strip()


def assert_log_clean(bot: RunningBot) -> None:
    """No secret, no personal data, no traceback in the bot's log; no secret in anything the bot sent."""
    log = bot.process.log()
    secrets = {"BOT_TOKEN": bot.process.settings["BOT_TOKEN"], "DATA_KEY": data_key_of(bot)}
    for name, secret in secrets.items():
        assert secret not in log, f"{name} is in the bot's log"
    lowered = log.lower()
    leaked = sorted(value for value in NEVER_LOGGED if value.lower() in lowered)
    assert not leaked, f"personal data in the bot's log: {leaked}"
    assert "Traceback" not in log and "handler failed" not in log, log[-3000:]
    box = bot.sandbox
    said = box.run(lambda: [e.text + " " + (e.message.body if e.message else "") for e in box.sandbox.events])
    for name, secret in secrets.items():
        assert not any(secret in text for text in said), f"{name} was sent to a chat"


# ------------------------------------------------------------------------------------------------ the tests
@pytest.mark.parametrize("context", CONTEXTS, ids=[c.name for c in CONTEXTS])
def test_every_admin_command_and_button_is_refused_to_a_non_admin(running_bot: RunningBot, new_user_id,  # noqa: ANN001
                                                                  context: Context) -> None:
    box = running_bot.sandbox
    box.run(lambda: box.sandbox.ensure_group(PUBLIC_GROUP_ID, "Grup warga Banjarmasin"))
    seeded = seed(running_bot, new_user_id(), new_user_id())
    outsider, name = new_user_id(), "Zulkarnain"
    NEVER_LOGGED.update({str(outsider), name})
    chat = outsider if context.chat_id is None else context.chat_id
    before = snapshot(running_bot, seeded)
    documents_before = len(box.calls_to("sendDocument"))

    commands = [a.text.format(**seeded.ids).replace(" ", context.command_suffix + " ", 1)
                if " " in a.text else a.text + context.command_suffix for a in ADMIN_COMMANDS]
    events = send_all(box, outsider, name, context.chat_id, commands)
    assert [shown(e) for e in events] == [("message", REFUSAL)] * len(commands), commands
    refusal = events[-1].message
    buttons = list(ADMIN_BUTTONS) + (list(OTHERS_BUTTONS) if context.chat_id is None else [])
    data = [b.text.format(**seeded.ids) for b in buttons]
    events = press_all(box, outsider, context.chat_id, refusal.message_id, data)
    assert [shown(e) for e in events] == [("answer", b.answer) for b in buttons], data

    assert snapshot(running_bot, seeded) == before
    sent = [c for c in box.calls_to("sendDocument")[documents_before:] if int(c.params.get("chat_id", 0)) == chat]
    assert sent == []
    expected = [a.audited_as for a in (*ADMIN_COMMANDS, *buttons) if a.audited_as]
    assert refusals_of(running_bot, outsider) == expected
    assert logged_refusals(running_bot, outsider) == expected
    assert_log_clean(running_bot)


def test_a_non_admin_left_in_an_admin_conversation_is_refused_when_typing(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    box = running_bot.sandbox
    seeded = seed(running_bot, new_user_id(), new_user_id())
    outsider, name = new_user_id(), "Maimunah"
    NEVER_LOGGED.update({str(outsider), name, *(leftover.text for leftover in ADMIN_FLOWS)})
    user = box.user(outsider, first_name=name)
    for leftover in ADMIN_FLOWS:
        values = {"id": seeded.ids["application"]} if leftover.flow == "admin_application" else {}

        async def leave_state(session, leftover=leftover, values=values) -> None:  # noqa: ANN001
            await save_flow(session, outsider, leftover.flow, leftover.step, values)

        _run_db(running_bot, leave_state)
        before = snapshot(running_bot, seeded)
        if leftover.photo:
            user.send(None, extra={**PHOTO, "caption": leftover.text})
        else:
            user.send(leftover.text)
        assert [m.body for m in user.replies()] == [REFUSAL], leftover
        assert snapshot(running_bot, seeded) == before
    assert refusals_of(running_bot, outsider) == [leftover.audited_as for leftover in ADMIN_FLOWS]
    assert logged_refusals(running_bot, outsider) == [leftover.audited_as for leftover in ADMIN_FLOWS]
    assert_log_clean(running_bot)


def test_admin_actions_are_audited_under_the_admins_id(running_bot: RunningBot, new_user_id) -> None:  # noqa: ANN001
    box = running_bot.sandbox
    seeded = seed(running_bot, new_user_id(), new_user_id())
    ids = seeded.ids
    admin = box.user(ADMIN_ID, first_name="Admin")
    start = running_bot.scalar("SELECT coalesce(max(id), 0) FROM audit_log")
    admin.send("/diskon tambah 10 2099-03 2099-04 semua jkk,jkm Diskon audit | PP uji")
    added = admin.reply()
    assert "Diskon audit" in added.text
    for data in (f"pv:{ids['payment']}", f"dz:ok:{ids['discount']}:{ids['month']}", f"bc:cancel:{ids['scheduled']}",
                 "x:payments:all", f"ap:rej:{ids['application']}"):
        box.call(box.sandbox.press(ADMIN_ID, added.message_id, data))
    admin.send("Data belum lengkap, mohon daftar ulang")
    deadline = time.monotonic() + 20
    wanted = {("discount.add", "discount:"), ("payment.verified", f"payment:{ids['payment']}"),
              ("discount.end", f"discount:{ids['discount']}"), ("broadcast.cancelled", f"broadcast:{ids['scheduled']}"),
              ("export", "payments"), ("application.rejected", f"application:{ids['application']}")}

    def audited() -> set[tuple[str, str]]:
        rows = running_bot.rows("SELECT action, subject FROM audit_log WHERE id > :s AND actor_id = :a",
                                s=start, a=ADMIN_ID)
        return {(action, "discount:" if action == "discount.add" else subject) for action, subject in rows}

    while time.monotonic() < deadline and not wanted <= audited():
        time.sleep(0.1)
    assert wanted <= audited()
    assert running_bot.rows("SELECT status, reject_reason FROM enrollment_applications WHERE id = :i",
                            i=ids["application"]) == [("rejected", "Data belum lengkap, mohon daftar ulang")]
    assert running_bot.scalar("SELECT verified_by FROM pledge_payments WHERE id = :i", i=ids["payment"]) == ADMIN_ID
    assert any(m.kind == "document" for m in admin.replies())
    # Nobody else's id is written as the actor of an admin action, and the audit details hold no personal data.
    details = running_bot.rows("SELECT actor_id, details FROM audit_log WHERE id > :s AND action <> 'refused'",
                               s=start)
    assert {actor for actor, _ in details} == {ADMIN_ID}
    assert not any(value in detail for _, detail in details for value in NEVER_LOGGED), details
    assert all(isinstance(json.loads(detail), dict) for _, detail in details)
    assert_log_clean(running_bot)

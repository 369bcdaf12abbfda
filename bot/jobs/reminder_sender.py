"""Planning and sending payment reminders: the work of the "plan" and "dispatch" jobs, in `run` and `worker`.

plan_all(): for every unpaid month of an active pledge (and every worker who asked for reminders), make sure its
reminders exist (rows are unique, so planning again changes nothing).
dispatch_once(): claim what is due (no more than this process sends in half a lease), decide per row (still unpaid?
recipient reachable? still the same local day? quiet hours?), confirm the claim just before sending, send through
the paced sender, and record the outcome at once. Claims are fenced (models/claims.py): a row another worker took
over while this one stalled is skipped, never sent twice. A row is marked sent in its own transaction right after
Telegram accepts it; a process killed in between is the only way to a duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.contributions.rules import MINIMUM_INCOME, quote
from bot.core.calendar import add_months, due_date, month_start
from bot.core.formatting import day_text, month_name, rupiah
from bot.core.i18n import Translator
from bot.core.identity import mask_name
from bot.core.replies import Button, Reply, rows
from bot.infra.database import Database
from bot.infra.pacing import PacedSender, SenderStopping, retry_after_seconds
from bot.pledges.rules import ONGOING, SponsoredWorker, month_amounts
from bot.reminders.rules import (
    BEFORE,
    MAX_ATTEMPTS,
    OVERDUE,
    OVERDUE_AFTER_DAYS,
    PlannedReminder,
    Preferences,
    handover_notice,
    outside_quiet_hours,
    plan,
    renewal_offer,
    retry_at,
    statement_notice,
    still_useful,
)
from models import reminder as reminders_table
from models.base import utcnow
from models.claims import TAKEN_OVER, UNWANTED, this_process
from models.discount import rules
from models.enrollment import REJECTED, EnrollmentApplication
from models.pledge import (
    ACTIVE,
    MONTH_CANCELLED,
    MONTH_DUE,
    Pledge,
    PledgeBeneficiary,
    PledgeMonth,
    encrypted_worker_names,
    keep_all_ongoing_planned,
    overview,
    pledges_of,
)
from models.reminder import HANDOVER, OWN_CONTRIBUTION, PLEDGE_END, PLEDGE_MONTH, SPONSOR_STATEMENT, Reminder, Subject
from models.reminder_planning import pledge_months_to_remind, pledges_ending, sponsors_with_month, workers_to_remind
from models.user import User, set_blocked

log = logging.getLogger(__name__)
PLAN_AHEAD_DAYS = 40  # months due within this many days get their reminders planned


@lru_cache(maxsize=4096)
def _plan(due: date, preferences: Preferences) -> tuple[PlannedReminder, ...]:
    """Most months share a due date and most people the default settings: plan each combination once."""
    return tuple(plan(due, preferences))


@dataclass
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    expired: int = 0
    cancelled: int = 0
    released: int = 0  # lapsed claims of stalled or dead processes taken back
    taken_over: int = 0  # claimed here, then taken over by another worker while this one was slow: not sent
    unsent: int = 0  # claimed, then not sent because this process is stopping (back to pending)
    parked: int = 0  # failed inside the bot MAX_ATTEMPTS times: kept aside with the reason, shown in /status
    outcomes: dict[int, str] = field(default_factory=dict)


def preferences_of(user: User | None, default_timezone: str) -> Preferences:
    if user is None:
        return Preferences(timezone=default_timezone)
    return Preferences(timezone=user.timezone or default_timezone, hour=user.reminder_hour,
                       days_before=user.reminder_days_before)


class ReminderService:
    def __init__(self, db: Database, texts: Translator, cipher, bot: Bot, sender: PacedSender, *,  # noqa: ANN001
                 default_timezone: str, worker: str | None = None, concurrency: int = 16,
                 claim_timeout: timedelta = reminders_table.CLAIM_TIMEOUT,
                 in_flight_timeout: timedelta = reminders_table.IN_FLIGHT_TIMEOUT) -> None:
        self.db, self.texts, self.cipher, self.bot, self.sender = db, texts, cipher, bot, sender
        self.default_timezone = default_timezone
        self.worker = worker or this_process()
        self.concurrency = concurrency
        self.claim_timeout = claim_timeout
        self.in_flight_timeout = in_flight_timeout

    # ------------------------------------------------------------------ planning
    async def plan_all(self, now: datetime | None = None, *, only_user: int | None = None) -> int:
        """Plan every missing reminder (or only `only_user`'s); returns how many rows were added."""
        now = now or utcnow()
        today = now.astimezone(ZoneInfo(self.default_timezone)).date()
        planned = 0
        async with self.db.transaction() as session:
            # Open-ended pledges get their coming months first, so that those are reminded of too.
            await keep_all_ongoing_planned(session, month_start(today), await rules(session), sponsor_id=only_user)
        async with self.db.transaction() as session:
            months = await pledge_months_to_remind(session, today - timedelta(days=OVERDUE_AFTER_DAYS + 1),
                                                   today + timedelta(days=PLAN_AHEAD_DAYS), sponsor_id=only_user)
            items = [(Subject(m.sponsor_id, PLEDGE_MONTH, m.month_id, m.month),
                      _plan(m.due_date, Preferences(m.timezone or self.default_timezone, m.hour, m.days_before)))
                     for m in months]
            planned += await reminders_table.plan_many(session, items, now)
        async with self.db.transaction() as session:
            items = []
            for worker in await workers_to_remind(session, user_id=only_user):
                prefs = preferences_of(worker.user, self.default_timezone)
                current = month_start(now.astimezone(ZoneInfo(prefs.timezone)).date())
                for month in (current, add_months(current, 1)):
                    items.append((Subject(worker.user.telegram_id, OWN_CONTRIBUTION, worker.application_id, month),
                                  plan(due_date(month), prefs)))
            planned += await reminders_table.plan_many(session, items, now)
        async with self.db.transaction() as session:
            # Fixed-length pledges ending this month or next: the renewal offer, then the workers' hand-over.
            this_month = month_start(today)
            items = []
            for ending in await pledges_ending(session, add_months(this_month, -1), add_months(this_month, 1),
                                               user_id=only_user):
                prefs = Preferences(ending.timezone or self.default_timezone, ending.hour)
                if ending.beneficiary_id is None:
                    items.append((Subject(ending.recipient_id, PLEDGE_END, ending.pledge_id, ending.last_month),
                                  renewal_offer(ending.last_month, prefs, now)))
                else:
                    items.append((Subject(ending.recipient_id, HANDOVER, ending.beneficiary_id, ending.last_month),
                                  handover_notice(ending.last_month, prefs, now)))
            planned += await reminders_table.plan_many(session, items, now)
        async with self.db.transaction() as session:
            # Each sponsor's statement of the month just ended, on the first days of this one.
            ended = add_months(month_start(today), -1)
            items = [(Subject(sponsor.sponsor_id, SPONSOR_STATEMENT, 0, ended), statement_notice(
                ended, Preferences(sponsor.timezone or self.default_timezone, sponsor.hour), now))
                for sponsor in await sponsors_with_month(session, ended, user_id=only_user)]
            planned += await reminders_table.plan_many(session, items, now)
        return planned

    # ------------------------------------------------------------------ dispatching
    async def dispatch_once(self, now: datetime | None = None, limit: int = 200) -> DispatchResult:
        result = DispatchResult()
        now = now or utcnow()
        if self.sender.stopping:
            return result
        async with self.db.session() as session:
            if not await reminders_table.anything_due(session, now, self.claim_timeout, self.in_flight_timeout):
                return result
        limit = self.sender.batch_within(self.claim_timeout.total_seconds(), limit)
        async with self.db.transaction() as session:
            result.released = await reminders_table.release_stale(session, now, self.claim_timeout,
                                                                  self.in_flight_timeout)
            claimed = await reminders_table.claim_due(session, self.worker, now, limit)
        result.claimed = len(claimed)
        if not claimed:
            return result
        gate = asyncio.Semaphore(self.concurrency)

        async def one(item: Reminder) -> None:
            async with gate:
                try:
                    outcome = await self._deliver(item, now)
                except Exception as error:  # noqa: BLE001 - one bad row must not stop the others
                    log.exception("reminder %s could not be handled", item.id)
                    outcome = await self._internal_error(item, error, now)
                result.outcomes[item.id] = outcome
                setattr(result, outcome, getattr(result, outcome) + 1)

        await asyncio.gather(*(one(item) for item in claimed))
        return result

    async def _deliver(self, item: Reminder, now: datetime) -> str:
        async with self.db.session() as session:
            user = await session.get(User, item.recipient_id)
            message = await self._compose(session, item, user)
        prefs = preferences_of(user, self.default_timezone)
        if user is None or user.is_blocked:
            return await self._close(item, reminders_table.BLOCKED if user else reminders_table.CANCELLED, "blocked")
        if message is None or not user.reminders_enabled:
            return await self._close(item, reminders_table.CANCELLED, "cancelled")
        if not still_useful(item.due_at, now, prefs.timezone):
            return await self._close(item, reminders_table.EXPIRED, "expired")
        allowed = outside_quiet_hours(now, prefs.timezone)
        if allowed > now:
            async with self.db.transaction() as session:
                await reminders_table.retry_later(session, item, allowed, "quiet_hours")
            return "retried"
        try:
            await self.sender.slot()
        except SenderStopping:
            async with self.db.transaction() as session:
                await reminders_table.unclaim(session, item)
            return "unsent"
        async with self.db.transaction() as session:
            # The clock of this dispatch may be older than the lease: renew it from the real time (tests freeze
            # the dispatch's clock, never earlier than what it says).
            handed = await reminders_table.hand_to_telegram(session, item, max(now, utcnow()))
            if handed == UNWANTED:  # erased, switched off or blocked while it waited for its turn
                await reminders_table.finish(session, item, reminders_table.CANCELLED, error="recipient")
                return "cancelled"
            if handed == TAKEN_OVER:
                return "taken_over"
        try:
            sent = await self.bot.send_message(item.recipient_id, message.text, reply_markup=_markup(message))
        except Forbidden:
            async with self.db.transaction() as session:
                await set_blocked(session, item.recipient_id, True)
                await reminders_table.cancel_for_recipient(session, item.recipient_id,
                                                           status=reminders_table.BLOCKED)
                await reminders_table.finish(session, item, reminders_table.BLOCKED, error="forbidden")
            return "blocked"
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            self.sender.pause(float(wait))
            async with self.db.transaction() as session:
                await reminders_table.retry_later(session, item, now + timedelta(seconds=float(wait)), "retry_after")
            return "retried"
        except BadRequest as error:
            return await self._close(item, reminders_table.FAILED, type(error).__name__)
        except (NetworkError, TelegramError) as error:
            if item.attempts >= MAX_ATTEMPTS:
                return await self._close(item, reminders_table.FAILED, type(error).__name__)
            async with self.db.transaction() as session:
                await reminders_table.retry_later(session, item, retry_at(item.attempts, now), type(error).__name__)
            return "retried"
        # Recorded at once, in its own transaction: the window for a duplicate is this one statement.
        async with self.db.transaction() as session:
            await reminders_table.finish(session, item, reminders_table.SENT, message_id=sent.message_id)
        return "sent"

    async def _internal_error(self, item: Reminder, error: Exception, now: datetime) -> str:
        """A fault of ours (a key that cannot read the data, a bug), not Telegram's: retried with backoff a bounded
        number of times, then parked with its reason for admins (/status) instead of retried forever."""
        reason = f"internal:{type(error).__name__}"[:64]
        async with self.db.transaction() as session:
            if item.attempts >= MAX_ATTEMPTS:
                await reminders_table.finish(session, item, reminders_table.PARKED, error=reason)
                return "parked"
            await reminders_table.retry_later(session, item, retry_at(item.attempts, now), reason)
        return "retried"

    async def _close(self, item: Reminder, status: str, outcome: str) -> str:
        async with self.db.transaction() as session:
            await reminders_table.finish(session, item, status, error=None if status == reminders_table.SENT
                                         else outcome)
        return {"cancelled": "cancelled", "expired": "expired", "blocked": "blocked"}.get(outcome, "failed")

    # ------------------------------------------------------------------ the message
    def _texts(self, lang: str):  # noqa: ANN202
        """The reminders' texts in `lang`: t(key, **values)."""
        return lambda key, **values: self.texts.t(lang, f"reminders.{key}", **values)

    async def _compose(self, session, item: Reminder, user: User | None) -> Reply | None:  # noqa: ANN001
        """The reminder's text and buttons, or None when there is nothing left to remind of."""
        lang = user.language if user else "id"

        t = self._texts(lang)

        due_day = due_date(item.month)
        if item.subject in (PLEDGE_END, HANDOVER):
            return await self._compose_ending(session, item, lang)
        if item.subject == SPONSOR_STATEMENT:
            return await self._compose_statement(session, item, lang)
        if item.subject == PLEDGE_MONTH:
            month = await session.get(PledgeMonth, item.subject_id)
            pledge = await session.get(Pledge, month.pledge_id) if month else None
            if month is None or pledge is None or month.status != MONTH_DUE or pledge.status != ACTIVE \
                    or pledge.reminders_off or pledge.sponsor_id != item.recipient_id:
                return None
            names = await encrypted_worker_names(session, pledge.id)
            shown = ", ".join(mask_name(self.cipher.decrypt(n)) for n in names if n) or "-"
            text = t(f"pledge_{item.kind}", id=pledge.id, month=month_name(item.month, lang),
                     amount=rupiah(month.amount_due - month.amount_paid, lang), workers=shown,
                     due=day_text(due_day, lang))
        else:
            application = await session.get(EnrollmentApplication, item.subject_id)
            if application is None or application.status == REJECTED or application.user_id != item.recipient_id:
                return None
            discounts = await rules(session)
            monthly = quote(income=application.income, programs=tuple(application.programs.split(",")),
                            first_month=item.month, transport=application.transport, discounts=discounts).months[0]
            text = t(f"own_{item.kind}", month=month_name(item.month, lang), amount=rupiah(monthly.due, lang),
                     due=day_text(due_day, lang))
        if item.kind == OVERDUE:
            text += "\n" + t("three_months")
        elif item.kind == BEFORE:
            text += "\n" + t("where_to_pay")
        return Reply(text, rows([Button(t("paid_button"), f"r:paid:{item.id}"),
                                 Button(t("later_button"), f"r:later:{item.id}"),
                                 Button(t("stop_button"), f"r:stop:{item.id}")], 1))


    async def _compose_ending(self, session, item: Reminder, lang: str) -> Reply | None:  # noqa: ANN001
        """The renewal offer to the sponsor, or the hand-over notice to a worker; None once the pledge was renewed
        (its last month moved on) or stopped."""
        t = self._texts(lang)

        beneficiary = await session.get(PledgeBeneficiary, item.subject_id) if item.subject == HANDOVER else None
        pledge = await session.get(Pledge, beneficiary.pledge_id if beneficiary else item.subject_id)
        if pledge is None or pledge.status != ACTIVE or pledge.months == ONGOING:
            return None
        seen = await overview(session, pledge)
        counted = [m.month for m in seen.months if m.status != MONTH_CANCELLED]
        if not counted or max(counted) != item.month:
            return None  # renewed (or changed) since this was planned
        following = add_months(item.month, 1)
        discounts = await rules(session)
        if beneficiary is None:
            if pledge.sponsor_id != item.recipient_id:
                return None
            workers = [SponsoredWorker(b.occupation, b.transport) for b in seen.beneficiaries]
            total = sum(m.amount for m in month_amounts(workers, pledge.program_list, following, pledge.months,
                                                        discounts))
            names = ", ".join(mask_name(self.cipher.decrypt(b.name_encrypted)) for b in seen.beneficiaries
                              if b.name_encrypted) or "-"
            return Reply(t("renew_offer", id=pledge.id, last=month_name(item.month, lang), workers=names,
                           months=pledge.months, next=month_name(following, lang), total=rupiah(total, lang)),
                         rows([Button(t("renew_button", months=pledge.months),
                                      f"j:ext:{pledge.id}:{pledge.months}:{pledge.months}"),
                               Button(t("renew_no"), "j:keep")], 1))
        if beneficiary.worker_user_id != item.recipient_id:
            return None
        application = await session.get(EnrollmentApplication, beneficiary.application_id or 0)
        income = application.income if application is not None else MINIMUM_INCOME
        transport = application.transport if application is not None else beneficiary.transport
        monthly = quote(income=income, programs=pledge.program_list, first_month=following, transport=transport,
                        discounts=discounts).months[0]
        return Reply(t("handover", last=month_name(item.month, lang), next=month_name(following, lang),
                       amount=rupiah(monthly.due, lang), programs="+".join(p.upper() for p in pledge.program_list)),
                     rows([Button(t("handover_remind"), "rp:own:on"), Button(t("handover_quote"), "m:quote")], 1))


    async def _compose_statement(self, session, item: Reminder, lang: str) -> Reply | None:  # noqa: ANN001
        """A sponsor's month in review, per active pledge: who was protected, what was paid of what was due."""
        t = self._texts(lang)

        month_end = add_months(item.month, 1) - timedelta(days=1)
        lines = [t("statement_title", month=month_name(item.month, lang))]
        for seen in await pledges_of(session, item.recipient_id):
            month = next((m for m in seen.months if m.month == item.month and m.status != MONTH_CANCELLED), None)
            if seen.pledge.status != ACTIVE or month is None:
                continue
            by_status: dict[str, list[str]] = {}
            for beneficiary in seen.beneficiaries:
                name = mask_name(self.cipher.decrypt(beneficiary.name_encrypted)) if beneficiary.name_encrypted \
                    else t("statement_unnamed", number=beneficiary.position)
                by_status.setdefault(seen.worker_status(beneficiary, month_end), []).append(name)
            who = "; ".join(t(f"statement_{status}", names=", ".join(names)) for status, names in by_status.items())
            lines.append(t("statement_pledge", id=seen.id, who=who, paid=rupiah(month.amount_paid, lang),
                           due=rupiah(month.amount_due, lang)))
        if len(lines) == 1:
            return None  # every pledge stopped since this was planned
        return Reply("\n".join(lines), rows([Button(t("statement_button"), "j:list")], 1))


def _markup(reply: Reply) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


def local_day_start(now: datetime, tz: str) -> datetime:
    zone = ZoneInfo(tz)
    return datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)


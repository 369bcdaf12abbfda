"""The rows of the branch office's CSV exports, read from the tables (the file format and the request are
bot/reports/export.py). Personal data is decrypted here: exports are the one place it leaves unmasked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.calendar import month_start
from bot.core.crypto import PersonalDataCipher
from bot.pledges.rules import sponsor_number
from bot.pledges.sponsor_flow import occupation_label
from bot.reports.export import (
    APPLICATION_HEADER,
    PAYMENT_HEADER,
    PLEDGE_HEADER,
    PLEDGE_MONTH_HEADER,
    ExportRequest,
    local_time,
    status_in_file,
    to_csv,
    worker_month_status,
)
from models import enrollment, pledge, pledge_payments
from models.pledge import (
    MONTH_CANCELLED,
    Pledge,
    PledgeBeneficiary,
    PledgeMonth,
    PledgePayment,
    PledgePaymentAllocation,
    PledgeWorkerMonth,
)
from models.user import User


async def export_csv(session: AsyncSession, cipher: PersonalDataCipher, request: ExportRequest,
                     timezone: str) -> tuple[bytes, int]:
    """The CSV bytes and the number of data rows."""
    start, end = request.window(timezone)
    today = datetime.now(ZoneInfo(timezone)).date()  # a worker's status depends on the months already due
    if request.kind == "applications":
        return await _applications(session, cipher, request, start, end, timezone)
    if request.kind == "pledges":
        return await _pledges(session, cipher, request, start, end, timezone, today)
    if request.kind == "pledge_months":
        return await _pledge_months(session, cipher, request, start, end)
    return await _payments(session, cipher, request, start, end, timezone)


def _name(cipher: PersonalDataCipher, encrypted: str | None) -> str:
    return cipher.decrypt(encrypted) if encrypted else "(dihapus)"


async def _applications(session: AsyncSession, cipher: PersonalDataCipher, request: ExportRequest,
                        start: datetime | None, end: datetime | None, timezone: str) -> tuple[bytes, int]:
    applications = await enrollment.between(session, start, end, request.status)
    sponsored = await _application_pledges(session, [a.id for a in applications if a.id is not None])
    rows = []
    for application in applications:
        seen = enrollment.view(cipher, application)
        rows.append([seen.id, local_time(seen.created_at, timezone), status_in_file("applications", seen.status),
                     seen.name, seen.nik,
                     seen.birth_date.isoformat(), seen.phone, occupation_label(seen.occupation),
                     "ya" if application.transport else "tidak", seen.province, seen.province_code or "", seen.regency,
                     # "6371", as a NIK begins: "61.10" would open in a spreadsheet as the number 61.1
                     (seen.regency_code or "").replace(".", ""), seen.income,
                     "+".join(p.upper() for p in seen.programs), seen.kpj_number or "",
                     seen.reject_reason or "", sponsored.get(seen.id, "")])
    return to_csv(APPLICATION_HEADER, rows), len(rows)


async def _pledges(session: AsyncSession, cipher: PersonalDataCipher, request: ExportRequest,
                   start: datetime | None, end: datetime | None, timezone: str, today: date) -> tuple[bytes, int]:
    """One row per worker, with that worker's own amounts and the sponsor's number and name."""
    statement = select(Pledge).order_by(Pledge.id)
    if start is not None:
        statement = statement.where(Pledge.created_at >= start)
    if end is not None:
        statement = statement.where(Pledge.created_at < end)
    if request.status is not None:
        statement = statement.where(Pledge.status == request.status)
    overviews = [await pledge.overview(session, p) for p in (await session.exec(statement)).all()]
    sponsors = await _sponsors(session, [o.pledge.sponsor_id for o in overviews if o.pledge.sponsor_id is not None])
    rows = []
    for item in overviews:
        number, sponsor_name = sponsors.get(item.pledge.sponsor_id or 0, ("", "(dihapus)"))
        for beneficiary in item.beneficiaries:
            money = item.worker_money(beneficiary)
            rows.append([
                item.id, local_time(item.pledge.created_at, timezone), status_in_file("pledges", item.pledge.status),
                number, sponsor_name,
                item.pledge.months or "setiap bulan", "+".join(p.upper() for p in item.pledge.program_list),
                beneficiary.position, _name(cipher, beneficiary.name_encrypted),
                occupation_label(beneficiary.occupation),
                cipher.decrypt(beneficiary.phone_encrypted) if beneficiary.phone_encrypted else "",
                "ya" if beneficiary.worker_user_id else "tidak", beneficiary.application_id or "",
                status_in_file("workers", item.worker_status(beneficiary, today)), beneficiary.priced_income,
                money.months, money.paid_months, money.due, money.paid, money.outstanding])
    return to_csv(PLEDGE_HEADER, rows), len(rows)


@dataclass
class _MoneyInWindow:
    verified: int = 0
    waiting: int = 0
    payments: list[int] = field(default_factory=list)


async def _pledge_months(session: AsyncSession, cipher: PersonalDataCipher, request: ExportRequest,
                         start: datetime | None, end: datetime | None) -> tuple[bytes, int]:
    """One row per worker and month: the months of the export's dates, and any month a payment recorded between
    those dates paid toward (so its money is in this file as it is in the payments file)."""
    placed = await _allocations_between(session, start, end)
    statement = (select(PledgeWorkerMonth, PledgeMonth, PledgeBeneficiary, Pledge.sponsor_id)
                 .join(PledgeMonth, PledgeMonth.id == PledgeWorkerMonth.month_id)
                 .join(PledgeBeneficiary, PledgeBeneficiary.id == PledgeWorkerMonth.beneficiary_id)
                 .join(Pledge, Pledge.id == PledgeMonth.pledge_id)
                 .order_by(PledgeMonth.pledge_id, PledgeMonth.month, PledgeBeneficiary.position))
    if request.since is not None or request.until is not None:
        in_dates = [PledgeMonth.month >= month_start(request.since)] if request.since else []
        if request.until is not None:
            in_dates.append(PledgeMonth.month <= month_start(request.until))
        statement = statement.where(or_(and_(*in_dates), col(PledgeWorkerMonth.id).in_(list(placed))))
    found = (await session.exec(statement)).all()
    sponsors = await _sponsors(session, {sponsor_id for *_rest, sponsor_id in found if sponsor_id is not None})
    rows = []
    for part, month, beneficiary, sponsor_id in found:
        cancelled = month.status == MONTH_CANCELLED
        status = worker_month_status(cancelled=cancelled, due=part.amount_due, paid=part.amount_paid)
        if request.status is not None and status != request.status:
            continue
        money = placed.get(part.id or 0, _MoneyInWindow())
        rows.append([month.pledge_id, sponsors.get(sponsor_id or 0, ("", ""))[0], beneficiary.position,
                     _name(cipher, beneficiary.name_encrypted), month.month.strftime("%Y-%m"),
                     month.due_date.isoformat(), part.amount_due, part.discount, part.amount_paid,
                     0 if cancelled else max(0, part.amount_due - part.amount_paid),
                     status_in_file("pledge_months", status), money.verified, money.waiting,
                     " ".join(str(p) for p in money.payments)])
    return to_csv(PLEDGE_MONTH_HEADER, rows), len(rows)


async def _allocations_between(session: AsyncSession, start: datetime | None, end: datetime | None,
                               ) -> dict[int, _MoneyInWindow]:
    """What the payments recorded between `start` and `end` (and not rejected) put on each worker's month."""
    statement = (select(PledgePaymentAllocation.worker_month_id, PledgePaymentAllocation.amount, PledgePayment.id,
                        PledgePayment.verified_at)
                 .join(PledgePayment, PledgePayment.id == PledgePaymentAllocation.payment_id)
                 .where(col(PledgePayment.rejected_at).is_(None)).order_by(PledgePayment.id))
    if start is not None:
        statement = statement.where(PledgePayment.created_at >= start)
    if end is not None:
        statement = statement.where(PledgePayment.created_at < end)
    placed: dict[int, _MoneyInWindow] = {}
    for part_id, amount, payment_id, verified_at in (await session.exec(statement)).all():
        money = placed.setdefault(part_id, _MoneyInWindow())
        if verified_at is not None:
            money.verified += amount
        else:
            money.waiting += amount
        if payment_id not in money.payments:
            money.payments.append(payment_id)
    return placed


async def _payments(session: AsyncSession, cipher: PersonalDataCipher, request: ExportRequest,
                    start: datetime | None, end: datetime | None, timezone: str) -> tuple[bytes, int]:
    """One row per payment, with the pledge, its sponsor, and the workers and months it paid toward (a rejected
    payment no longer pays toward any)."""
    payments = await pledge_payments.payments_between(session, start, end, request.status)
    ids = [p.id for p in payments]
    paid_for: dict[int, tuple[dict[int, str], set[str]]] = {}
    if ids:
        for payment_id, position, name, month in (await session.exec(
                select(PledgePaymentAllocation.payment_id, PledgeBeneficiary.position,
                       PledgeBeneficiary.name_encrypted, PledgeMonth.month)
                .join(PledgeWorkerMonth, PledgeWorkerMonth.id == PledgePaymentAllocation.worker_month_id)
                .join(PledgeBeneficiary, PledgeBeneficiary.id == PledgeWorkerMonth.beneficiary_id)
                .join(PledgeMonth, PledgeMonth.id == PledgePaymentAllocation.month_id)
                .where(col(PledgePaymentAllocation.payment_id).in_(ids)))).all():
            workers, months = paid_for.setdefault(payment_id, ({}, set()))
            workers[position] = _name(cipher, name)
            months.add(month.strftime("%Y-%m"))
    owners = await _pledge_sponsors(session, {p.pledge_id for p in payments})
    sponsors = await _sponsors(session, [s for s in owners.values() if s is not None])
    rows = []
    for p in payments:
        workers, months = paid_for.get(p.id or 0, ({}, set()))
        rows.append([p.id, p.pledge_id, sponsors.get(owners.get(p.pledge_id) or 0, ("", ""))[0],
                     ", ".join(str(n) for n in sorted(workers)), ", ".join(workers[n] for n in sorted(workers)),
                     ", ".join(sorted(months)), p.paid_on.isoformat(), p.amount, p.reference or "",
                     status_in_file("payments", p.status), p.reject_reason or "",
                     local_time(p.created_at, timezone), local_time(p.verified_at, timezone)])
    return to_csv(PAYMENT_HEADER, rows), len(rows)


async def _pledge_sponsors(session: AsyncSession, pledge_ids: Iterable[int]) -> dict[int, int | None]:
    ids = list(pledge_ids)
    if not ids:
        return {}
    return dict((await session.exec(select(Pledge.id, Pledge.sponsor_id).where(col(Pledge.id).in_(ids)))).all())


async def _sponsors(session: AsyncSession, sponsor_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each sponsor's number (from their first pledge: it never changes) and the name they gave Telegram."""
    ids = list(set(sponsor_ids))
    if not ids:
        return {}
    first = dict((await session.exec(select(Pledge.sponsor_id, func.min(Pledge.id))
                                     .where(col(Pledge.sponsor_id).in_(ids)).group_by(Pledge.sponsor_id))).all())
    names = dict((await session.exec(select(User.telegram_id, User.first_name)
                                     .where(col(User.telegram_id).in_(ids)))).all())
    return {sponsor: (sponsor_number(first_id), names.get(sponsor, "")) for sponsor, first_id in first.items()}


async def _application_pledges(session: AsyncSession, application_ids: list[int]) -> dict[int, int]:
    """Which pledge sponsors each application (application id -> pledge id)."""
    if not application_ids:
        return {}
    rows = await session.exec(select(PledgeBeneficiary.application_id, PledgeBeneficiary.pledge_id)
                              .where(col(PledgeBeneficiary.application_id).in_(application_ids)))
    return {application: pledge_id for application, pledge_id in rows.all() if application is not None}

"""The rows of the branch office's CSV exports, read from the tables (the file format and the request are
bot/reports/export.py). Personal data is decrypted here: exports are the one place it leaves unmasked."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.crypto import PersonalDataCipher
from bot.pledges.sponsor_flow import occupation_label
from bot.reports.export import (
    APPLICATION_HEADER,
    PAYMENT_HEADER,
    PLEDGE_HEADER,
    ExportRequest,
    local_time,
    status_in_file,
    to_csv,
)
from models import enrollment, pledge, pledge_payments


async def export_csv(session: AsyncSession, cipher: PersonalDataCipher, request: ExportRequest,
                     timezone: str) -> tuple[bytes, int]:
    """The CSV bytes and the number of data rows."""
    start, end = request.window(timezone)
    today = datetime.now(ZoneInfo(timezone)).date()  # a worker's status depends on the months already due
    if request.kind == "applications":
        applications = await enrollment.between(session, start, end, request.status)
        sponsored = await pledge.application_pledges(session, [a.id for a in applications])
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
    if request.kind == "pledges":
        overviews = await pledge.between(session, start, end, request.status)
        rows = []
        for item in overviews:
            counted = [m for m in item.months if m.status != pledge.MONTH_CANCELLED]
            for beneficiary in item.beneficiaries:
                rows.append([
                    item.id, local_time(item.pledge.created_at, timezone),
                    status_in_file("pledges", item.pledge.status),
                    item.pledge.months or "setiap bulan", "+".join(p.upper() for p in item.pledge.program_list),
                    beneficiary.position,
                    cipher.decrypt(beneficiary.name_encrypted) if beneficiary.name_encrypted else "(dihapus)",
                    occupation_label(beneficiary.occupation),
                    cipher.decrypt(beneficiary.phone_encrypted) if beneficiary.phone_encrypted else "",
                    "ya" if beneficiary.worker_user_id else "tidak", beneficiary.application_id or "",
                    status_in_file("workers", item.worker_status(beneficiary, today)),
                    len(counted), item.paid_months, item.total_due, item.total_paid, item.outstanding])
        return to_csv(PLEDGE_HEADER, rows), len(rows)
    payments = await pledge_payments.payments_between(session, start, end, request.status)
    rows = [[p.id, p.pledge_id, p.paid_on.isoformat(), p.amount, p.reference or "",
             status_in_file("payments", p.status), p.reject_reason or "",
             local_time(p.created_at, timezone), local_time(p.verified_at, timezone)] for p in payments]
    return to_csv(PAYMENT_HEADER, rows), len(rows)

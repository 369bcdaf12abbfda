"""Workers' enrollment applications, passed to the branch office, which registers them in BPJS's own system.

Name, NIK, date of birth and phone are stored encrypted (bot.crypto); a keyed hash of the NIK finds a second
application for the same person without storing the NIK in the clear. Status: submitted → registered (with the
KPJ number) or rejected (with a reason). The owner can delete their application (/hapusdata).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, delete, text, update
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.crypto import PersonalDataCipher
from bot.enrollment.statuses import REGISTERED, REJECTED, SUBMITTED
from models import audit
from models.base import UTCDateTime, utcnow

CONSENT_VERSION = "2026-12"  # which consent text the worker agreed to (bot/core/locales: enroll.consent)


LIVE = text("status != 'rejected'")


class EnrollmentApplication(SQLModel, table=True):
    __tablename__ = "enrollment_applications"
    # One live application per NIK, enforced by the database too (two people submitting the same NIK at once).
    __table_args__ = (Index("uq_enrollment_applications_live_nik", "nik_hash", unique=True, sqlite_where=LIVE,
                            postgresql_where=LIVE),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    name_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    nik_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    nik_hash: str = Field(max_length=64, index=True)
    birth_date_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    phone_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    occupation: str = Field(max_length=64)
    transport: bool = Field(default=False)
    province: str = Field(max_length=64)
    regency: str = Field(max_length=64)
    # Kemendagri codes (bot/core/regions.py): "63", "63.71"; empty on an old row whose names could not be placed
    province_code: str | None = Field(default=None, max_length=2)
    regency_code: str | None = Field(default=None, max_length=5)
    income: int
    programs: str = Field(max_length=32)  # "jkk,jkm" or "jkk,jkm,jht"
    consent_version: str = Field(max_length=16)
    consent_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=SUBMITTED, max_length=16, index=True)
    kpj_number: str | None = Field(default=None, max_length=32)
    reject_reason: str | None = Field(default=None, max_length=200)
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    status_changed_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True)
class ApplicantDetails:
    """What a worker enters; plain values, encrypted on the way into the table."""

    name: str
    nik: str
    birth_date: date
    phone: str
    occupation: str
    transport: bool
    province: str
    regency: str
    income: int
    programs: tuple[str, ...]
    province_code: str | None = None
    regency_code: str | None = None


@dataclass(frozen=True)
class ApplicationView:
    """An application decrypted for its owner or an admin's export."""

    id: int
    status: str
    name: str
    nik: str
    birth_date: date
    phone: str
    occupation: str
    province: str
    regency: str
    income: int
    programs: tuple[str, ...]
    kpj_number: str | None
    reject_reason: str | None
    created_at: datetime
    province_code: str | None = None
    regency_code: str | None = None


class DuplicateNik(Exception):
    """An application for this NIK already exists (and is not rejected)."""

    def __init__(self, existing_status: str) -> None:
        super().__init__(existing_status)
        self.existing_status = existing_status


async def find_by_nik(session: AsyncSession, cipher: PersonalDataCipher, nik: str) -> EnrollmentApplication | None:
    return (await session.exec(
        select(EnrollmentApplication).where(EnrollmentApplication.nik_hash.in_(cipher.lookup_hashes(nik)),
                                            EnrollmentApplication.status != REJECTED)
        .order_by(EnrollmentApplication.id.desc()).limit(1)
    )).first()


async def submit(session: AsyncSession, cipher: PersonalDataCipher, user_id: int,
                 details: ApplicantDetails) -> EnrollmentApplication:
    """Store a confirmed application; raises DuplicateNik when the NIK already has a live application."""
    existing = await find_by_nik(session, cipher, details.nik)
    if existing is not None:
        raise DuplicateNik(existing.status)
    application = EnrollmentApplication(
        user_id=user_id, name_encrypted=cipher.encrypt(details.name), nik_encrypted=cipher.encrypt(details.nik),
        nik_hash=cipher.lookup_hash(details.nik), birth_date_encrypted=cipher.encrypt(details.birth_date.isoformat()),
        phone_encrypted=cipher.encrypt(details.phone), occupation=details.occupation[:64],
        transport=details.transport, province=details.province[:64], regency=details.regency[:64],
        province_code=details.province_code, regency_code=details.regency_code,
        income=details.income, programs=",".join(details.programs), consent_version=CONSENT_VERSION,
        consent_at=utcnow())
    session.add(application)
    await session.flush()
    return application


def view(cipher: PersonalDataCipher, application: EnrollmentApplication) -> ApplicationView:
    assert application.id is not None
    return ApplicationView(
        id=application.id, status=application.status, name=cipher.decrypt(application.name_encrypted),
        nik=cipher.decrypt(application.nik_encrypted),
        birth_date=date.fromisoformat(cipher.decrypt(application.birth_date_encrypted)),
        phone=cipher.decrypt(application.phone_encrypted), occupation=application.occupation,
        province=application.province, regency=application.regency, income=application.income,
        programs=tuple(p for p in application.programs.split(",") if p), kpj_number=application.kpj_number,
        reject_reason=application.reject_reason, created_at=application.created_at,
        province_code=application.province_code, regency_code=application.regency_code)


async def of_user(session: AsyncSession, user_id: int) -> list[EnrollmentApplication]:
    return list((await session.exec(
        select(EnrollmentApplication).where(EnrollmentApplication.user_id == user_id)
        .order_by(EnrollmentApplication.id))).all())


async def set_status(session: AsyncSession, application_id: int, status: str, admin_id: int, *,
                     kpj_number: str | None = None, reason: str | None = None) -> EnrollmentApplication | None:
    """An admin marks a submitted application registered (with KPJ) or rejected (with a reason), once."""
    if status not in (REGISTERED, REJECTED):
        raise ValueError(status)
    result = await session.exec(
        update(EnrollmentApplication)
        .where(EnrollmentApplication.id == application_id, EnrollmentApplication.status == SUBMITTED)
        .values(status=status, kpj_number=kpj_number, reject_reason=reason, status_changed_at=utcnow(),
                status_changed_by=admin_id))
    if not result.rowcount:
        return None
    await audit.record(session, admin_id, f"application.{status}", f"application:{application_id}")
    return await session.get(EnrollmentApplication, application_id)


async def delete_for_user(session: AsyncSession, user_id: int) -> int:
    """The owner's /hapusdata: their applications are removed entirely. Returns how many."""
    result = await session.exec(delete(EnrollmentApplication).where(EnrollmentApplication.user_id == user_id))
    return int(result.rowcount or 0)


async def between(session: AsyncSession, start: datetime | None, end: datetime | None,
                  status: str | None = None) -> list[EnrollmentApplication]:
    """Applications created in [start, end), optionally with one status, oldest first (exports)."""
    statement = select(EnrollmentApplication).order_by(EnrollmentApplication.id)
    if start is not None:
        statement = statement.where(EnrollmentApplication.created_at >= start)
    if end is not None:
        statement = statement.where(EnrollmentApplication.created_at < end)
    if status is not None:
        statement = statement.where(EnrollmentApplication.status == status)
    return list((await session.exec(statement)).all())


async def submitted(session: AsyncSession, limit: int = 10) -> list[EnrollmentApplication]:
    """Applications waiting for the branch office, oldest first."""
    return list((await session.exec(
        select(EnrollmentApplication).where(EnrollmentApplication.status == SUBMITTED)
        .order_by(EnrollmentApplication.id).limit(limit))).all())

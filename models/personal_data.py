"""Everything the bot keeps about one person, gathered for /datasaya and erased for /hapusdata.

Erasure removes the user's row, applications, questions to the team, any half-finished conversation, their
reminders and the announcements queued for them (a sender holding one checks again before sending it). Pledges
they made stay as anonymous amounts and payments (so the branch office's totals remain true); see
models.pledge.forget_user. Admin audit entries keep only what admins did, so a refused attempt by this user loses
its link to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models import broadcast, enrollment, pledge, pledge_workers, reminder, support
from models.audit import AuditEntry
from models.flow import FlowState
from models.support import SupportTicket
from models.user import User


@dataclass
class StoredData:
    user: User | None
    applications: list[enrollment.EnrollmentApplication]
    pledges: list[pledge.PledgeOverview]
    sponsorship: pledge_workers.Invitation | None
    tickets: int  # questions the user passed to a person
    open_flow: str | None
    counts: dict[str, int] = field(default_factory=dict)
    # Where they stand as a sponsored worker (bot/pledges/worker_status.py) and, when lapsing, the months overdue.
    sponsored_status: str | None = None
    overdue_months: int = 0


async def gather(session: AsyncSession, user_id: int, today: date) -> StoredData:
    """Everything kept about `user_id`; `today` (their local date) decides where they stand as a sponsored worker."""
    tickets = await support.count_passed_on(session, user_id)  # questions kept but never passed on are not "sent"
    flow = await session.get(FlowState, user_id)
    user = await session.get(User, user_id)
    sponsorship = await pledge_workers.sponsorship_of(session, user_id)
    status, overdue = None, 0
    if sponsorship is not None:  # in the same words as the sponsor's /janji
        seen = await pledge.overview(session, sponsorship.pledge)
        status = seen.worker_status(sponsorship.beneficiary, today)
        overdue = seen.overdue_months(today, sponsorship.beneficiary)
    return StoredData(user=user, applications=await enrollment.of_user(session, user_id),
                      pledges=await pledge.pledges_of(session, user_id), sponsorship=sponsorship,
                      tickets=int(tickets), open_flow=flow.flow if flow else None, sponsored_status=status,
                      overdue_months=overdue)


async def erase(session: AsyncSession, user_id: int) -> dict[str, int]:
    """Delete or anonymise everything about `user_id`; returns what was done, for the confirmation."""
    counts = {"applications": await enrollment.delete_for_user(session, user_id)}
    counts.update(await pledge.forget_user(session, user_id))
    tickets = await session.exec(delete(SupportTicket).where(SupportTicket.user_id == user_id))
    counts["tickets"] = int(tickets.rowcount or 0)
    await session.exec(delete(FlowState).where(FlowState.user_id == user_id))
    await reminder.delete_for_recipient(session, user_id)
    await broadcast.forget_recipient(session, user_id)
    await session.exec(update(AuditEntry).where(AuditEntry.actor_id == user_id, AuditEntry.action == "refused")
                       .values(actor_id=None))
    await session.exec(delete(User).where(User.telegram_id == user_id))
    return counts

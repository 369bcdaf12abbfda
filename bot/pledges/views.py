"""How a sponsor's pledge reads in /janji: workers (masked), months paid and due, the next due date, and buttons.

Takes a models.pledge.PledgeOverview (read duck-typed, so this module stays free of the database).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.formatting import day_text, month_name, rupiah
from bot.core.i18n import Translator
from bot.core.identity import mask_name
from bot.core.replies import Button, Reply, rows
from bot.pledges.rules import MONTH_CHOICES, ONGOING
from bot.pledges.sponsor_flow import occupation_label


def describe(overview: Any, names: list[str | None], texts: Translator, lang: str, today: date) -> Reply:
    """The pledge card with its action buttons (`names` are the decrypted worker names, None when deleted)."""
    pledge = overview.pledge

    def t(key: str, **values: object) -> str:
        return texts.t(lang, f"pledges.{key}", **values)

    programs = "+".join(p.upper() for p in pledge.program_list)
    term = t("term_ongoing") if pledge.months == ONGOING else t("term_months", months=pledge.months)
    lines = [t("title", id=pledge.id, workers=pledge.worker_count, programs=programs, term=term)]
    if pledge.status != "active":
        lines.append(t("status_cancelled"))
    for beneficiary, name in zip(overview.beneficiaries, names):
        shown = mask_name(name) if name else t("name_deleted")
        status = overview.worker_status(beneficiary, today)
        state = t(f"worker_{status}", overdue=overview.overdue_months(today, beneficiary))
        lines.append(t("worker_line", number=beneficiary.position, name=shown,
                       occupation=occupation_label(beneficiary.occupation), state=state))
    counted = [m for m in overview.months if m.status != "cancelled"]
    lines.append(t("paid_line", paid=overview.paid_months, months=len(counted),
                   amount=rupiah(overview.total_paid, lang)))
    following = overview.next_open
    if following is not None and pledge.status == "active":
        remaining = following.amount_due - following.amount_paid
        key = "overdue_line" if following.due_date < today else "next_line"
        lines.append(t(key, month=month_name(following.month, lang), amount=rupiah(remaining, lang),
                       due=day_text(following.due_date, lang)))
        lines.append(t("outstanding_line", amount=rupiah(overview.outstanding, lang)))
    elif pledge.status == "active":
        lines.append(t("all_paid"))
    buttons: list[Button] = []
    if pledge.status == "active":
        if following is not None:
            buttons.append(Button(t("pay_button"), f"j:pay:{pledge.id}"))
        if pledge.months != ONGOING:
            buttons.append(Button(t("extend_button"), f"j:ext:{pledge.id}"))
        if any(b.worker_user_id is None and b.name_encrypted for b in overview.beneficiaries):
            buttons.append(Button(t("invite_button"), f"j:inv:{pledge.id}"))
        buttons.append(Button(t("cancel_button"), f"j:stop:{pledge.id}"))
    return Reply("\n".join(lines), rows(buttons, 2))


def extend_choices(pledge_id: int, current_months: int, texts: Translator, lang: str) -> Reply:
    """The current length rides along, so a second press of the same button extends nothing more."""
    choices = [Button(texts.t(lang, "pledges.extend_option", months=m), f"j:ext:{pledge_id}:{m}:{current_months}")
               for m in MONTH_CHOICES]
    return Reply(texts.t(lang, "pledges.ask_extend", id=pledge_id),
                 rows(choices, 2) + rows([Button(texts.t(lang, "pledges.keep"), "j:keep")], 1))


def cancel_confirmation(pledge_id: int, texts: Translator, lang: str) -> Reply:
    return Reply(texts.t(lang, "pledges.ask_cancel", id=pledge_id),
                 rows([Button(texts.t(lang, "pledges.cancel_yes"), f"j:stopok:{pledge_id}"),
                       Button(texts.t(lang, "pledges.keep"), "j:keep")], 1))


def invitation_text(position: int, name: str, occupation: str, link: str, expires: date, texts: Translator,
                    lang: str) -> str:
    return texts.t(lang, "pledges.invitation", number=position, name=mask_name(name),
                   occupation=occupation_label(occupation), link=link, until=month_day(expires, lang))


def month_day(day: date, lang: str) -> str:
    return f"{day.day} {month_name(day.replace(day=1), lang)}"

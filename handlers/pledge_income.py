"""A sponsored worker declared an income above the minimum: the sponsor is asked whether to follow it (that
worker's unpaid months re-priced, with the discount) or keep paying on the minimum. The answer is recorded per
worker (models/pledge_workers.py).

Callback data: `j:inc:<worker id>:f|m:<income asked about>`. The income rides along, so a button for an income the
worker no longer has changes nothing; the worker id is checked against the presser's own pledges.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core.formatting import month_name, rupiah
from bot.core.identity import mask_name
from bot.core.logs import user_ref
from bot.core.replies import Button, Reply, rows
from bot.pledges.rules import MonthDue, PledgeError, income_prices, repricing_from
from handlers import replies
from handlers.common import notify_user, notify_user_with
from handlers.context import BotApplication, BotContext
from models import pledge, pledge_workers
from models.discount import rules

log = logging.getLogger(__name__)
CHOICES = {"f": pledge_workers.INCOME_FOLLOW, "m": pledge_workers.INCOME_MINIMUM}


def _with_discount(context: BotContext, lang: str, price: MonthDue) -> str:
    amount = rupiah(price.amount, lang)
    if not price.discount:
        return amount
    return context.services.texts.t(lang, "pledges.income_with_discount", amount=amount,
                                    discount=rupiah(price.discount, lang))


async def ask_sponsor_about_income(context: BotContext, application_id: int) -> None:
    """After a sponsored worker applies: the sponsor's question, when the declared income is above the minimum and
    they have not answered for this worker yet."""
    async with context.services.db.session() as session:
        question = await pledge_workers.income_to_ask(session, application_id)
        discounts = await rules(session)
    if question is None or question.overview.pledge.sponsor_id is None:
        return
    worker, sponsored = question.beneficiary, question.overview
    first = repricing_from(context.today(), sponsored.pledge.first_month)
    now, followed = income_prices(pledge.sponsored_worker(worker), sponsored.pledge.program_list, first, discounts,
                                  question.income)
    name = context.services.cipher.decrypt(worker.name_encrypted) if worker.name_encrypted else ""

    def compose(lang: str) -> Reply:  # in the sponsor's language
        t = context.services.texts.t
        shown = mask_name(name) if name else t(lang, "pledges.name_deleted")
        # Above the minimum the amounts are estimates (shared/domain §2: the JKK bracket table was not found).
        return Reply(t(lang, "pledges.income_question", name=shown, id=sponsored.id,
                       income=rupiah(question.income, lang), month=month_name(first, lang),
                       followed=_with_discount(context, lang, followed), minimum=_with_discount(context, lang, now))
                     + "\n" + t(lang, "quote.estimate_note"),
                     rows([Button(t(lang, "pledges.income_follow_button", amount=rupiah(followed.amount, lang)),
                                  f"j:inc:{worker.id}:f:{question.income}"),
                           Button(t(lang, "pledges.income_keep_button", amount=rupiah(now.amount, lang)),
                                  f"j:inc:{worker.id}:m:{question.income}")], 1))

    await notify_user_with(context, sponsored.pledge.sponsor_id, compose)


async def income_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _, _, worker_id, choice, income = query.data.split(":")
    user_id = update.effective_user.id
    try:
        async with context.services.db.transaction() as session:
            discounts = await rules(session)
            worker, changed = await pledge_workers.choose_income(session, int(worker_id), user_id, CHOICES[choice],
                                                                 int(income), context.today(), discounts)
            seen = await pledge.overview(session, await session.get(pledge.Pledge, worker.pledge_id))
    except PledgeError as error:
        if error.code == "not_yours":
            log.warning("%s pressed an income button for a worker who is not theirs", user_ref(user_id))
        key = "pledges.error_income_changed" if error.code == "changed" else f"pledges.error_{error.code}"
        await query.answer(context.t(key), show_alert=True)
        return
    await query.answer()
    # What the sponsor now pays a month for this worker, and what the declared income would cost
    covered, declared = income_prices(pledge.sponsored_worker(worker), seen.pledge.program_list,
                                      repricing_from(context.today(), seen.pledge.first_month), discounts, int(income))
    name = context.services.cipher.decrypt(worker.name_encrypted) if worker.name_encrypted else ""
    shown = mask_name(name) if name else context.t("pledges.name_deleted")
    amount = rupiah(covered.amount, context.lang)
    text = context.t("pledges.income_followed", name=shown, amount=amount, months=changed, id=seen.id,
                     outstanding=rupiah(seen.outstanding, context.lang)) if choice == "f" \
        else context.t("pledges.income_kept", name=shown, amount=amount)
    message = replies.pressed_message(query)
    if message is not None:
        await replies.edit(message, Reply(text, ()))
    else:
        await replies.send(context, update.effective_chat.id, Reply(text, ()))
    if worker.worker_user_id is not None:  # the worker hears what their sponsor covers, and on which income
        key = "pledges.income_worker_followed" if choice == "f" else "pledges.income_worker_minimum"
        await notify_user(context, worker.worker_user_id, key, id=seen.id,
                          income=lambda lang: rupiah(int(income), lang),
                          amount=lambda lang: rupiah(covered.amount, lang),
                          declared=lambda lang: rupiah(declared.amount, lang))


def register(app: BotApplication) -> None:
    app.add_handler(CallbackQueryHandler(income_chosen, pattern=r"^j:inc:\d{1,9}:[fm]:\d{1,9}$"))

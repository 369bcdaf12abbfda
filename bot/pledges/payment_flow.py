"""Recording a payment a sponsor made through the official channels (JMO/SERTAKAN, bank, e-wallet), without
Telegram: amount, date, reference, then a confirmation. The bot records what was paid; it never takes money.

Values: {"pledge_id": 7, "suggested": [8400, 16800], "open": [[month id, "2026-11-01", due, paid], ..],
         "amount": 16800, "paid_on": "2026-11-20", "reference": ".."}
"open" (the pledge's unpaid months when the flow began) lets the flow say where an amount goes before it is recorded
(bot/pledges/payments.py decides, the same rule the table applies): an amount that leaves a month part-paid is said
aloud ("Rp5.000 masuk ke Januari; sisa Januari Rp28.600"), and one above everything still due is refused with the
amount that settles it all.
Callback data: `y:amt:<rupiah>`, `y:day:0|1` (today, yesterday), `y:ref:none`, `y:ok`, `y:back`, `y:cancel`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from bot.core.conversation import ConversationFlow, Values
from bot.core.formatting import day_text, month_name, rupiah
from bot.core.identity import parse_calendar_date
from bot.core.money import parse_rupiah
from bot.core.replies import Button, Reply, rows
from bot.pledges.payments import UnpaidMonth, allocate_payment
from bot.pledges.rules import PledgeError

FLOW = "payment"
STEPS = ("amount", "paid_on", "reference")
OLDEST_PAYMENT = timedelta(days=366)
MAX_REFERENCE = 64


def suggested_amounts(next_month_remaining: int | None, outstanding: int) -> list[int]:
    """The amounts offered as buttons: what settles the next open month, then everything outstanding."""
    suggested = [next_month_remaining] if next_month_remaining is not None else []
    if outstanding not in suggested:
        suggested.append(outstanding)
    return [amount for amount in suggested if amount > 0]


def next_step(values: Values) -> str:
    for step in STEPS:
        if step not in values:
            return step
    return "confirm"


def clean_reference(text: str) -> str | None:
    """A transfer or receipt number as typed: printable characters only, at most 64."""
    # Line breaks and tabs separate words; other control and invisible characters are dropped.
    text = "".join(" " if ch in "\n\r\t\v\f" else ch for ch in text if ch in "\n\r\t\v\f"
                   or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_REFERENCE] if text else None


class PaymentFlow(ConversationFlow, name=FLOW, texts="payment", prefix="y", steps=next_step):
    choice_steps = {"amt": "amount", "day": "paid_on", "ref": "reference"}

    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        nav = self.navigation(lang)
        if step == "amount":
            choices = [Button(rupiah(a, lang), f"y:amt:{a}") for a in values.get("suggested", [])]
            return Reply(self.t(lang, "ask_amount", id=values["pledge_id"]),
                         rows(choices, 2) + rows([Button(self.t(lang, "cancel"), "y:cancel")], 1))
        if step == "paid_on":
            choices = [Button(self.t(lang, "today"), "y:day:0"), Button(self.t(lang, "yesterday"), "y:day:1")]
            return Reply(self.t(lang, "ask_date"), rows(choices, 2) + nav)
        if step == "reference":
            return Reply(self.t(lang, "ask_reference"), rows([Button(self.t(lang, "no_reference"), "y:ref:none")], 1)
                         + nav)
        return self.confirmation(values, lang)

    def confirmation(self, values: Values, lang: str) -> Reply:
        paid_on = date.fromisoformat(values["paid_on"])
        text = self.t(lang, "confirm_text", id=values["pledge_id"], amount=rupiah(values["amount"], lang),
                      date=day_text(paid_on, lang), reference=values["reference"] or "-")
        where = self.where_it_goes(values, lang)
        if where:
            text += "\n" + where
        return Reply(text, rows([Button(self.t(lang, "confirm"), "y:ok")], 1) + rows(
            [Button(self.t(lang, "back"), "y:back"), Button(self.t(lang, "cancel"), "y:cancel")], 2))

    @staticmethod
    def _unpaid(values: Values) -> list[UnpaidMonth]:
        return [UnpaidMonth(int(m[0]), date.fromisoformat(m[1]), int(m[2]), int(m[3])) for m in values.get("open", [])]

    def where_it_goes(self, values: Values, lang: str) -> str:
        """Which months an amount pays, and what is left of a month it pays only in part; "" when nothing is known
        of the pledge's months."""
        unpaid = {m.id: m for m in self._unpaid(values)}
        try:
            shares = allocate_payment(list(unpaid.values()), int(values["amount"])) if unpaid else []
        except PledgeError:
            return ""
        return self.describe_shares([(unpaid[s.month_id].month, s.applied, unpaid[s.month_id].remaining - s.applied)
                                     for s in shares], lang)

    def describe_shares(self, shares: list[tuple[date, int, int]], lang: str) -> str:
        """(month, amount put on it, what is left of it) for each month a payment pays, said aloud: the months it
        settles, then each one it pays only in part with what remains."""
        settled = [month_name(month, lang) for month, _, left in shares if left <= 0]
        lines = [self.t(lang, "pays_months", months=", ".join(settled))] if settled else []
        lines += [self.t(lang, "pays_part", amount=rupiah(applied, lang), month=month_name(month, lang),
                         left=rupiah(left, lang)) for month, applied, left in shares if left > 0]
        return "\n".join(lines)

    def problem(self, key: str, values: Values, typed: str, lang: str) -> Reply:
        if key == "amount_too_much":  # the amount that settles everything, as the answer to press
            outstanding = sum(m.remaining for m in self._unpaid(values))
            return Reply(self.t(lang, "error_amount_too_much", outstanding=rupiah(outstanding, lang)), rows(
                [Button(rupiah(outstanding, lang), f"y:amt:{outstanding}")], 1)
                + rows([Button(self.t(lang, "cancel"), "y:cancel")], 1))
        return super().problem(key, values, typed, lang)

    def accept_text(self, values: Values, text: str, today: date, lang: str = "id") -> tuple[Values, str | None]:
        step = next_step(values)
        if step == "amount":
            amount = parse_rupiah(text, lang)
            if amount is None:
                return values, "amount_unreadable"
            if amount < 1_000:
                return values, "amount_small"
            unpaid = self._unpaid(values)
            if unpaid and amount > sum(m.remaining for m in unpaid):
                return values, "amount_too_much"
            return {**values, "amount": amount}, None
        if step == "paid_on":
            lowered = text.strip().lower()
            if lowered in ("hari ini", "today"):
                return {**values, "paid_on": today.isoformat()}, None
            if lowered in ("kemarin", "yesterday"):
                return {**values, "paid_on": (today - timedelta(days=1)).isoformat()}, None
            paid_on, reason = parse_calendar_date(text, today)
            if paid_on is None:
                return values, f"date_{reason}"
            if paid_on > today:
                return values, "date_future"
            if today - paid_on > OLDEST_PAYMENT:
                return values, "date_old"
            return {**values, "paid_on": paid_on.isoformat()}, None
        if step == "reference":
            reference = clean_reference(text)
            return ({**values, "reference": reference}, None) if reference else (values, "reference_empty")
        return values, "use_buttons"

    def choose(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        if kind == "amt" and value.isdigit() and int(value) in values.get("suggested", []):
            return {**values, "amount": int(value)}, None
        if kind == "day" and value in ("0", "1"):
            return {**values, "paid_on": (today - timedelta(days=int(value))).isoformat()}, None
        if kind == "ref" and value == "none":
            return {**values, "reference": None}, None
        return values, "stale"

    def back(self, values: Values) -> Values:
        for step in reversed(STEPS):
            if step in values:
                return {k: v for k, v in values.items() if k != step}
        return values

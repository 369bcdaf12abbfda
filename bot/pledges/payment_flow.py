"""Recording a payment a sponsor made through the official channels (JMO/SERTAKAN, bank, e-wallet), without
Telegram: for whom (all the workers, or one), amount, date, reference, then a confirmation. The bot records what
was paid; it never takes money.

Values: {"pledge_id": 7, "suggested": [8400, 16800],
         "open": [[part id, "2026-11-01", due, paid, worker position, worker id], ..],
         "workers": [[worker id, position, "A**** F****"], ..], "for": 0 (all) or a worker id,
         "amount": 16800, "paid_on": "2026-11-20", "reference": ".."}
"open" (each worker's part of the pledge's unpaid months when the flow began) lets the flow say where an amount goes
before it is recorded (bot/pledges/payments.py decides, the same rule the table applies): an amount that leaves a
month part-paid is said aloud ("Rp5.000 masuk ke Januari; sisa Januari Rp28.600"), and one above everything still
due is refused with the amount that settles it all. "workers" (more than one with something due) asks for whom.
Callback data: `y:for:<worker id, 0 for all>`, `y:amt:<rupiah>`, `y:day:0|1` (today, yesterday), `y:ref:none`,
`y:ok`, `y:back`, `y:cancel`.
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
STEPS = ("for", "amount", "paid_on", "reference")
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
        if step == "for" and len(values.get("workers", [])) < 2:
            continue  # one worker with something due: the payment is theirs
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
    choice_steps = {"for": "for", "amt": "amount", "day": "paid_on", "ref": "reference"}

    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        nav = self.navigation(lang)
        if step == "for":
            choices = [Button(self.t(lang, "for_all", amount=rupiah(self._outstanding(values, 0), lang)), "y:for:0")]
            choices += [Button(self.t(lang, "for_worker", number=position, name=name,
                                      amount=rupiah(self._outstanding(values, int(worker)), lang)), f"y:for:{worker}")
                        for worker, position, name in values.get("workers", [])]
            return Reply(self.t(lang, "ask_for", id=values["pledge_id"]),
                         rows(choices, 1) + rows([Button(self.t(lang, "cancel"), "y:cancel")], 1))
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
        chosen = self._worker(values)
        if chosen is not None:
            text += "\n" + self.t(lang, "confirm_for", number=chosen[1], name=chosen[2])
        where = self.where_it_goes(values, lang)
        if where:
            text += "\n" + where
        return Reply(text, rows([Button(self.t(lang, "confirm"), "y:ok")], 1) + rows(
            [Button(self.t(lang, "back"), "y:back"), Button(self.t(lang, "cancel"), "y:cancel")], 2))

    @staticmethod
    def _unpaid(values: Values) -> list[UnpaidMonth]:
        """Each worker's part of the unpaid months, as when the flow began."""
        return [UnpaidMonth(int(m[0]), date.fromisoformat(m[1]), int(m[2]), int(m[3]), *(int(x) for x in m[4:6]))
                for m in values.get("open", [])]

    @staticmethod
    def _worker(values: Values) -> list | None:
        """The chosen worker's [id, position, name], or None for all of them."""
        return next((w for w in values.get("workers", []) if int(w[0]) == int(values.get("for") or 0)), None)

    def _in_scope(self, values: Values, worker: int | None = None) -> list[UnpaidMonth]:
        chosen = int(values.get("for") or 0) if worker is None else worker
        return [m for m in self._unpaid(values) if not chosen or m.worker == chosen]

    def _outstanding(self, values: Values, worker: int | None = None) -> int:
        return sum(m.remaining for m in self._in_scope(values, worker))

    def suggestions(self, values: Values) -> list[int]:
        """What settles the next open month for the chosen workers, then all they still owe."""
        scope = self._in_scope(values)
        first = min((m.month for m in scope if m.remaining > 0), default=None)
        return suggested_amounts(sum(m.remaining for m in scope if m.month == first) if first else None,
                                 sum(m.remaining for m in scope))

    def where_it_goes(self, values: Values, lang: str) -> str:
        """Which months an amount pays, and what is left of a month it pays only in part (of the whole month, or of
        the chosen worker's part); "" when nothing is known of the pledge's months."""
        scope = self._in_scope(values)
        try:
            shares = allocate_payment(scope, int(values["amount"])) if scope else []
        except PledgeError:
            return ""
        month_of = {m.id: m.month for m in scope}
        applied: dict[date, int] = {}
        for share in shares:
            applied[month_of[share.month_id]] = applied.get(month_of[share.month_id], 0) + share.applied
        return self.describe_shares([(month, amount, sum(m.remaining for m in scope if m.month == month) - amount)
                                     for month, amount in sorted(applied.items())], lang)

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
            outstanding = self._outstanding(values)
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
            if self._unpaid(values) and amount > self._outstanding(values):
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
        if kind == "for" and value.isdigit() and (int(value) == 0 or self._worker({**values, "for": int(value)})):
            chosen = {**values, "for": int(value)}
            return {**chosen, "suggested": self.suggestions(chosen)}, None
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

"""The "Hitung iuran" conversation, without Telegram: which step comes next, what each answer means, and the
breakdown at the end. State is a plain dict the caller stores between messages (models.flow).

Callback data: `q:occ:<key>`, `q:inc:<rupiah>`, `q:jht:1|0`, `q:mon:<n>`, `q:back`, `q:cancel`, `q:again`.
"""

from __future__ import annotations

from datetime import date

from bot.contributions import occupations
from bot.contributions.rules import JHT, JKK, JKM, MAXIMUM_INCOME, MINIMUM_INCOME, Discount, quote, typed_income_problem
from bot.contributions.wages import deductions
from bot.core.conversation import ConversationFlow, Values
from bot.core.formatting import month_name, rupiah
from bot.core.money import APPROXIMATE, RANGE, IncomeReading, m_is_ambiguous, parse_income
from bot.core.replies import Button, Reply, rows

FLOW = "quote"
STEPS = ("occupation", "income", "jht", "months")
MONTH_CHOICES = (1, 3, 6, 12)
INCOME_CHOICES = (1_000_000, 1_500_000, 2_000_000, 3_000_000)
READING = "income_reading"  # how a typed income was read, when it was not one exact figure (IncomeReading)
# Error keys whose texts are in the "amounts" block of the catalogs.
AMOUNT_ERRORS = frozenset({"income_m_unclear"})

def next_step(values: Values) -> str | None:
    steps = STEPS[:2] if values.get("pu") else STEPS
    for step in steps:
        if step not in values:
            return step
    return None


def previous_values(values: Values) -> Values:
    """The answers without the last one given (the 'back' button)."""
    answered = [s for s in STEPS if s in values]
    if not answered:
        return values
    trimmed = {k: v for k, v in values.items() if k != answered[-1]}
    if answered[-1] == "income":
        trimmed.pop(READING, None)
    if answered[-1] == "occupation":
        trimmed.pop("transport", None)
        trimmed.pop("pu", None)
    return trimmed


class QuoteFlow(ConversationFlow, name=FLOW, texts="quote", prefix="q", steps=next_step):
    choice_steps = {"occ": "occupation", "inc": "income", "jht": "jht", "mon": "months"}

    def back(self, values: Values) -> Values:
        return previous_values(values)

    # ------------------------------------------------------------------ questions
    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        nav = self.navigation(lang)
        cancel_only = rows([Button(self.t(lang, "cancel"), "q:cancel")], 1)
        if step == "occupation":
            choices = [Button(o.label_id if lang == "id" else o.label_en, f"q:occ:{o.key}")
                       for o in occupations.OCCUPATIONS]
            choices.append(Button(self.t(lang, "wage_earner"), f"q:occ:{occupations.PU_KEY}"))
            intro = ""
            if "income" in values:
                reading = IncomeReading.from_values(values.get(READING))
                intro = (self.income_note(reading, lang) if reading else
                         self.t(lang, "income_noted", income=rupiah(values["income"], lang))) + "\n"
            return Reply(intro + self.t(lang, "ask_occupation"), rows(choices, 2) + cancel_only)
        if step == "income":
            choices = [Button(rupiah(v, lang), f"q:inc:{v}") for v in INCOME_CHOICES]
            key = "ask_wage" if values.get("pu") else "ask_income"
            return Reply(self.t(lang, key), rows(choices, 2) + nav)
        if step == "jht":
            choices = [Button(self.t(lang, "jht_yes"), "q:jht:1"), Button(self.t(lang, "jht_no"), "q:jht:0")]
            return Reply(self.t(lang, "ask_jht"), rows(choices, 2) + nav)
        choices = [Button(self.t(lang, "months_option", months=m), f"q:mon:{m}") for m in MONTH_CHOICES]
        return Reply(self.t(lang, "ask_months"), rows(choices, 2) + nav)

    # ------------------------------------------------------------------ answers
    def accept_text(self, values: Values, text: str, today: date, lang: str = "id") -> tuple[Values, str | None]:
        """Apply typed text to the current step; returns the new values and an error key (values unchanged on error)."""
        step = next_step(values)
        if step == "occupation":
            description = occupations.clean_description(text)
            if description is None:
                return values, "bad_occupation"
            return {**values, "occupation": description, "transport": occupations.is_transport(description)}, None
        if step == "income":
            reading = parse_income(text, lang)
            if reading is None:
                # "1,5m" in Indonesian: million or miliar? Ask rather than guess.
                return values, "income_m_unclear" if lang != "en" and m_is_ambiguous(text) else "bad_income"
            return self.with_income(values, reading)
        return values, "use_buttons"

    def choose(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        if kind == "occ":
            if value == occupations.PU_KEY:
                return {**values, "occupation": value, "pu": True, "transport": False}, None
            occupation = occupations.BY_KEY.get(value)
            if occupation is None:
                return values, "stale"
            return {**values, "occupation": occupation.key, "transport": occupation.transport}, None
        if kind == "inc":
            return self._income(values, int(value)) if value.isdigit() else (values, "stale")
        if kind == "jht":
            return ({**values, "jht": value == "1"}, None) if value in ("0", "1") else (values, "stale")
        if value.isdigit() and int(value) in MONTH_CHOICES:
            return {**values, "months": int(value)}, None
        return values, "stale"

    @staticmethod
    def _income(values: Values, amount: int) -> tuple[Values, str | None]:
        problem = typed_income_problem(amount)
        if problem:
            return values, problem
        return {**{k: v for k, v in values.items() if k != READING}, "income": amount}, None

    @classmethod
    def with_income(cls, values: Values, reading: IncomeReading) -> tuple[Values, str | None]:
        """The answers with an income read from text: a range is priced at its lowest figure (never more than the
        user said) and the reading is kept, so the result can say how the figure was chosen."""
        problem = typed_income_problem(reading.low) or (typed_income_problem(reading.high)
                                                         if reading.kind == RANGE else None)
        if problem:
            return values, problem
        updated, _ = cls._income(values, reading.amount)
        if reading.kind in (APPROXIMATE, RANGE):
            updated[READING] = reading.as_values()
        return updated, None

    def income_note(self, reading: IncomeReading, lang: str) -> str:
        """How a range or an approximate income was read, said aloud, with the minimum income the BPU contribution
        is counted on when that matters for a range."""
        amounts = lambda key, **values: self.texts.t(lang, f"amounts.{key}", **values)  # noqa: E731
        amount, minimum = rupiah(reading.amount, lang), rupiah(MINIMUM_INCOME, lang)
        if reading.kind != RANGE:
            return amounts("read_approximate", amount=amount)
        note = amounts("read_range", amount=amount, low=rupiah(reading.low, lang), high=rupiah(reading.high, lang))
        if reading.high <= MINIMUM_INCOME:
            bracket = amounts("range_below_minimum", minimum=minimum)
        elif reading.low < MINIMUM_INCOME:
            bracket = amounts("range_across_minimum", minimum=minimum, high=rupiah(reading.high, lang))
        else:
            bracket = amounts("range_above_minimum", minimum=minimum, high=rupiah(reading.high, lang))
        return f"{note} {bracket}"

    def error(self, key: str, lang: str) -> str:
        if key in AMOUNT_ERRORS:
            return self.texts.t(lang, f"amounts.error_{key}")
        return self.t(lang, f"error_{key}", minimum=rupiah(MINIMUM_INCOME, lang),
                      maximum=rupiah(MAXIMUM_INCOME, lang))

    # ------------------------------------------------------------------ the answer
    def result(self, values: Values, discounts: list[Discount], this_month: date, lang: str) -> Reply:
        if values.get("pu"):
            return self._wage_earner(values, this_month, lang)
        programs = (JKK, JKM, JHT) if values.get("jht") else (JKK, JKM)
        result = quote(income=values["income"], programs=programs, first_month=this_month,
                       months=values["months"], transport=values.get("transport", False), discounts=discounts)
        first = result.months[0]
        lines = [self.t(lang, "result_title", income=rupiah(result.income, lang))]
        reading = IncomeReading.from_values(values.get(READING))
        if reading is not None:
            lines.append(self.income_note(reading, lang))
        if result.clamped and (reading is None or reading.kind != RANGE):  # a range's note says it already
            lines.append(self.t(lang, "clamped", declared=rupiah(result.declared_income, lang),
                                minimum=rupiah(MINIMUM_INCOME, lang)))
        labels = {JKK: "line_jkk", JKM: "line_jkm", JHT: "line_jht"}
        lines += [self.t(lang, labels[p], amount=rupiah(first.parts[p], lang)) for p in result.programs]
        if first.discount:
            lines.append(self.t(lang, "line_discount", name=first.discount_name, amount=rupiah(-first.discount, lang),
                                until=month_name(first.discount_last_month, lang)))
        lines.append(self.t(lang, "line_month", month=month_name(first.month, lang), amount=rupiah(first.due, lang)))
        if result.months[-1].due != first.due:
            changed = next(m for m in result.months if m.due != first.due)
            lines.append(self.t(lang, "line_changes", month=month_name(changed.month, lang),
                                amount=rupiah(changed.due, lang)))
        if len(result.months) > 1:
            lines.append(self.t(lang, "line_total", months=len(result.months),
                                first=month_name(first.month, lang),
                                last=month_name(result.months[-1].month, lang), amount=rupiah(result.total, lang)))
        occupation = occupations.BY_KEY.get(values.get("occupation", ""))
        # Button labels start with an emoji; the sentence uses the words only.
        shown = (occupation.label_id if lang == "id" else occupation.label_en).split(" ", 1)[1] if occupation \
            else values.get("occupation", "")
        lines.append(self.t(lang, "transport_note" if values.get("transport") else "other_note", occupation=shown))
        if result.income > MINIMUM_INCOME:
            lines.append(self.t(lang, "estimate_note"))
        lines.append(self.t(lang, "not_for_informal"))
        lines.append(self.t(lang, "where_to_pay"))
        return Reply("\n".join(lines), self._after_buttons(lang))

    def _wage_earner(self, values: Values, this_month: date, lang: str) -> Reply:
        split = deductions(values["income"], this_month)
        r = lambda amount: rupiah(amount, lang)  # noqa: E731 - short local formatter
        text = self.t(lang, "pu_result", wage=r(split.wage), jht=r(split.worker["jht"]), jp=r(split.worker["jp"]),
                      worker_total=r(split.worker_total), employer_jkk_min=r(split.employer["jkk_min"]),
                      employer_jkk_max=r(split.employer["jkk_max"]), employer_jkm=r(split.employer["jkm"]),
                      employer_jht=r(split.employer["jht"]), employer_jp=r(split.employer["jp"]),
                      cap=r(split.cap.amount), cap_year=split.cap.applies_from.year)
        return Reply(text, rows([Button(self.t(lang, "again"), "q:again"),
                                 Button(self.texts.t(lang, "menu.back"), "m:home")], 2))

    def _after_buttons(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        return rows([Button(self.texts.t(lang, "menu.reminders"), "a:reminders"),
                     Button(self.texts.t(lang, "menu.sponsor"), "a:sponsor"),
                     Button(self.t(lang, "about_jp"), "t:jp"), Button(self.t(lang, "about_jkp"), "t:jkp"),
                     Button(self.t(lang, "again"), "q:again"),
                     Button(self.texts.t(lang, "menu.back"), "m:home")], 2)


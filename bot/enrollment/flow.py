"""The worker's enrollment conversation ("Daftar sebagai pekerja"), without Telegram.

Steps: name, NIK, date of birth (must agree with the NIK), phone, occupation, province, regency, income,
programs, consent, then a review (every answer in full: the worker checks what they typed, in their own private chat,
before it goes to the branch office; the monthly contribution) where any one field can be corrected without
starting over. Values are a plain dict the caller stores sealed (models.flow, encrypted: it holds a NIK).

Callback data: `e:occ:<key>`, `e:prov:<code>`, `e:prog:min|jht`, `e:consent:yes|no`, `e:edit:<step>`,
`e:back`, `e:cancel`, `e:submit`.
"""

from __future__ import annotations

from datetime import date

from bot.contributions import occupations
from bot.contributions.rules import JHT, JKK, JKM, MINIMUM_INCOME, Discount, quote, typed_income_problem
from bot.core.conversation import ConversationFlow, Values
from bot.core.formatting import long_date, month_name, rupiah
from bot.core.identity import (
    PROVINCE_CODES,
    check_name,
    check_nik,
    check_phone,
    parse_birth_date,
)
from bot.core.money import parse_rupiah
from bot.core.replies import Button, Reply, rows

FLOW = "enroll"
STEPS = ("name", "nik", "birth_date", "phone", "occupation", "province", "regency", "income", "programs",
         "consent")
EDITABLE = STEPS[:-1]
KALIMANTAN = ("63", "64", "62", "61", "65")  # offered first, as buttons

def _forget(values: Values, step: str) -> Values:
    trimmed = {k: v for k, v in values.items() if k != step}
    if step == "nik":
        trimmed.pop("nik_birth_date", None)
    if step == "occupation":
        trimmed.pop("transport", None)
    return trimmed


def next_step(values: Values) -> str:
    for step in STEPS:
        if step not in values:
            return step
    return "review"


class EnrollmentFlow(ConversationFlow, name=FLOW, texts="enroll", prefix="e", steps=next_step):
    choice_steps = {"occ": "occupation", "prov": "province", "prog": "programs", "consent": "consent"}

    # ------------------------------------------------------------------ questions
    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        nav = self.navigation(lang)
        if step == "occupation":
            choices = [Button(o.label_id if lang == "id" else o.label_en, f"e:occ:{o.key}")
                       for o in occupations.OCCUPATIONS]
            return Reply(self.t(lang, "ask_occupation"), rows(choices, 2) + nav)
        if step == "province":
            choices = [Button(PROVINCE_CODES[code], f"e:prov:{code}") for code in KALIMANTAN]
            return Reply(self.t(lang, "ask_province"), rows(choices, 2) + nav)
        if step == "programs":
            choices = [Button(self.t(lang, "programs_min"), "e:prog:min"),
                       Button(self.t(lang, "programs_jht"), "e:prog:jht")]
            return Reply(self.t(lang, "ask_programs"), rows(choices, 1) + nav)
        if step == "consent":
            choices = [Button(self.t(lang, "consent_yes"), "e:consent:yes"),
                       Button(self.t(lang, "consent_no"), "e:consent:no")]
            return Reply(self.t(lang, "ask_consent"), rows(choices, 1) + nav)
        return Reply(self.t(lang, f"ask_{step}"), nav)

    # ------------------------------------------------------------------ answers
    def accept_text(self, values: Values, text: str, today: date, lang: str = "id") -> tuple[Values, str | None]:
        """Apply typed text to the current step; on error the values are returned unchanged with a reason key."""
        step = next_step(values)
        text = (text or "").strip()
        if step == "name":
            name, reason = check_name(text)
            return ({**values, "name": name}, None) if name else (values, f"name_{reason}")
        if step == "nik":
            info, reason = check_nik(text, today)
            if info is None:
                return values, f"nik_{reason}"
            updated = {**values, "nik": info.nik, "nik_birth_date": info.birth_date.isoformat()}
            if "birth_date" in values and values["birth_date"] != updated["nik_birth_date"]:
                updated.pop("birth_date")  # the NIK changed: ask the date of birth again
            return updated, None
        if step == "birth_date":
            born, reason = parse_birth_date(text, today)
            if born is None:
                return values, f"birth_{reason}"
            if values.get("nik_birth_date") and born.isoformat() != values["nik_birth_date"]:
                return values, "birth_nik_mismatch"
            return {**values, "birth_date": born.isoformat()}, None
        if step == "phone":
            phone, reason = check_phone(text)
            return ({**values, "phone": phone}, None) if phone else (values, f"phone_{reason}")
        if step == "occupation":
            description = occupations.clean_description(text)
            if description is None:
                return values, "occupation_words"
            return {**values, "occupation": description, "transport": occupations.is_transport(description)}, None
        if step == "province":
            matched = [name for name in PROVINCE_CODES.values() if name.lower() == text.lower()]
            return ({**values, "province": matched[0]}, None) if matched else (values, "province_unknown")
        if step == "regency":
            regency = " ".join(text.split())
            if not 3 <= len(regency) <= 64 or sum(ch.isalpha() for ch in regency) < 3:
                return values, "regency_words"
            return {**values, "regency": regency.title()}, None
        if step == "income":
            amount = parse_rupiah(text, lang)
            if amount is None:
                return values, "income_unreadable"
            problem = typed_income_problem(amount)
            if problem:  # zero or less reads as unclear here: the worker is asked again either way
                return values, "income_too_high" if problem == "income_too_high" else "income_unclear"
            return {**values, "income": amount}, None
        return values, "use_buttons"

    def choose(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        if kind == "occ" and value in occupations.BY_KEY:
            occupation = occupations.BY_KEY[value]
            return {**values, "occupation": occupation.key, "transport": occupation.transport}, None
        if kind == "prov" and value in PROVINCE_CODES:
            return {**values, "province": PROVINCE_CODES[value]}, None
        if kind == "prog" and value in ("min", "jht"):
            return {**values, "programs": [JKK, JKM, JHT] if value == "jht" else [JKK, JKM]}, None
        if kind == "consent" and value in ("yes", "no"):
            return ({**values, "consent": True}, None) if value == "yes" else (values, "declined")
        return values, "stale"

    def edit(self, values: Values, step: str) -> Values:
        """Forget one answer so that it is asked again; everything else stays."""
        if step not in EDITABLE or step in values.get("locked", ()):
            return values
        return _forget(values, step)

    def back(self, values: Values) -> Values:
        """'Back': forget the answer before the current question (answers set by a sponsor stay)."""
        current = next_step(values)
        earlier = STEPS[: STEPS.index(current)] if current in STEPS else STEPS
        for step in reversed(earlier):
            if step in values and step not in values.get("locked", ()):
                return _forget(values, step)
        return values

    # ------------------------------------------------------------------ review
    def review(self, values: Values, discounts: list[Discount], this_month: date, lang: str,
               sponsor: str | None = None) -> Reply:
        programs = tuple(values["programs"])
        monthly = quote(income=values["income"], programs=programs, first_month=this_month,
                        transport=values.get("transport", False), discounts=discounts).months[0]
        occupation = occupations.BY_KEY.get(values["occupation"])
        shown_occupation = (occupation.label_id if lang == "id" else occupation.label_en).split(" ", 1)[1] \
            if occupation else values["occupation"]
        text = self.t(lang, "review", name=values["name"], nik=values["nik"],
                      # said in words: "5-8-90" was read as 1990, and the worker sees that it was
                      birth=long_date(date.fromisoformat(values["birth_date"]), lang),
                      phone=values["phone"], occupation=shown_occupation,
                      region=f"{values['regency']}, {values['province']}", income=rupiah(values["income"], lang),
                      programs="+".join(p.upper() for p in programs), amount=rupiah(monthly.due, lang),
                      month=month_name(this_month, lang))
        if values["income"] < MINIMUM_INCOME:  # kept as declared; the contribution is counted on the minimum
            text += "\n" + self.t(lang, "review_below_minimum", minimum=rupiah(MINIMUM_INCOME, lang))
        if sponsor is not None:
            text += "\n" + self.t(lang, "review_sponsor", sponsor=sponsor)
        locked = values.get("locked", ())
        edits = [Button(self.t(lang, f"edit_{step}"), f"e:edit:{step}") for step in EDITABLE if step not in locked]
        return Reply(text, rows([Button(self.t(lang, "submit"), "e:submit")], 1) + rows(edits, 3)
                     + rows([Button(self.t(lang, "cancel"), "e:cancel")], 1))

"""The worker's enrollment conversation ("Daftar sebagai pekerja"), without Telegram.

Steps: name, NIK, date of birth (must agree with the NIK), phone, occupation, province, regency, income,
programs, consent, then a review (every answer in full: the worker checks what they typed, in their own private chat,
before it goes to the branch office; the monthly contribution) where any one field can be corrected without
starting over. Values are a plain dict the caller stores sealed (models.flow, encrypted: it holds a NIK).

Places come from the Kemendagri code list (bot/core/regions.py) and are kept as names and codes ("province",
"province_code", "regency", "regency_code"). The NIK names where it was issued: the province question first offers
that place ("Kota Banjarmasin, Kalimantan Selatan?"); short names (kalsel, bjm, hss), typos and a regency typed for
the province are read; a regency of another province is refused, naming where it is, with the nearest as buttons.

Callback data: `e:occ:<key>`, `e:reg:nik|other` (the NIK's place or another), `e:prov:<code>`, `e:regc:<4 digits>`,
`e:prog:min|jht`, `e:consent:yes|no`, `e:share:yes|no` (a sponsored worker lets the sponsor see their NIK and KPJ
number, to pay for them in JMO), `e:edit:<step>`, `e:back`, `e:cancel`, `e:submit`.
"""

from __future__ import annotations

from datetime import date

from bot.contributions import occupations
from bot.contributions.rules import JHT, JKK, JKM, MINIMUM_INCOME, Discount, quote, typed_income_problem
from bot.core import regions
from bot.core.conversation import ConversationFlow, Values
from bot.core.formatting import long_date, month_name, rupiah
from bot.core.identity import (
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
REGENCY_BUTTONS_UP_TO = 16  # a province with at most this many regencies and cities offers them all as buttons
# What else an answer brings, forgotten with it: a regency belongs to its province.
_BROUGHT = {"nik": ("nik_birth_date", "nik_region"), "occupation": ("transport",),
            "province": ("province_code", "regency", "regency_code"), "regency": ("regency_code",)}


def _forget(values: Values, step: str) -> Values:
    return {k: v for k, v in values.items() if k != step and k not in _BROUGHT.get(step, ())}


def _with_province(values: Values, province: regions.Province) -> Values:
    """The province chosen; a regency already given stays only if it lies in it."""
    updated = {**values, "province": province.name, "province_code": province.code}
    if values.get("regency_code", "")[:2] != province.code:
        updated = {k: v for k, v in updated.items() if k not in ("regency", "regency_code")}
    return updated


def _with_regency(values: Values, regency: regions.Regency) -> Values:
    """The regency chosen, with its province (a button may move both)."""
    province = regions.province_by_code(regency.province_code)
    assert province is not None
    return {**values, "province": province.name, "province_code": province.code, "regency": regency.name,
            "regency_code": regency.code}


def _regency_label(regency: regions.Regency) -> str:
    """A button: "Kota Banjarmasin", "Banjar" (a kabupaten is named without the word)."""
    return regency.short_name if regency.kind == "kabupaten" else regency.name


def _regency_data(regency: regions.Regency) -> str:
    return f"e:regc:{regency.code.replace('.', '')}"


def next_step(values: Values) -> str:
    for step in STEPS:
        if step not in values:
            return step
    if "pledge_id" in values and "share" not in values:  # enrolling through a sponsor's invitation
        return "share"
    return "review"


class EnrollmentFlow(ConversationFlow, name=FLOW, texts="enroll", prefix="e", steps=next_step):
    choice_steps = {"occ": "occupation", "reg": "province", "prov": "province", "regc": "regency",
                    "prog": "programs", "consent": "consent", "share": "share"}

    # ------------------------------------------------------------------ questions
    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        nav = self.navigation(lang)
        if step == "occupation":
            choices = [Button(o.label_id if lang == "id" else o.label_en, f"e:occ:{o.key}")
                       for o in occupations.OCCUPATIONS]
            return Reply(self.t(lang, "ask_occupation"), rows(choices, 2) + nav)
        if step == "province":
            issued = regions.regency_by_code(values.get("nik_region", ""))
            if issued is not None and not values.get("region_asked"):
                province = regions.province_by_code(issued.province_code)
                place = f"{issued.name}, {province.name if province else ''}"
                return Reply(self.t(lang, "ask_region_from_nik", place=place), rows([
                    Button(self.t(lang, "region_from_nik_yes", place=issued.name), "e:reg:nik"),
                    Button(self.t(lang, "region_other"), "e:reg:other")], 1) + nav)
            choices = [Button(p.name, f"e:prov:{p.code}") for p in regions.provinces()[:5]]  # Kalimantan first
            return Reply(self.t(lang, "ask_province"), rows(choices, 2) + nav)
        if step == "regency":
            places = regions.regencies_of(values.get("province_code", ""))
            choices = [Button(_regency_label(r), _regency_data(r)) for r in places] \
                if len(places) <= REGENCY_BUTTONS_UP_TO else []
            return Reply(self.t(lang, "ask_regency_in", province=values["province"]), rows(choices, 2) + nav)
        if step == "programs":
            choices = [Button(self.t(lang, "programs_min"), "e:prog:min"),
                       Button(self.t(lang, "programs_jht"), "e:prog:jht")]
            return Reply(self.t(lang, "ask_programs"), rows(choices, 1) + nav)
        if step == "consent":
            choices = [Button(self.t(lang, "consent_yes"), "e:consent:yes"),
                       Button(self.t(lang, "consent_no"), "e:consent:no")]
            return Reply(self.t(lang, "ask_consent"), rows(choices, 1) + nav)
        if step == "share":
            choices = [Button(self.t(lang, "share_yes"), "e:share:yes"), Button(self.t(lang, "share_no"), "e:share:no")]
            return Reply(self.t(lang, "ask_share"), rows(choices, 1) + nav)
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
            issued = regions.from_nik(info.nik)
            updated.pop("nik_region", None)
            if issued is not None and issued[1] is not None:
                updated["nik_region"] = issued[1].code
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
            found = regions.find_province(text)
            if found.sure:
                return _with_province({**values, "region_asked": True}, found.match), None
            regency = self._regency_named(text)  # "banjarmasin" typed for the province: both are known
            if regency is not None:
                return _with_regency({**values, "region_asked": True}, regency), None
            if found.match is not None:
                return values, "province_did_you_mean"
            return values, "province_unknown" if sum(ch.isalpha() for ch in text) >= 2 else "province_words"
        if step == "regency":
            code = values.get("province_code")
            if not code:  # an answer kept from before places had codes: the province is asked again
                return _forget(values, "province"), None
            found = regions.find_regency(text, code)
            if found.sure:
                return _with_regency(values, found.match), None
            if found.match is not None:
                return values, "regency_did_you_mean"
            if found.elsewhere:
                return values, "regency_elsewhere"
            if regions.find_province(text).sure:
                return values, "regency_is_province"
            return values, "regency_unknown" if sum(ch.isalpha() for ch in text) >= 2 else "regency_words"
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
        if kind == "reg" and value in ("nik", "other"):
            issued = regions.regency_by_code(values.get("nik_region", ""))
            if value == "other" or issued is None:
                return {**values, "region_asked": True}, None
            return _with_regency({**values, "region_asked": True}, issued), None
        if kind == "prov" and (province := regions.province_by_code(value)) is not None:
            return _with_province({**values, "region_asked": True}, province), None
        if kind == "regc" and len(value) == 4 and (regency := regions.regency_by_code(value)) is not None:
            return _with_regency(values, regency), None
        if kind == "prog" and value in ("min", "jht"):
            return {**values, "programs": [JKK, JKM, JHT] if value == "jht" else [JKK, JKM]}, None
        if kind == "share" and value in ("yes", "no"):
            return {**values, "share": value == "yes"}, None
        if kind == "consent" and value in ("yes", "no"):
            return ({**values, "consent": True}, None) if value == "yes" else (values, "declined")
        return values, "stale"

    @staticmethod
    def _regency_named(text: str) -> regions.Regency | None:
        """The one regency or city anywhere with exactly this name or short name, if only one has it."""
        found = regions.find_regency(text, None)
        unique = found.sure and not [r for r in found.suggestions if r.short_name == found.match.short_name]
        return found.match if unique else None

    def problem(self, key: str, values: Values, typed: str, lang: str) -> Reply:
        """Places refused get the likely answers as buttons: the nearest names, or the place in its own province."""
        nav = self.navigation(lang)
        if key in ("province_did_you_mean", "province_unknown", "province_words"):
            found = regions.find_province(typed)
            options = found.suggestions or regions.provinces()[:5]
            choices = [Button(p.name, f"e:prov:{p.code}") for p in options]
            return Reply(self.error(key, lang), rows(choices, 2) + nav)
        if key.startswith("regency_"):
            code = values.get("province_code", "")
            province = values.get("province", "")
            found = regions.find_regency(typed, code) if code else regions.MatchResult()
            if key == "regency_elsewhere" and found.elsewhere:
                there = found.elsewhere[0]
                its_province = regions.province_by_code(there.province_code)
                text = self.t(lang, "error_regency_elsewhere", regency=there.name,
                              elsewhere=its_province.name if its_province else "", province=province)
                choices = [Button(self.t(lang, "regency_move", regency=there.name), _regency_data(there))]
                choices += [Button(_regency_label(r), _regency_data(r)) for r in found.suggestions]
                return Reply(text, rows(choices, 1) + nav)
            every = regions.regencies_of(code)
            options = found.suggestions if key != "regency_is_province" and found.suggestions else \
                every if len(every) <= REGENCY_BUTTONS_UP_TO else ()
            choices = [Button(_regency_label(r), _regency_data(r)) for r in options]
            return Reply(self.t(lang, f"error_{key}", province=province), rows(choices, 2) + nav)
        return super().problem(key, values, typed, lang)

    def edit(self, values: Values, step: str) -> Values:
        """Forget one answer so that it is asked again; everything else stays."""
        if step == "share" and "pledge_id" in values:
            return _forget(values, step)
        if step not in EDITABLE or step in values.get("locked", ()):
            return values
        forgotten = _forget(values, step)
        return {**forgotten, "region_asked": True} if step == "province" else forgotten

    def back(self, values: Values) -> Values:
        """'Back': forget the answer before the current question (answers set by a sponsor stay)."""
        current = next_step(values)
        if current == "review" and "share" in values:
            return _forget(values, "share")
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
        income = rupiah(values["income"], lang)
        if values["income"] < MINIMUM_INCOME:  # kept as declared; the contribution is counted on the minimum
            income = self.t(lang, "review_below_minimum", declared=income, minimum=rupiah(MINIMUM_INCOME, lang))
        text = self.t(lang, "review", name=values["name"], nik=values["nik"],
                      # said in words: "5-8-90" was read as 1990, and the worker sees that it was
                      birth=long_date(date.fromisoformat(values["birth_date"]), lang),
                      phone=values["phone"], occupation=shown_occupation,
                      region=f"{values['regency']}, {values['province']}", income=income,
                      programs="+".join(p.upper() for p in programs), amount=rupiah(monthly.due, lang),
                      month=month_name(this_month, lang))
        if sponsor is not None:
            text += "\n" + self.t(lang, "review_sponsor", sponsor=sponsor)
            text += "\n" + self.t(lang, "review_share_yes" if values.get("share") else "review_share_no")
            if values["income"] > MINIMUM_INCOME:  # the sponsor is asked whether to pay on it (handlers/pledge_income)
                text += "\n" + self.t(lang, "review_sponsor_income", minimum=rupiah(MINIMUM_INCOME, lang))
        locked = values.get("locked", ())
        edits = [Button(self.t(lang, f"edit_{step}"), f"e:edit:{step}") for step in EDITABLE if step not in locked]
        if "pledge_id" in values:
            edits.append(Button(self.t(lang, "edit_share"), "e:edit:share"))
        return Reply(text, rows([Button(self.t(lang, "submit"), "e:submit")], 1) + rows(edits, 3)
                     + rows([Button(self.t(lang, "cancel"), "e:cancel")], 1))

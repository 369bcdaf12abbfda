"""The "Jadi sponsor" conversation, without Telegram: how many workers, each worker's name, occupation and phone,
how many months, which programs, then a review priced month by month with the discounts in force.

Values (a dict the caller stores sealed: it holds workers' names and phones):
    {"count": 2, "workers": [{"name": .., "occupation": .., "transport": .., "phone": ..|""}, ..],
     "months": 3, "programs": ["jkk", "jkm"]}

A typed name that reads as a question ("brp iurannya") waits in "name_to_confirm" until the sponsor says it is one.

Callback data: `s:n:<count>`, `s:nm:yes|no` (that text is the name, or not), `s:occ:<key>`, `s:phone:none`,
`s:mon:<n>`, `s:prog:min|jht`, `s:edit:<part>`, `s:back`, `s:cancel`, `s:ok`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.contributions import occupations
from bot.contributions.rules import JHT, JKK, JKM, Discount
from bot.core.conversation import ConversationFlow, Values
from bot.core.formatting import month_name, rupiah
from bot.core.identity import check_name, check_phone, looks_like_question
from bot.core.replies import Button, Reply, rows
from bot.pledges.rules import MAX_WORKERS, MONTH_CHOICES, ONGOING, SUGGESTED_WORKERS, SponsoredWorker, month_amounts

FLOW = "pledge"


@dataclass(frozen=True)
class SponsorOccupation:
    key: str
    label_id: str
    label_en: str


# The jobs the "Lindungi Pekerja Sekitar Anda" drive names (shared/domain §5), then "other" to type one.
SPONSOR_OCCUPATIONS = (
    SponsorOccupation("marbot", "🕌 Marbot", "🕌 Mosque caretaker"),
    SponsorOccupation("penjaga", "🔦 Penjaga malam", "🔦 Night guard"),
    SponsorOccupation("kebersihan", "🧹 Petugas kebersihan", "🧹 Cleaner"),
)
OCCUPATION_NAMES = {"marbot": "Marbot", "penjaga": "Penjaga malam", "kebersihan": "Petugas kebersihan"}
OTHER = "lain"


def worker_step(values: Values) -> tuple[str, int] | None:
    """The next question about a worker as (step, index), or None when every worker is complete."""
    workers = values.get("workers", [])
    for index in range(int(values.get("count", 0))):
        worker = workers[index] if index < len(workers) else {}
        for field, step in (("name", "w_name"), ("occupation", "w_occupation"), ("phone", "w_phone")):
            if field not in worker:
                return step, index
    return None


def next_step(values: Values) -> str:
    if "count" not in values:
        return "count"
    if "name_to_confirm" in values:
        return "w_name_confirm"
    pending = worker_step(values)
    if pending is not None:
        return pending[0]
    for step in ("months", "programs"):
        if step not in values:
            return step
    return "review"


def _set_worker(values: Values, index: int, **fields: Any) -> Values:
    workers = [dict(w) for w in values.get("workers", [])]
    while len(workers) <= index:
        workers.append({})
    workers[index].update(fields)
    return {**values, "workers": workers}


# "Back" walks these in order: ("count",), ("worker", index, field), ("months",), ("programs",).
_WORKER_FIELDS = ("name", "occupation", "phone")


def _answer_slots(values: Values) -> list[tuple]:
    slots: list[tuple] = [("count",)]
    for index in range(int(values.get("count", 0))):
        slots += [("worker", index, field) for field in _WORKER_FIELDS]
    return slots + [("months",), ("programs",), ("review",)]


def _current_slot(values: Values) -> tuple:
    step = next_step(values)
    if step == "w_name_confirm":
        step = "w_name"
    pending = worker_step(values)
    if pending is not None and step.startswith("w_"):
        return ("worker", pending[1], {"w_name": "name", "w_occupation": "occupation", "w_phone": "phone"}[step])
    return (step,)


def _answered(values: Values, slot: tuple) -> bool:
    if slot[0] == "worker":
        workers = values.get("workers", [])
        return slot[1] < len(workers) and slot[2] in workers[slot[1]]
    return slot[0] in values


def _forget_slot(values: Values, slot: tuple) -> Values:
    if slot[0] == "count":
        return {k: v for k, v in values.items() if k not in ("count", "workers")}
    if slot[0] == "worker":
        workers = [dict(w) for w in values.get("workers", [])]
        workers[slot[1]].pop(slot[2], None)
        if slot[2] == "occupation":
            workers[slot[1]].pop("transport", None)
        while workers and not workers[-1]:
            workers.pop()
        return {**values, "workers": workers}
    return {k: v for k, v in values.items() if k != slot[0]}


def sponsored_workers(values: Values) -> list[SponsoredWorker]:
    return [SponsoredWorker(w["occupation"], bool(w.get("transport"))) for w in values["workers"]]


def occupation_label(key_or_text: str) -> str:
    """A stored occupation as people read it: a sponsor's or an enrollment button key, or the typed words."""
    if key_or_text in OCCUPATION_NAMES:
        return OCCUPATION_NAMES[key_or_text]
    known = occupations.BY_KEY.get(key_or_text)
    return known.label_id.split(" ", 1)[1] if known else key_or_text


class SponsorFlow(ConversationFlow, name=FLOW, texts="sponsor", prefix="s", steps=next_step):
    choice_steps = {"n": "count", "nm": "w_name_confirm", "occ": "w_occupation", "phone": "w_phone", "mon": "months",
                    "prog": "programs"}

    # ------------------------------------------------------------------ questions
    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        nav = self.navigation(lang)
        if step == "count":
            choices = [Button(("⭐ " if n == SUGGESTED_WORKERS else "") + str(n), f"s:n:{n}") for n in range(1, 6)]
            return Reply(self.t(lang, "ask_count", most=MAX_WORKERS),
                         rows(choices, 5) + rows([Button(self.t(lang, "cancel"), "s:cancel")], 1))
        if step == "months":
            choices = [Button(self.t(lang, "months_option", months=m), f"s:mon:{m}") for m in MONTH_CHOICES]
            choices.append(Button(self.t(lang, "months_ongoing"), f"s:mon:{ONGOING}"))
            return Reply(self.t(lang, "ask_months"), rows(choices[:4], 2) + rows(choices[4:], 1) + nav)
        if step == "programs":
            choices = [Button(self.t(lang, "programs_min"), "s:prog:min"),
                       Button(self.t(lang, "programs_jht"), "s:prog:jht")]
            return Reply(self.t(lang, "ask_programs"), rows(choices, 1) + nav)
        pending = worker_step(values)
        assert pending is not None
        _, index = pending
        label = self.t(lang, "worker_label", number=index + 1, count=values["count"])
        if step == "w_name":
            return Reply(label + "\n" + self.t(lang, "ask_worker_name"), nav)
        if step == "w_name_confirm":
            return Reply(label + "\n" + self.t(lang, "ask_name_confirm", name=values["name_to_confirm"]), rows([
                Button(self.t(lang, "name_confirm_yes"), "s:nm:yes"),
                Button(self.t(lang, "name_confirm_no"), "s:nm:no"),
            ], 1) + nav)
        if step == "w_occupation":
            choices = [Button(o.label_id if lang == "id" else o.label_en, f"s:occ:{o.key}")
                       for o in SPONSOR_OCCUPATIONS]
            choices.append(Button(self.t(lang, "occupation_other"), f"s:occ:{OTHER}"))
            name = values["workers"][index]["name"]  # as the sponsor typed it, in their own chat
            return Reply(label + "\n" + self.t(lang, "ask_worker_occupation", name=name), rows(choices, 2) + nav)
        return Reply(label + "\n" + self.t(lang, "ask_worker_phone"),
                     rows([Button(self.t(lang, "phone_unknown"), "s:phone:none")], 1) + nav)

    # ------------------------------------------------------------------ answers
    def accept_text(self, values: Values, text: str, today: date, lang: str = "id") -> tuple[Values, str | None]:
        step = next_step(values)
        text = (text or "").strip()
        if step == "count":
            digits = text.split()[0] if text.split() else ""
            if not (digits.isascii() and digits.isdigit()):
                return values, "count_number"
            count = int(digits)
            if not 1 <= count <= MAX_WORKERS:
                return values, "count_range"
            return {**values, "count": count}, None
        pending = worker_step(values)
        if pending is not None:
            _, index = pending
            if step == "w_name":
                name, reason = check_name(text)
                if name is None:
                    return values, f"name_{reason}"
                if looks_like_question(name):  # "brp iurannya" typed at the name step: asked about, not kept
                    return {**values, "name_to_confirm": name}, None
                return _set_worker(values, index, name=name), None
            if step == "w_occupation":
                description = occupations.clean_description(text)
                if description is None:
                    return values, "occupation_words"
                return _set_worker(values, index, occupation=description,
                                   transport=occupations.is_transport(description)), None
            if step == "w_phone":
                phone, reason = check_phone(text)
                return (_set_worker(values, index, phone=phone), None) if phone else (values, f"phone_{reason}")
        return values, "use_buttons"

    def choose(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        if kind == "n" and value.isdigit() and 1 <= int(value) <= MAX_WORKERS:
            return {**values, "count": int(value)}, None
        pending = worker_step(values)
        if kind == "nm" and pending is not None and value in ("yes", "no"):
            name = values["name_to_confirm"]
            kept = {k: v for k, v in values.items() if k != "name_to_confirm"}
            return (_set_worker(kept, pending[1], name=name), None) if value == "yes" else (kept, None)
        if kind == "occ" and pending is not None:
            if value == OTHER:
                return values, "type_occupation"
            if value in OCCUPATION_NAMES:
                return _set_worker(values, pending[1], occupation=value, transport=False), None
        if kind == "phone" and value == "none" and pending is not None:
            return _set_worker(values, pending[1], phone=""), None
        if kind == "mon" and value.isdigit() and (int(value) in MONTH_CHOICES or int(value) == ONGOING):
            return {**values, "months": int(value)}, None
        if kind == "prog" and value in ("min", "jht"):
            return {**values, "programs": [JKK, JKM, JHT] if value == "jht" else [JKK, JKM]}, None
        return values, "stale"

    def back(self, values: Values) -> Values:
        """Forget the answer to the question before the current one (answers after it, kept by an edit, stay)."""
        if "name_to_confirm" in values:  # back from "is this the name?": the name question again
            return {k: v for k, v in values.items() if k != "name_to_confirm"}
        slots = _answer_slots(values)
        current = _current_slot(values)
        earlier = [slot for slot in slots[: slots.index(current)] if _answered(values, slot)] \
            if current in slots else [slot for slot in slots if _answered(values, slot)]
        if not earlier:
            return values
        return _forget_slot(values, earlier[-1])

    def edit(self, values: Values, part: str) -> Values:
        if part == "workers":
            return {k: v for k, v in values.items() if k not in ("count", "workers")}
        if part in ("months", "programs"):
            return {k: v for k, v in values.items() if k != part}
        return values

    # ------------------------------------------------------------------ review
    def _each(self, amounts: tuple[int, ...], lang: str) -> str:
        """What each person costs in a month: "2 orang × Rp8.400", or "Rp8.400 + Rp16.800" when they differ."""
        if len(set(amounts)) == 1:
            return self.t(lang, "each_same", count=len(amounts), amount=rupiah(amounts[0], lang))
        return " + ".join(rupiah(amount, lang) for amount in amounts)

    def review(self, values: Values, discounts: list[Discount], first_month: date, lang: str,
               sponsor_name: str) -> Reply:
        months = int(values["months"])
        shown = 3 if months == ONGOING else months
        lines = month_amounts(sponsored_workers(values), values["programs"], first_month, shown, discounts)
        text = [self.t(lang, "review_title")]
        for number, worker in enumerate(values["workers"], start=1):
            # in full: the sponsor checks what they typed, in their own chat, before it is kept
            phone = worker["phone"] if worker.get("phone") else self.t(lang, "phone_none")
            text.append(self.t(lang, "review_worker", number=number, name=worker["name"],
                               occupation=occupation_label(worker["occupation"]), phone=phone))
        text.append(self.t(lang, "review_programs", programs="+".join(p.upper() for p in values["programs"])))
        # each discount named once, then per month the total with what each person costs
        for name, last in dict.fromkeys(d for line in lines for d in line.discounts):
            text.append(self.t(lang, "review_discount", name=name, until=month_name(last, lang)))
        for line in lines:
            key = "review_month_each" if len(line.per_worker) > 1 else "review_month"
            text.append(self.t(lang, key, month=month_name(line.month, lang), amount=rupiah(line.amount, lang),
                               each=self._each(line.per_worker, lang)))
        if months == ONGOING:
            text.append(self.t(lang, "review_ongoing"))
        else:
            text.append(self.t(lang, "review_total", months=months, total=rupiah(sum(m.amount for m in lines), lang)))
        text.append(self.t(lang, "review_footer", sponsor=sponsor_name))
        buttons = rows([Button(self.t(lang, "confirm"), "s:ok")], 1) + rows([
            Button(self.t(lang, "edit_workers"), "s:edit:workers"), Button(self.t(lang, "edit_months"), "s:edit:months"),
            Button(self.t(lang, "edit_programs"), "s:edit:programs")], 3) + rows(
            [Button(self.t(lang, "cancel"), "s:cancel")], 1)
        return Reply("\n".join(text), buttons)

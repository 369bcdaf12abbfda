"""/datasaya: what the bot keeps about a person, masked, in their language (reads a models.personal_data.StoredData
duck-typed, with a cipher to decrypt what it must mask)."""

from __future__ import annotations

from typing import Any

from bot.crypto import PersonalDataCipher
from bot.formatting import rupiah
from bot.i18n import Translator
from bot.identity import mask_name, mask_nik, mask_phone
from bot.replies import Button, Reply, rows


def describe(data: Any, cipher: PersonalDataCipher, texts: Translator, lang: str) -> Reply:
    def t(key: str, **values: object) -> str:
        return texts.t(lang, f"mydata.{key}", **values)

    lines = [t("title")]
    if data.user is not None:
        lines.append(t("account", name=data.user.first_name or "-", language=data.user.language,
                       timezone=data.user.timezone))
    for application in data.applications:
        lines.append(t("application", id=application.id, status=texts.t(lang, f"enroll.status_{application.status}"),
                       name=mask_name(cipher.decrypt(application.name_encrypted)),
                       nik=mask_nik(cipher.decrypt(application.nik_encrypted)),
                       phone=mask_phone(cipher.decrypt(application.phone_encrypted)),
                       region=f"{application.regency}, {application.province}",
                       income=rupiah(application.income, lang)))
    for overview in data.pledges:
        lines.append(t("pledge", id=overview.id, workers=overview.pledge.worker_count,
                       status=texts.t(lang, f"mydata.pledge_{overview.pledge.status}"),
                       paid=rupiah(overview.total_paid, lang)))
    if data.sponsorship is not None:
        lines.append(t("sponsored", id=data.sponsorship.pledge.id))
    if data.tickets:
        lines.append(t("tickets", count=data.tickets))
    if not (data.applications or data.pledges or data.sponsorship or data.tickets):
        lines.append(t("nothing_else"))
    lines.append(t("footer"))
    return Reply("\n".join(lines), rows([Button(t("delete_button"), "my:del"),
                                         Button(texts.t(lang, "menu.back"), "m:home")], 1))


def deletion_question(texts: Translator, lang: str) -> Reply:
    return Reply(texts.t(lang, "mydata.ask_delete"),
                 rows([Button(texts.t(lang, "mydata.delete_yes"), "my:delok"),
                       Button(texts.t(lang, "mydata.delete_no"), "my:keep")], 1))

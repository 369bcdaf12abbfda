"""/datasaya: what the bot keeps about a person, masked, in their language (reads a models.personal_data.StoredData
duck-typed, with a cipher to decrypt what it must mask)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.crypto import PersonalDataCipher
from bot.core.formatting import rupiah
from bot.core.i18n import Translator, plain
from bot.core.identity import mask_name, mask_nik, mask_phone
from bot.core.replies import Button, Reply, fit_lines, rows


@dataclass(frozen=True)
class MyDataView:
    reply: Reply
    # Everything, as plain text, when one message cannot hold it (someone with many applications or pledges):
    # they are entitled to see all of it, so it is sent as a file after the message.
    complete_listing: str | None = None


def describe(data: Any, cipher: PersonalDataCipher, texts: Translator, lang: str) -> MyDataView:
    def t(key: str, **values: object) -> str:
        return texts.t(lang, f"mydata.{key}", **values)

    head = [t("title")]
    if data.user is not None:
        head.append(t("account", name=data.user.first_name or "-", language=data.user.language,
                      timezone=data.user.timezone))
    sharing = data.sponsorship is not None and data.sponsorship.beneficiary.share_with_sponsor
    if data.sponsorship is not None:
        head.append(t("sponsored", id=data.sponsorship.pledge.id))
        if getattr(data, "sponsored_status", None):
            head.append("  " + texts.t(lang, f"pledges.worker_{data.sponsored_status}", overdue=data.overdue_months))
        head.append(t("sharing_on" if sharing else "sharing_off"))
    if data.tickets:
        head.append(t("tickets", count=data.tickets))
    if not (data.applications or data.pledges or data.sponsorship or data.tickets):
        head.append(t("nothing_else"))
    lines = []
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
    text, shown = fit_lines(head, lines, [t("footer")], lambda left: t("more", count=left))
    buttons = [Button(t("unshare_button"), "my:unshare")] if sharing else []  # consent withdrawn in one tap
    buttons += [Button(t("delete_button"), "my:del"), Button(texts.t(lang, "menu.back"), "m:home")]
    reply = Reply(text, rows(buttons, 1))
    return MyDataView(reply, plain("\n".join(head + lines)) if shown < len(lines) else None)


def deletion_question(texts: Translator, lang: str) -> Reply:
    return Reply(texts.t(lang, "mydata.ask_delete"),
                 rows([Button(texts.t(lang, "mydata.delete_yes"), "my:delok"),
                       Button(texts.t(lang, "mydata.delete_no"), "my:keep")], 1))

"""The enrollment conversation's rules, without Telegram: specific reasons, nothing lost, one field corrected."""

from __future__ import annotations

from datetime import date

import pytest

from bot.contributions.rules import AUDIENCE_OTHER, Discount
from bot.core.i18n import default_translator
from bot.enrollment.flow import STEPS, EnrollmentFlow, next_step

TODAY = date(2026, 11, 23)
FLOW = EnrollmentFlow(default_translator())
PP50 = [Discount("Diskon 50%", "PP 50/2025", 50, date(2026, 4, 1), date(2026, 12, 1), frozenset({"jkk", "jkm"}),
                 AUDIENCE_OTHER)]


# What each step holds once answered (a NIK brings the birth date it encodes, an occupation its transport flag).
ANSWERED = {"name": {"name": "SITI"}, "nik": {"nik": "6371015708850002", "nik_birth_date": "1985-08-17"},
            "birth_date": {"birth_date": "1985-08-17"}, "phone": {"phone": "+6281234567890"},
            "occupation": {"occupation": "pedagang", "transport": False}, "province": {"province": "Kalimantan Selatan", "province_code": "63"},
            "regency": {"regency": "Kota Banjarmasin", "regency_code": "63.71"}, "income": {"income": 1_500_000}, "programs": {"programs": ["jkk", "jkm"]}}


def waiting_for(step: str) -> dict:
    """Answers to every step before `step`: the conversation is waiting for `step`."""
    values: dict = {}
    for earlier in STEPS[: STEPS.index(step)]:
        values.update(ANSWERED[earlier])
    assert next_step(values) == step
    return values


def complete() -> dict:
    values: dict = {}
    for step, answer in [("name", "siti aminah"), ("nik", "6371015708850002"), ("birth_date", "17-08-1985"),
                         ("phone", "0812 3456 7890")]:
        assert next_step(values) == step
        values, error = FLOW.accept_text(values, answer, TODAY)
        assert error is None, step
    for step, kind, value in [("occupation", "occ", "pedagang"), ("province", "prov", "63")]:
        assert next_step(values) == step
        values, error = FLOW.accept_choice(values, kind, value, TODAY)
        assert error is None
    values, _ = FLOW.accept_text(values, "banjarmasin", TODAY)
    values, _ = FLOW.accept_text(values, "1,5 jt", TODAY)
    values, _ = FLOW.accept_choice(values, "prog", "min", TODAY)
    values, _ = FLOW.accept_choice(values, "consent", "yes", TODAY)
    return values


def test_a_complete_walk_ends_in_a_review_of_every_answer_in_full_with_the_monthly_contribution() -> None:
    values = complete()
    assert next_step(values) == "review"
    text = FLOW.review(values, PP50, date(2026, 11, 1), "id").text
    # the worker checks what they typed, in their own chat, before it goes to the branch office
    assert "6371015708850002" in text and "+6281234567890" in text and "siti aminah" in text
    assert "*" not in text and "17 Agustus 1985" in text
    assert "Banjarmasin, Kalimantan Selatan" in text and "Rp1.500.000" in text
    assert "Iuran November 2026: <b>Rp10.900</b>" in text  # (15,000 + 6,800) less 50%, half up


@pytest.mark.parametrize(
    ("step", "answer", "reason"),
    [
        ("name", "ab", "name_length"), ("name", "<script>", "name_characters"),
        ("nik", "12345", "nik_length"), ("nik", "abcd", "nik_digits"), ("nik", "9971011708850001", "nik_province"),
        ("nik", "6371013208850001", "nik_birth_date"), ("nik", "6371011708850000", "nik_serial"),
        ("nik", "1111111111111111", "nik_placeholder"),
        ("birth_date", "kemarin", "birth_format"), ("birth_date", "31-02-1990", "birth_not_a_date"),
        ("birth_date", "01-01-2030", "birth_future"), ("birth_date", "01-01-1900", "birth_too_old"),
        ("birth_date", "01-01-2020", "birth_too_young"),
        ("phone", "021 555 1234", "phone_landline"), ("phone", "0812", "phone_short"),
        ("phone", "0812 3456 789O", "phone_letters"), ("phone", "+44 20 7946 0000", "phone_foreign"),
        ("occupation", "🙂", "occupation_words"), ("province", "Atlantis", "province_unknown"),
        ("regency", "?", "regency_words"), ("income", "banyak", "income_unreadable"),
        ("income", "2", "income_unclear"), ("income", "500 juta", "income_too_high"),
        ("programs", "jht saja", "use_buttons"),
    ],
)
def test_each_invalid_answer_has_its_own_reason_in_both_languages(step: str, answer: str, reason: str) -> None:
    before = waiting_for(step)
    values, error = FLOW.accept_text(before, answer, TODAY)
    assert (values, error) == (before, reason)  # nothing already given is lost
    for lang in ("id", "en"):
        assert FLOW.error(reason, lang)


def test_the_date_of_birth_must_agree_with_the_nik() -> None:
    values, _ = FLOW.accept_text(waiting_for("nik"), "6371015708850002", TODAY)
    assert FLOW.accept_text(values, "18-08-1985", TODAY) == (values, "birth_nik_mismatch")
    values, _ = FLOW.accept_text(values, "17 agustus 1985", TODAY)
    changed, _ = FLOW.accept_text(FLOW.edit(values, "nik"), "6371011205900001", TODAY)  # another NIK: date again
    assert "birth_date" not in changed and next_step({**changed, "name": "X"}) == "birth_date"


def test_one_field_is_corrected_without_starting_over() -> None:
    values = complete()
    edited = FLOW.edit(values, "phone")
    assert next_step(edited) == "phone" and edited["name"] == "siti aminah" and edited["consent"] is True
    edited, _ = FLOW.accept_text(edited, "+62 813 1111 2222", TODAY)
    assert next_step(edited) == "review" and edited["phone"] == "+6281311112222"
    assert FLOW.edit(values, "consent") == values  # consent is not an editable field
    assert next_step(FLOW.edit(values, "nik")) == "nik" and "nik_birth_date" not in FLOW.edit(values, "nik")


def test_stale_buttons_and_declined_consent() -> None:
    at_phone, at_province, at_consent = waiting_for("phone"), waiting_for("province"), waiting_for("consent")
    assert FLOW.accept_choice(at_phone, "occ", "ojek", TODAY) == (at_phone, "stale")
    assert FLOW.accept_choice(at_province, "prov", "99", TODAY) == (at_province, "stale")
    assert FLOW.accept_choice(at_consent, "consent", "no", TODAY) == (at_consent, "declined")
    typed, error = FLOW.accept_text(at_province, "kalimantan timur", TODAY)
    assert error is None and typed["province"] == "Kalimantan Timur"


def test_an_income_below_the_minimum_is_kept_as_declared_and_the_review_says_what_is_counted() -> None:
    values = {**complete(), "income": 700_000}
    text = FLOW.review(values, [], date(2026, 11, 1), "id").text
    assert "Rp700.000" in text and "dihitung dari Rp1.000.000" in text
    assert "Iuran November 2026: <b>Rp16.800</b>" in text
    english = FLOW.review(values, [], date(2026, 11, 1), "en").text
    assert "Rp700,000" in english and "counted on Rp1,000,000" in english
    assert "dihitung dari" not in FLOW.review(complete(), [], date(2026, 11, 1), "id").text


def test_the_consent_names_every_field_kept_encrypted() -> None:
    from models.enrollment import EnrollmentApplication

    encrypted = {column.removesuffix("_encrypted") for column in EnrollmentApplication.model_fields
                 if column.endswith("_encrypted")}
    assert encrypted == {"name", "nik", "birth_date", "phone"}
    said = {"id": "Nama, NIK, tanggal lahir dan nomor HP disimpan terenkripsi",
            "en": "Name, NIK, date of birth and phone number are stored encrypted"}
    for lang, sentence in said.items():
        assert sentence in FLOW.prompt("consent", {}, lang).text


def test_the_nik_offers_its_place_and_one_press_answers_province_and_regency() -> None:
    values = waiting_for("province")
    values["nik_region"] = "63.71"  # as the NIK step sets it from 6371...
    asked = FLOW.prompt("province", values, "id")
    assert "Kota Banjarmasin, Kalimantan Selatan" in asked.text
    assert [b.data for row in asked.buttons for b in row][:2] == ["e:reg:nik", "e:reg:other"]
    taken, error = FLOW.accept_choice(values, "reg", "nik", TODAY)
    assert error is None and next_step(taken) == "income"
    assert (taken["province"], taken["province_code"], taken["regency"], taken["regency_code"]) == (
        "Kalimantan Selatan", "63", "Kota Banjarmasin", "63.71")
    other, error = FLOW.accept_choice(values, "reg", "other", TODAY)
    assert error is None and next_step(other) == "province"
    assert [b.label for row in FLOW.prompt("province", other, "id").buttons for b in row][:5] == [
        "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Tengah", "Kalimantan Barat", "Kalimantan Utara"]


def test_the_nik_step_keeps_where_the_nik_was_issued() -> None:
    values, error = FLOW.accept_text(waiting_for("nik"), "6472 0157 0890 0001", TODAY)
    assert error is None and values["nik_region"] == "64.72"  # Kota Samarinda


@pytest.mark.parametrize(("typed", "province", "regency"), [
    ("kalsel", "Kalimantan Selatan", None), ("Prov. Kaltim", "Kalimantan Timur", None),
    ("kalimantan barat", "Kalimantan Barat", None),
    ("banjarmasin", "Kalimantan Selatan", "Kota Banjarmasin"),  # a city typed for the province: both known
    ("kukar", "Kalimantan Timur", "Kabupaten Kutai Kartanegara"),
])
def test_provinces_as_people_write_them(typed: str, province: str, regency: str | None) -> None:
    values, error = FLOW.accept_text(waiting_for("province"), typed, TODAY)
    assert error is None and values["province"] == province and values.get("regency") == regency


@pytest.mark.parametrize(("typed", "reason"), [("kalimantan selatn", "province_did_you_mean"),
                                               ("Atlantis", "province_unknown"), ("😀", "province_words"),
                                               ("x" * 5000, "province_unknown")])
def test_a_province_not_understood_offers_buttons(typed: str, reason: str) -> None:
    values = waiting_for("province")
    assert FLOW.accept_text(values, typed, TODAY) == (values, reason)
    reply = FLOW.problem(reason, values, typed, "id")
    labels = [b.label for row in reply.buttons for b in row]
    assert labels[0] == "Kalimantan Selatan" and reply.text == FLOW.error(reason, "id")


@pytest.mark.parametrize(("typed", "code"), [("bjm", "63.71"), ("Kota Banjarbaru", "63.72"), ("hss", "63.06"),
                                             ("tanbu", "63.10"), ("banjar", "63.03"), ("kotabaru", "63.02"),
                                             ("martapura", "63.03")])
def test_regencies_as_people_write_them_are_stored_by_official_name_and_code(typed: str, code: str) -> None:
    values, error = FLOW.accept_text(waiting_for("regency"), typed, TODAY)
    assert error is None and values["regency_code"] == code
    assert values["regency"].startswith(("Kabupaten ", "Kota "))


def test_a_regency_of_another_province_is_refused_naming_where_it_is() -> None:
    values = waiting_for("regency")  # Kalimantan Selatan
    assert FLOW.accept_text(values, "samarinda", TODAY) == (values, "regency_elsewhere")
    reply = FLOW.problem("regency_elsewhere", values, "samarinda", "id")
    assert "Kota Samarinda ada di Kalimantan Timur, bukan di Kalimantan Selatan" in reply.text
    assert [b.data for row in reply.buttons for b in row][0] == "e:regc:6472"
    moved, error = FLOW.accept_choice(values, "regc", "6472", TODAY)
    assert error is None and (moved["province"], moved["regency"]) == ("Kalimantan Timur", "Kota Samarinda")
    english = FLOW.problem("regency_elsewhere", values, "samarinda", "en")
    assert "Kota Samarinda is in Kalimantan Timur, not in Kalimantan Selatan" in english.text


@pytest.mark.parametrize(("typed", "reason"), [("banjarmasn", "regency_did_you_mean"),
                                               ("kalimantan selatan", "regency_is_province"),
                                               ("Jawa Tengah", "regency_is_province"),
                                               ("xyzzy", "regency_unknown"), ("😀", "regency_words"),
                                               ("x" * 5000, "regency_unknown")])
def test_a_regency_not_understood_changes_nothing_and_offers_the_province_s_places(typed: str, reason: str) -> None:
    values = waiting_for("regency")
    assert FLOW.accept_text(values, typed, TODAY) == (values, reason)
    reply = FLOW.problem(reason, values, typed, "id")
    data = [b.data for row in reply.buttons for b in row if b.data.startswith("e:regc:")]
    assert data and all(d[len("e:regc:"):][:2] == "63" for d in data)
    if reason == "regency_did_you_mean":
        assert data[0] == "e:regc:6371"


def test_forged_place_buttons_change_nothing() -> None:
    values = waiting_for("regency")
    for kind, value in [("regc", "9999"), ("regc", "63"), ("prov", "99"), ("reg", "nik"), ("regc", "x" * 60)]:
        assert FLOW.accept_choice(values, kind, value, TODAY)[1] == "stale"


def test_a_new_province_from_the_review_asks_its_regency_again() -> None:
    values = complete()
    edited = FLOW.edit(values, "province")
    assert next_step(edited) == "province" and "regency" not in edited and "regency_code" not in edited
    assert "Menurut NIK" not in FLOW.prompt("province", edited, "id").text  # the plain question this time
    kept, _ = FLOW.accept_text(edited, "kalsel", TODAY)
    assert next_step(kept) == "regency"


def test_a_worker_enrolling_through_an_invitation_is_asked_whether_the_sponsor_may_see_their_numbers() -> None:
    values = {**complete(), "pledge_id": 3, "beneficiary_id": 5, "locked": ["programs"]}
    assert next_step(values) == "share"
    asked = FLOW.prompt("share", values, "id")
    assert "JMO" in asked.text and [b.data for row in asked.buttons for b in row][:2] == ["e:share:yes", "e:share:no"]
    shared, error = FLOW.accept_choice(values, "share", "yes", TODAY)
    assert error is None and next_step(shared) == "review"
    text = FLOW.review(shared, [], date(2026, 11, 1), "id", sponsor="Rahmat").text
    assert "boleh dilihat sponsor" in text
    assert "e:edit:share" in [b.data for row in FLOW.review(shared, [], date(2026, 11, 1), "id", "Rahmat").buttons
                              for b in row]
    assert next_step(FLOW.edit(shared, "share")) == "share" and next_step(FLOW.back(shared)) == "share"
    kept, _ = FLOW.accept_choice(values, "share", "no", TODAY)
    assert "tidak dibagikan" in FLOW.review(kept, [], date(2026, 11, 1), "id", sponsor="Rahmat").text
    assert FLOW.accept_choice(values, "share", "maybe", TODAY)[1] == "stale"
    assert "share" not in [next_step(complete())]  # only through an invitation


def test_a_sponsored_worker_above_the_minimum_is_told_their_sponsor_will_be_asked_about_it() -> None:
    sponsored = {**complete(), "pledge_id": 3, "beneficiary_id": 5, "locked": ["programs"], "share": False}
    told = "sponsor diberi tahu iuran sesuai penghasilan ini"
    assert told in FLOW.review({**sponsored, "income": 1_500_000}, [], date(2026, 11, 1), "id", sponsor="R").text
    assert told not in FLOW.review({**sponsored, "income": 1_000_000}, [], date(2026, 11, 1), "id", sponsor="R").text
    assert told not in FLOW.review({**complete(), "income": 1_500_000}, [], date(2026, 11, 1), "id").text

"""NIK, date of birth, phone and name: each invalid input gets its own reason; masking hides the middle."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.identity import (
    check_name,
    check_nik,
    check_phone,
    looks_like_personal_number,
    looks_like_question,
    mask_name,
    mask_nik,
    mask_personal_numbers,
    mask_phone,
    parse_birth_date,
)

TODAY = date(2026, 11, 23)


def test_a_real_looking_nik_gives_province_birth_date_and_sex() -> None:
    info, reason = check_nik("6371011708850001", TODAY)
    assert reason is None and info.province == "Kalimantan Selatan" and info.birth_date == date(1985, 8, 17)
    assert not info.female
    woman, _ = check_nik("6371 0157 0885 0002", TODAY)  # women add 40 to the day; spaces are allowed
    assert woman.female and woman.birth_date == date(1985, 8, 17)
    young, _ = check_nik("6471010101050003", TODAY)
    assert young.birth_date == date(2005, 1, 1)  # two-digit year: the century that makes sense


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("637101170885000", "length"),
        ("63710117088500011", "length"),
        ("6371O11708850001", "digits"),
        ("", "digits"),
        ("９３７１０１１７０８８５０００１", "digits"),  # full-width digits are not accepted silently
        ("9971011708850001", "province"),
        ("6371013208850001", "birth_date"),
        ("6371011713850001", "birth_date"),
        ("6371017208850001", "birth_date"),  # a woman's day 72 - 40 = 32
        ("6371011708850000", "serial"),
        ("1111111111111111", "placeholder"),
        ("1234567890123456", "placeholder"),
        ("6363636363636363", "placeholder"),
    ],
)
def test_each_invalid_nik_has_a_specific_reason(nik: str, reason: str) -> None:
    assert check_nik(nik, TODAY) == (None, reason)


@pytest.mark.parametrize("text", ["17-08-1985", "17/8/1985", "1985-08-17", "17 Agustus 1985", "17 agt 1985",
                                  "17.08.1985"])
def test_dates_of_birth_in_everyday_forms(text: str) -> None:
    assert parse_birth_date(text, TODAY) == (date(1985, 8, 17), None)


@pytest.mark.parametrize(("text", "born"), [("5 agustus 90", date(1990, 8, 5)), ("05-08-90", date(1990, 8, 5)),
                                            ("5/8/05", date(2005, 8, 5)), ("17 agt '85", date(1985, 8, 17))])
def test_two_digit_years_take_the_latest_century_not_in_the_future(text: str, born: date) -> None:
    assert parse_birth_date(text, TODAY) == (born, None)


@pytest.mark.parametrize(("text", "reason"), [("31-02-1990", "not_a_date"), ("31-02-90", "not_a_date"),
                                              ("5-8-20", "too_young"), ("01-01-2030", "future"),
                                              ("01-01-1900", "too_old"), ("01-01-2020", "too_young"),
                                              ("kemarin", "format"), ("", "format")])
def test_impossible_dates_of_birth_say_why(text: str, reason: str) -> None:
    assert parse_birth_date(text, TODAY) == (None, reason)


@pytest.mark.parametrize(("text", "phone"), [("081234567890", "+6281234567890"),
                                             ("+62 812-3456-7890", "+6281234567890"),
                                             ("6281234567890", "+6281234567890"), ("0812 345 678", "+62812345678")])
def test_indonesian_mobile_numbers_are_normalised(text: str, phone: str) -> None:
    assert check_phone(text) == (phone, None)


@pytest.mark.parametrize(("text", "reason"), [("0212345678", "landline"), ("0812", "short"),
                                              ("08123456789012345", "long"), ("nomor saya", "format"),
                                              ("+1 555 0100", "foreign"), ("0812345678O", "letters"),
                                              ("08l2 3456 7890", "letters")])
def test_invalid_phones_say_which_mistake(text: str, reason: str) -> None:
    assert check_phone(text) == (None, reason)


def test_names_and_masks() -> None:
    # kept as typed (spaces tidied): the person sees their own name as they wrote it
    assert check_name("  siti   aminah ") == ("siti aminah", None)
    assert check_name("M. Rizky Al-Banjari") == ("M. Rizky Al-Banjari", None)
    assert check_name("ab") == (None, "length")
    assert check_name("<b>Budi</b>") == (None, "characters")
    assert check_name("6371 0117 0885 0001") == (None, "nik")
    assert check_name("Udin 2") == (None, "digits")
    assert check_name("brp iurannya?") == (None, "question")
    assert looks_like_question("brp iurannya") and looks_like_question("gmn cara daftar")
    assert not looks_like_question("Udin Saputra") and not looks_like_question("Siti Aminah")
    assert mask_nik("6371011708850001") == "63************01"
    assert mask_phone("+6281234567890") == "+6281******890"
    assert mask_name("SITI AMINAH") == "S*** A*****"


@pytest.mark.parametrize("text", [
    "+62 (812) 3456 7890 tolong hubungi", "nik saya 6371/0157/0890/0001", "0812.3456.7890", "umur 45 0812 3456 7890",
    "6371.0157.0890.0001", "637101 570890 0001", "wa 628123456789", "6371015708900001"])
def test_personal_numbers_are_found_however_they_are_written(text: str) -> None:
    assert looks_like_personal_number(text)
    masked = mask_personal_numbers(text)
    assert "[nomor disembunyikan]" in masked and not any(run in masked for run in ("3456", "0157", "8123", "5708"))


@pytest.mark.parametrize("text", ["gaji 1.500.000 sebulan", "1.500.000 2.000.000 3.000", "tahun 2026 umur 45",
                                  "kantor (0511) 3252 111", "Rp 15.000.000"])
def test_amounts_dates_and_office_numbers_are_left_alone(text: str) -> None:
    assert not looks_like_personal_number(text) and mask_personal_numbers(text) == text

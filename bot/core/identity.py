"""Checking and masking personal data typed by users: NIK (national id number), date of birth, phone, name.

Every check returns either a clean value or a reason code, so the chat can say exactly what is wrong
("digit 7-12 is not a real date") and keep everything else the user already entered.

NIK layout (Dukcapil): digits 1-2 province, 3-4 regency/city, 5-6 district, 7-8 day of birth (+40 for women),
9-10 month, 11-12 year (two digits), 13-16 a serial number that is never 0000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core import regions

# Province codes in use (Kemendagri, from the code list in bot/core/regions.py), Kalimantan 61-65.
PROVINCE_CODES: dict[str, str] = {province.code: province.name for province in regions.provinces()}
KALIMANTAN_CODES = ("61", "62", "63", "64", "65")  # Barat, Tengah, Selatan, Timur, Utara

_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province: str
    birth_date: date
    female: bool


def nik_birth_date(day: int, month: int, year2: int, today: date) -> date | None:
    """The birth date a NIK encodes; the century is the one that makes the person 0-100 years old."""
    for century in (2000, 1900):
        try:
            candidate = date(century + year2, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate
    return None


def check_nik(text: str, today: date) -> tuple[NikInfo | None, str | None]:
    """(info, None) for a plausible NIK, or (None, reason) with reason one of: length, digits, province,
    birth_date, serial, placeholder."""
    nik = _SEPARATORS.sub("", text or "")
    if not nik.isdigit() or not nik.isascii():
        return None, "digits"
    if len(nik) != 16:
        return None, "length"
    if len(set(nik)) <= 2 or nik in "01234567890123456789" or nik in "98765432109876543210":
        return None, "placeholder"
    if nik[:2] not in PROVINCE_CODES:
        return None, "province"
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    born = nik_birth_date(day - 40 if female else day, month, year2, today)
    if born is None:
        return None, "birth_date"
    if nik[12:] == "0000":
        return None, "serial"
    return NikInfo(nik, PROVINCE_CODES[nik[:2]], born, female), None


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4}|\d{2})$")  # 17-08-1985, 17/8/85
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # 1985-08-17
_WORDS_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?,?\s+'?(\d{4}|\d{2})$")  # 17 Agustus 1985, 5 agt '90
_MONTHS = {name: i for i, names in enumerate(
    [("januari", "jan", "january"), ("februari", "feb", "pebruari", "february"), ("maret", "mar", "march"),
     ("april", "apr"), ("mei", "may"), ("juni", "jun", "june"), ("juli", "jul", "july"),
     ("agustus", "agu", "agt", "agst", "aug", "august"), ("september", "sep", "sept"),
     ("oktober", "okt", "oct", "october"), ("november", "nov", "nop"), ("desember", "des", "dec", "december")],
    start=1)
    for name in names}


def _full_year(year: str, day: int, month: int, today: date | None) -> int | None:
    """A two-digit year ("90") is the latest year ending so that is not after today: 1990, while "05" is 2005
    (as the NIK's own two-digit year is read). Without a today to reckon from, only four digits are a year."""
    if len(year) == 4:
        return int(year)
    if today is None:
        return None
    for century in (today.year // 100 * 100, today.year // 100 * 100 - 100):
        try:
            if date(century + int(year), month, day) <= today:
                return century + int(year)
        except ValueError:
            return century + int(year)  # not a real date in any century: said so by the caller
    return None


def parse_calendar_date(text: str, today: date | None = None) -> tuple[date | None, str | None]:
    """A date as people write it: 17-08-1985, 17/8/1985, 1985-08-17, 17 Agustus 1985, and with `today` given,
    two-digit years too (5-8-90, 5 agustus 90). Reasons: format, not_a_date."""
    text = " ".join((text or "").strip().lower().split())
    numeric, iso, words = _NUMERIC_DATE.match(text), _ISO_DATE.match(text), _WORDS_DATE.match(text)
    if numeric:
        day, month, year = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
    elif iso:
        day, month, year = int(iso.group(3)), int(iso.group(2)), iso.group(1)
    elif words and words.group(2) in _MONTHS:
        day, month, year = int(words.group(1)), _MONTHS[words.group(2)], words.group(3)
    else:
        return None, "format"
    full_year = _full_year(year, day, month, today)
    if full_year is None:
        return None, "format"
    try:
        return date(full_year, month, day), None
    except ValueError:
        return None, "not_a_date"


def parse_birth_date(text: str, today: date) -> tuple[date | None, str | None]:
    """A date of birth (see parse_calendar_date; "5 agustus 90" is 1990). Reasons: format, not_a_date, future,
    too_old, too_young (under 15)."""
    born, reason = parse_calendar_date(text, today)
    if born is None:
        return None, reason
    if born > today:
        return None, "future"
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age > 100:
        return None, "too_old"
    if age < 15:
        return None, "too_young"
    return born, None


def check_phone(text: str) -> tuple[str | None, str | None]:
    """An Indonesian mobile number in +62 form. Accepts 08..., +628..., 628..., with spaces, dots or dashes.
    Reasons, each a different mistake: letters (a letter among the digits, "0812345678O"), landline (0511...),
    foreign (+1..., 00...), short, long, format (no number, or one that cannot be a phone: "12345678")."""
    raw = re.sub(r"[\s\-().]", "", text or "")
    international = raw.startswith(("+", "00"))
    raw = raw[1:] if raw.startswith("+") else raw[2:] if raw.startswith("00") else raw
    if not any(ch.isdigit() for ch in raw):
        return None, "format"
    if not raw.isdigit() or not raw.isascii():
        return None, "letters"
    if raw.startswith("62"):
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    elif raw.startswith("8") and not international:  # "812 3456 7890": the 0 left off
        national = raw
    else:
        return None, "foreign" if international else "format"
    if not national.startswith("8"):
        return None, "landline"
    if len(national) < 9:
        return None, "short"
    if len(national) > 12:
        return None, "long"
    return "+62" + national, None


# Words that make typed text a question, not a name ("brp iurannya", "gmn cara daftar"): a name is asked about first.
_QUESTION_WORDS = frozenset(
    "apa apakah apaan berapa brp brapa barapa bagaimana gimana gmn gmna kaya kapan kpn kenapa knp mengapa dimana dmn "
    "siapa bisa bs boleh gak gk ga nggak ngga tidak tdk iuran bpjs bpjstk daftar bayar cara caranya klaim tanya "
    "mohon tolong how what when where why can does".split())


def check_name(text: str) -> tuple[str | None, str | None]:
    """A name as typed (spaces tidied): letters, spaces and . ' - , only, 3-80 characters. Reasons: nik (16
    digits: the NIK, typed where the name is asked), digits, question (a question mark), length, characters."""
    name = re.sub(r"\s+", " ", (text or "").strip())
    digits = sum(ch.isdigit() for ch in name)
    if digits:
        return None, "nik" if check_nik_shape(name) else "digits"
    if "?" in name:
        return None, "question"
    if not 3 <= len(name) <= 80:
        return None, "length"
    if not all(ch.isalpha() or ch in " .'-," for ch in name) or sum(ch.isalpha() for ch in name) < 2:
        return None, "characters"
    return name, None


def check_nik_shape(text: str) -> bool:
    """Sixteen digits, however grouped: a NIK, valid or not."""
    return len(re.sub(r"\D", "", text)) == 16 and not re.search(r"[^\d\s.\-]", text)


def looks_like_question(name: str) -> bool:
    """Whether a typed "name" reads as a question ("brp iurannya"), to be confirmed before it is kept."""
    return any(word in _QUESTION_WORDS for word in re.findall(r"[a-z]+", name.lower()))


# A stretch of digits as people type numbers: "0812-3456-7890", "+62 (812) 3456 7890", "6371/0157/0890/0001".
# A token is digits joined by . , - / ( ); tokens are separated by spaces.
_NUMBER_TOKEN = re.compile(r"\+?\(?\d+(?:[.,\-/()]+\d+)*\)?")
_DIGIT_RUN = re.compile(r"\+?\(?\d+(?:[.,\-/()]+\d+)*\)?(?:[ \t\u00a0]+\+?\(?\d+(?:[.,\-/()]+\d+)*\)?)*")
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:[.,]\d{3})+$")  # 1.500.000: an amount, never a NIK or a phone
_MAX_PERSONAL_DIGITS = 16
MASKED_NUMBER = "[nomor disembunyikan]"


def _is_personal(digits: str, tokens: list[str]) -> bool:
    """A NIK (16 digits) or an Indonesian mobile number (08.../628... with 9-12 national digits)."""
    if any(_THOUSANDS.match(token.strip("+()")) for token in tokens):
        return False
    if len(digits) == 16:
        return True
    national = digits[1:] if digits.startswith("08") else digits[2:] if digits.startswith("628") else ""
    return 9 <= len(national) <= 12


def personal_number_spans(text: str) -> list[tuple[int, int]]:
    """Where free text holds a NIK or a mobile number, however grouped. Within a run of numbers the longest
    stretch of whole tokens wins ("umur 45 0812 3456 7890" masks the phone, not the age)."""
    spans: list[tuple[int, int]] = []
    for run in _DIGIT_RUN.finditer(text or ""):
        tokens = [(m.start() + run.start(), m.end() + run.start(), m.group()) for m in
                  _NUMBER_TOKEN.finditer(run.group())]
        candidates: list[tuple[int, int, int]] = []  # (token count, first, last)
        for first in range(len(tokens)):
            digits = ""
            for last in range(first, len(tokens)):
                digits += re.sub(r"\D", "", tokens[last][2])
                if len(digits) > _MAX_PERSONAL_DIGITS:
                    break
                if _is_personal(digits, [token for _, _, token in tokens[first:last + 1]]):
                    candidates.append((last - first + 1, first, last))
        taken: set[int] = set()
        for _, first, last in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if taken.isdisjoint(range(first, last + 1)):
                taken.update(range(first, last + 1))
                spans.append((tokens[first][0], tokens[last][1]))
    return sorted(spans)


def looks_like_personal_number(text: str) -> bool:
    """True when free text contains something shaped like a NIK or an Indonesian mobile number, which must not
    be kept as a question or passed to the team in the clear."""
    return bool(personal_number_spans(text))


def mask_personal_numbers(text: str) -> str:
    """Free text with every NIK or mobile number replaced, for anything kept or shown to the team."""
    for start, end in reversed(personal_number_spans(text)):
        text = text[:start] + MASKED_NUMBER + text[end:]
    return text


def mask_nik(nik: str) -> str:
    """Shown to users and in the chat: the province code and the last two digits only."""
    return nik[:2] + "*" * 12 + nik[-2:] if len(nik) == 16 else "*" * len(nik)


def mask_phone(phone: str) -> str:
    return phone[:5] + "*" * max(0, len(phone) - 8) + phone[-3:] if len(phone) > 8 else "*" * len(phone)


def mask_kpj(number: str) -> str:
    """A BPJS membership (KPJ) number outside its owner's chat: the first and last two digits."""
    return number[:2] + "*" * max(0, len(number) - 4) + number[-2:] if len(number) > 4 else "*" * len(number)


def mask_name(name: str) -> str:
    """'SITI AMINAH' -> 'S*** A*****': enough to recognise, not to copy."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())

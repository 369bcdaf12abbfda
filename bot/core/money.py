"""Reading amounts of rupiah the way people type them to the bot.

`parse_rupiah` reads a whole message that should be an amount (the quote flow asks for a monthly income);
`find_rupiah` finds the one amount inside a question ("iuran kalau gaji 2 juta berapa").

People write "2.000.000", "Rp 1.500.000,-", "2jt", "1,5 juta", "500rb", "750k", "satu setengah juta",
"sejuta lima ratus ribu"... Indonesian uses "." for thousands and "," for decimals, but English "2,000,000"
is common too. Text is split into small tokens (numerals, words, single symbols) and read by a small grammar:

    amount   := group+ [rest] | numeral | chunk
    group    := quantity unit ["setengah"] | "sejuta" | "seribu" | ...   (units fall: juta, then ribu)
    quantity := numeral ["setengah"] | chunk ["setengah"] | "setengah"
    chunk    := [hundreds] [tens | teens] [digit]                       (a number word 0..999)
    rest     := chunk | small numeral                                   (only after "ribu": "seribu lima ratus")

English is read too ("1.5 million", "two million", "one and a half million", "800k", "800 thousand"): the English
words cannot be mistaken for Indonesian ones, so both languages read them. The one exception is "m": in English
"2m" is two million, but Indonesians write "M" for miliar ("Rp 1,5 M" in a budget), so in Indonesian "1,5m" is
ambiguous and is read only when the user's language is English (`lang="en"`); `m_is_ambiguous` lets a caller ask.
"mil" is English slang for million, read in English only as well.

`parse_income` and `find_income` read what people answer when their income is not one figure: "kadang 700 ribu
kadang 1 juta", "1-2 juta", "sekitar sejutaan", "2 jutaan", "around 1.5 million". They return an `IncomeReading`
that says how the amount was read (exact, approximate, or a range with its low and high end).

Values are exact (`decimal.Decimal`), never floats; only whole rupiah are accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

MAX_TEXT = 100  # parse_rupiah: an amount is short; longer text is a sentence or abuse
MAX_SENTENCE = 1000  # find_rupiah: bounds the work on one message
MAX_VALUE = 10**15

_TOKEN = re.compile(r"(?P<numeral>[0-9]+(?:[.,][0-9]+)*(?:[.,]-)?)|(?P<word>[a-z]+)|(?P<other>\S)")

DIGITS = {"nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
          "delapan": 8, "sembilan": 9}
EN_DIGITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9}
EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
            "seventeen": 17, "eighteen": 18, "nineteen": 19}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
           "ninety": 90}
# Powers of ten. The "-an" forms ("2 jutaan") mean "about", which is good enough for a quote.
# "m" is deliberately missing: in "1.2m" it could be million or miliar.
UNITS = {"ribu": 3, "rb": 3, "rbu": 3, "k": 3, "ribuan": 3, "rban": 3,
         "juta": 6, "jt": 6, "jta": 6, "jutaan": 6, "jtan": 6,
         "miliar": 9, "milyar": 9,
         "thousand": 3, "thousands": 3, "million": 6, "millions": 6, "mio": 6, "mln": 6, "billion": 9, "bn": 9}
# Read only in English: in Indonesian "m" is miliar as often as million, and "mil" is not an Indonesian unit.
EN_ONLY_UNITS = {"m": 6, "mil": 6, "mill": 6, "mn": 6}
# "-an" forms mean "about": the amount is read, and the reading says it is approximate.
ABOUT_UNITS = frozenset({"ribuan", "rban", "jutaan", "jtan", "sejutaan", "seribuan"})
ONE_UNIT = {"seribu": 3, "sejuta": 6, "semiliar": 9, "semilyar": 9,  # "se-" is "one"
            "seribuan": 3, "sejutaan": 6}
HALF = "setengah"
EN_HALVES = (("and", "a", "half"), ("and", "half"))  # "one and a half million", "a million and a half"
MINUS = {"-", "\u2212"}
CURRENCY = {"rp", "idr"}
# What may follow an amount without changing it ("2 juta per bulan", "2 jutaan", "1.500.000 rupiah").
SUFFIXES = (("per", "bulan"), ("per", "bln"), ("tiap", "bulan"), ("setiap", "bulan"), ("/", "bulan"),
            ("/", "bln"), ("/", "bl"), ("perbulan",), ("perbln",), ("sebulan",), ("sebln",),
            ("-", "an"), ("an",), ("rupiah",), ("rp",), (".",))
# "2-3 juta", "2 sampai 3 juta": the amount found is only the top of a range.
EN_UNITS = {**UNITS, **EN_ONLY_UNITS}
RANGE_WORDS = {"-", "\u2212", "sampai", "hingga", "sd", "atau"}


@dataclass(frozen=True)
class _Numeral:
    value: Decimal
    digits: int  # digits before the decimal separator
    grouped: bool  # written with thousands separators ("1.500.000")


@dataclass(frozen=True)
class _Amount:
    value: Decimal
    end: int  # index just past the last token read
    has_unit: bool  # "juta", "rb", "k", "sejuta"...: money even inside a sentence
    bare: _Numeral | None = None  # set when the amount is one numeral without a unit


def parse_rupiah(text: str, lang: str = "id") -> int | None:
    """The amount that is the whole of `text`, in rupiah; None when `text` is anything else.
    `lang` is the user's language: "en" also reads "2m" and "1.2 mil" as millions."""
    if len(text) > MAX_TEXT:
        return None
    units = _units(lang)
    tokens = _strip_suffixes(_tokenize(text))
    at = 0
    negative = _token(tokens, at) in MINUS  # "-500.000" or "-Rp 500.000"
    at += negative
    at = _skip_currency(tokens, at)
    if not negative and _token(tokens, at) in MINUS:  # "Rp -500.000"
        negative = True
        at += 1
    amount = _amount(tokens, at, units)
    if amount is None or amount.end != len(tokens):
        return None
    value = _whole(amount.value)
    return None if value is None else (-value if negative else value)


def m_is_ambiguous(text: str) -> bool:
    """True when `text` is an amount only if "m" is read as million ("1,5m", "2 M"): in Indonesian the bot asks."""
    return parse_rupiah(text) is None and parse_rupiah(text, "en") is not None and \
        any(token in EN_ONLY_UNITS for token in _tokenize(text))


def find_rupiah(text: str, lang: str = "id") -> int | None:
    """The one amount of money in a sentence; None when there is none or there are different ones.

    A bare small number ("3 bulan", "umur 56", "tahun 2026") is not money: an amount needs a unit ("2 juta"),
    a currency ("Rp 50.000"), thousands separators ("1.500.000") or at least five digits ("1500000").
    """
    if len(text) > MAX_SENTENCE:
        return None
    units = _units(lang)
    tokens = _tokenize(text)
    found: set[int] = set()
    at = 0
    while at < len(tokens):
        start = _skip_currency(tokens, at)
        amount = _amount(tokens, start, units)
        if amount is None:
            at += 1
            continue
        value = _whole(amount.value)
        if value is not None and _looks_like_money(amount, has_currency=start > at):
            if _ends_a_range(tokens, at):
                return None
            found.add(value)
        at = amount.end
    return found.pop() if len(found) == 1 else None


# ---------------------------------------------------------------------------------------------- tokens
def _units(lang: str) -> dict[str, int]:
    return EN_UNITS if lang == "en" else UNITS


def _tokenize(text: str) -> list[str]:
    # NFKC turns full-width digits and non-breaking spaces into plain ones.
    text = unicodedata.normalize("NFKC", text).lower()
    return [match.group() for match in _TOKEN.finditer(text)]


def _token(tokens: list[str], at: int) -> str:
    return tokens[at] if at < len(tokens) else ""


def _is_numeral(token: str) -> bool:
    return token[:1].isascii() and token[:1].isdigit()


def _strip_suffixes(tokens: list[str]) -> list[str]:
    stripped = True
    while stripped and tokens:
        stripped = False
        for suffix in SUFFIXES:
            if len(tokens) > len(suffix) and tuple(tokens[-len(suffix):]) == suffix:
                tokens = tokens[:-len(suffix)]
                stripped = True
                break
    return tokens


def _skip_currency(tokens: list[str], at: int) -> int:
    """Index after "Rp", "Rp." or "IDR" at `at` (or `at` itself)."""
    if _token(tokens, at) not in CURRENCY:
        return at
    return at + 2 if _token(tokens, at + 1) == "." else at + 1


# ---------------------------------------------------------------------------------------------- numerals
def _read_numeral(raw: str) -> _Numeral | None:
    """'2.000.000', '2,000,000', '1.500.000,-', '1.500.000,00', '1,5', '1.500' (thousands: three digits follow)."""
    no_cents = raw.endswith("-")  # "1.500.000,-"
    body = raw[:-2] if no_cents else raw
    separators = re.findall(r"[.,]", body)
    groups = re.split(r"[.,]", body)
    if len(set(separators)) == 2:
        # "1.500.000,50" or "1,500,000.50": the last, different separator is the decimal one.
        if separators[-1] in separators[:-1]:
            return None
        whole, fraction = groups[:-1], groups[-1]
    elif len(separators) == 1 and len(groups[1]) in (1, 2):
        whole, fraction = groups[:1], groups[1]  # "1,5", "1.25", "1500000,00"
    else:
        whole, fraction = groups, ""  # "1500000", "1.500", "2,000,000"
    if len(whole) > 1 and (len(whole[0]) > 3 or any(len(group) != 3 for group in whole[1:])):
        return None
    if fraction and (no_cents or len(fraction) > 2):
        return None
    digits = "".join(whole)
    return _Numeral(Decimal(f"{digits}.{fraction or 0}"), len(digits), len(whole) > 1)


def _whole(value: Decimal) -> int | None:
    """`value` as whole rupiah, or None for cents and absurd sizes."""
    if value != value.to_integral_value() or abs(value) > MAX_VALUE:
        return None
    return int(value)


def _looks_like_money(amount: _Amount, *, has_currency: bool) -> bool:
    if has_currency or amount.has_unit:
        return True
    numeral = amount.bare
    if numeral is None:
        return False  # number words without a unit ("anak dua") are counts
    if numeral.digits > 1 and amount.value < 10 ** (numeral.digits - 1):
        return False  # a leading zero: a phone number or a code, not money
    return numeral.grouped or numeral.digits >= 5


def _ends_a_range(tokens: list[str], at: int) -> bool:
    before = _token(tokens, at - 2) if at >= 2 else ""
    return at >= 2 and tokens[at - 1] in RANGE_WORDS and (_is_numeral(before) or before in DIGITS
                                                          or before in EN_DIGITS)


# ---------------------------------------------------------------------------------------------- grammar
def _amount(tokens: list[str], at: int, units: dict[str, int]) -> _Amount | None:
    """The longest amount starting at tokens[at]."""
    total, end, last_unit, last_whole = Decimal(0), at, None, True
    while last_whole and (group := _group(tokens, end + (last_unit is not None and _token(tokens, end) == "and"),
                                          units)) is not None:
        quantity, unit, after = group
        # Units must fall and each group fit under the one before: not "2 juta 3 juta", not "1 juta 1500 ribu".
        if last_unit is not None and (unit >= last_unit or quantity >= 10 ** (last_unit - unit)):
            break
        total += quantity * 10**unit
        end, last_unit, last_whole = after, unit, quantity == quantity.to_integral_value()
    if last_unit is not None:
        # Only after "ribu" is a unit-less rest clear ("seribu lima ratus"); "sejuta lima ratus" may mean 1.5 juta.
        if last_unit == 3 and last_whole and (rest := _rest(tokens, end)) is not None:
            total, end = total + rest[0], rest[1]
        return _Amount(total, end, has_unit=True)
    if (chunk := _chunk(tokens, at)) is not None:  # "lima", "5 ratus"
        return _Amount(Decimal(chunk[0]), chunk[1], has_unit=False)
    token = _token(tokens, at)
    if _is_numeral(token) and (numeral := _read_numeral(token)) is not None:
        return _Amount(numeral.value, at + 1, has_unit=False, bare=numeral)
    return None


def _group(tokens: list[str], at: int, units: dict[str, int]) -> tuple[Decimal, int, int] | None:
    """(quantity, power of ten, end) for "2 juta", "1,5jt", "dua setengah juta", "sejuta", "2 juta setengah",
    "two million", "half a million", "a million and a half"."""
    token = _token(tokens, at)
    if token in ONE_UNIT:
        quantity, unit, end = Decimal(1), ONE_UNIT[token], at + 1
    else:
        found = _quantity(tokens, at)
        if found is None or _token(tokens, found[1]) not in units:
            return None
        quantity, unit, end = found[0], units[_token(tokens, found[1])], found[1] + 1
    if quantity == quantity.to_integral_value() and (half_end := _half(tokens, end)) is not None:
        quantity, end = quantity + Decimal("0.5"), half_end  # "sejuta setengah", "a million and a half"
    return quantity, unit, end


def _half(tokens: list[str], at: int) -> int | None:
    """The end of "setengah" / "and a half" at `at`, or None."""
    if _token(tokens, at) == HALF:
        return at + 1
    for words in EN_HALVES:
        if tuple(tokens[at:at + len(words)]) == words:
            return at + len(words)
    return None


def _quantity(tokens: list[str], at: int) -> tuple[Decimal, int] | None:
    if _token(tokens, at) == HALF:
        return Decimal("0.5"), at + 1
    if _token(tokens, at) == "half":  # "half a million"
        return Decimal("0.5"), at + 2 if _token(tokens, at + 1) == "a" else at + 1
    if _token(tokens, at) == "a":  # "a million", "a hundred thousand"
        chunk = _chunk(tokens, at)
        value, end = (Decimal(chunk[0]), chunk[1]) if chunk else (Decimal(1), at + 1)
    elif (chunk := _chunk(tokens, at)) is not None:
        value, end = Decimal(chunk[0]), chunk[1]
    elif _is_numeral(_token(tokens, at)) and (numeral := _read_numeral(tokens[at])) is not None:
        value, end = numeral.value, at + 1
    else:
        return None
    if value == value.to_integral_value() and (half_end := _half(tokens, end)) is not None:
        return value + Decimal("0.5"), half_end  # "satu setengah juta", "one and a half million"
    return value, end


def _chunk(tokens: list[str], at: int) -> tuple[int, int] | None:
    """A number below a thousand in words: "lima", "dua belas", "dua puluh lima", "tiga ratus", "seratus",
    "five", "twelve", "twenty-five", "three hundred and fifty", "a hundred"."""
    if (english := _english_chunk(tokens, at)) is not None:
        return english
    value, end = 0, at
    if _token(tokens, end) == "seratus":
        value, end = 100, end + 1
    elif _multiplied(tokens, end, "ratus"):
        value, end = _digit(tokens, end) * 100, end + 2
    if _token(tokens, end) == "sepuluh":
        return value + 10, end + 1
    if _token(tokens, end) == "sebelas":
        return value + 11, end + 1
    if _multiplied(tokens, end, "belas"):
        return value + 10 + _digit(tokens, end), end + 2
    if _multiplied(tokens, end, "puluh"):
        value, end = value + _digit(tokens, end) * 10, end + 2
    word = _token(tokens, end)
    if word in DIGITS and (word != "nol" or end == at):  # "nol" only on its own
        value, end = value + DIGITS[word], end + 1
    return (value, end) if end > at else None


def _english_chunk(tokens: list[str], at: int) -> tuple[int, int] | None:
    value, end = 0, at
    first = _token(tokens, end)
    if first in ("a", "one") and _token(tokens, end + 1) == "hundred":
        value, end = 100, end + 2
    elif (first in EN_DIGITS or (len(first) == 1 and first.isdigit())) and _token(tokens, end + 1) == "hundred":
        value, end = _digit(tokens, end) * 100, end + 2
    if value and _token(tokens, end) == "and" and _english_below_hundred(tokens, end + 1) is not None:
        end += 1  # "three hundred and fifty"
    below = _english_below_hundred(tokens, end)
    if below is not None:
        value, end = value + below[0], below[1]
    return (value, end) if end > at else None


def _english_below_hundred(tokens: list[str], at: int) -> tuple[int, int] | None:
    word = _token(tokens, at)
    if word in EN_TEENS:
        return EN_TEENS[word], at + 1
    if word in EN_TENS:
        after = at + 1 + (_token(tokens, at + 1) == "-")  # "twenty-five"
        if _token(tokens, after) in EN_DIGITS and _token(tokens, after) != "zero":
            return EN_TENS[word] + EN_DIGITS[_token(tokens, after)], after + 1
        return EN_TENS[word], at + 1
    if word in EN_DIGITS:
        return EN_DIGITS[word], at + 1
    return None


def _digit(tokens: list[str], at: int) -> int:
    """A digit in words, or a single typed digit ("5 ratus ribu"); 0 when there is none."""
    token = _token(tokens, at)
    if token in DIGITS:
        return DIGITS[token]
    if token in EN_DIGITS:
        return EN_DIGITS[token]
    return int(token) if len(token) == 1 and token.isdigit() and token.isascii() else 0


def _multiplied(tokens: list[str], at: int, word: str) -> bool:
    return _digit(tokens, at) > 0 and _token(tokens, at + 1) == word


def _rest(tokens: list[str], at: int) -> tuple[int, int] | None:
    """What follows "ribu" without a unit: "lima ratus" or a plain "500" (below a thousand)."""
    token = _token(tokens, at)
    if token.isascii() and token.isdigit() and int(token) < 1000:
        return int(token), at + 1
    return _chunk(tokens, at)


# ---------------------------------------------------------------------------------------------- incomes
EXACT, APPROXIMATE, RANGE = "exact", "approximate", "range"
# Words that make an amount approximate: "sekitar 2 juta", "2 juta lebih dikit", "around 1.5 million".
ABOUT_WORDS = frozenset({"sekitar", "sktr", "skitar", "kira", "kira2", "kurleb", "kurang", "lebih", "paling",
                         "palingan", "plg", "rata", "rata2", "kisaran", "an", "around", "about", "approximately",
                         "approx", "roughly", "ish", "~", "±", "almost", "nearly", "hampir"})
# Words that join the two ends of a range: "1-2 juta", "700rb sampai 1jt", "kadang 700rb kadang 1jt".
RANGE_JOINERS = frozenset({"-", "\u2212", "\u2013", "\u2014", "sampai", "sampe", "smpe", "smp", "hingga", "sd",
                           "ke", "atau", "ato", "kadang", "kdg", "kadang2", "to", "or", "until", "till", "sometimes"})
# "antara 1 dan 2 juta", "between 1 and 2 million": "dan"/"and" joins a range only after these.
BETWEEN_WORDS = frozenset({"antara", "between", "from", "dari"})
# What may surround the amounts in an answer to "what is your monthly income?" without changing them.
INCOME_FILLER = frozenset("""
    gaji gajinya gajian penghasilan penghasilannya pendapatan pendapatannya pemasukan income salary wage wages earn
    earnings saya sy aku ku gue gw my i i'm im is it its around about per bulan bln bl sebulan sebln perbulan perbln
    tiap setiap month monthly a an rupiah rp idr ya yah iya lah sih aja saja kak pak bu mas mbak bang dek nya dapat
    dapet dpt cuma cuman cm hanya only just tapi tp but ga gak nggak enggak tidak tdk tak not tentu tetap tentunya
    pasti fix fixed sure varies vary varying depends tergantung ngga kadang2 mungkin maybe usually biasanya
    biasa rata antara between from dari dan and kurang lebih dikit sedikit little bit more less than s d
    , . ! ? / : ( ) ' " + = ±
    """.split())
MAX_INCOME_TEXT = 200


@dataclass(frozen=True)
class IncomeReading:
    """How an income was read. `amount` is what to price: the lowest figure said, never more than the user said.
    `kind` is EXACT ("2 juta"), APPROXIMATE ("sekitar 2 juta", "2 jutaan") or RANGE ("1-2 juta"); for EXACT and
    APPROXIMATE `low == high`."""

    low: int
    high: int
    kind: str

    @property
    def amount(self) -> int:
        return self.low

    def as_values(self) -> dict[str, int | str]:
        """A plain dict to keep between messages (conversation state is JSON)."""
        return {"low": self.low, "high": self.high, "kind": self.kind}

    @classmethod
    def from_values(cls, values: object) -> "IncomeReading | None":
        if not isinstance(values, dict):
            return None
        low, high, kind = values.get("low"), values.get("high"), values.get("kind")
        if type(low) is not int or type(high) is not int or kind not in (EXACT, APPROXIMATE, RANGE) or low > high:
            return None
        return cls(low, high, kind)


@dataclass(frozen=True)
class _Found:
    value: Decimal
    start: int  # first token (the currency, if any)
    end: int
    money: bool  # money even inside a sentence (a unit, a currency, thousands separators, five digits)
    unit: int | None  # the power of ten of its last unit, if it has one
    bare: bool  # a plain small numeral or number words: its unit may come from the other end of a range


def parse_income(text: str, lang: str = "id") -> IncomeReading | None:
    """The income that is the whole of `text` (an answer to "what is your monthly income?"): one amount, an
    approximate one or a range, with only small words around it ("gaji saya kadang 700rb kadang 1jt")."""
    if len(text) > MAX_INCOME_TEXT:
        return None
    exact = parse_rupiah(text, lang)
    tokens = _tokenize(_spell_out(text))
    if exact is not None and not (0 < exact < 1000 and tokens[-1] == "an"):  # "500an": about 500 ribu
        about = any(token in ABOUT_WORDS or token in ABOUT_UNITS for token in tokens)
        return IncomeReading(exact, exact, APPROXIMATE if about else EXACT)
    found = _scan(tokens, _units(lang))
    if not found:
        return None
    covered = {i for f in found for i in range(f.start, f.end)}
    if any(token not in INCOME_FILLER and token not in ABOUT_WORDS and token not in RANGE_JOINERS
           for i, token in enumerate(tokens) if i not in covered):
        return None  # a word we do not know may change the meaning ("2 juta tapi istri 1 juta")
    return _reading(tokens, found, whole_answer=True)


def find_income(text: str, lang: str = "id") -> IncomeReading | None:
    """The income inside a question ("iuran brp klo gaji kadang 700rb kadang 1jt"): one amount, an approximate one
    or a range; None when there is none or there are different amounts that do not form a range."""
    if len(text) > MAX_SENTENCE:
        return None
    tokens = _tokenize(_spell_out(text))
    return _reading(tokens, _scan(tokens, _units(lang)), whole_answer=False)


def _spell_out(text: str) -> str:
    """"s/d" and "s.d." are "sampai" ("1 s/d 2 juta"); "kira-kira", "rata-rata" are one word each."""
    text = re.sub(r"(?i)\bs\s*[/.]\s*d\b\.?", " sampai ", text)
    return re.sub(r"(?i)\b(kira|rata|kadang)\s*-\s*(kira|rata|kadang)\b", r" \1 ", text)


def _scan(tokens: list[str], units: dict[str, int]) -> list[_Found]:
    found: list[_Found] = []
    at = 0
    while at < len(tokens):
        start = _skip_currency(tokens, at)
        amount = _amount(tokens, start, units)
        if amount is None or _token(tokens, start) == "a" and not amount.has_unit:
            at += 1
            continue
        has_currency = start > at
        unit = _last_unit(tokens, start, amount.end, units)
        bare = not has_currency and unit is None and (amount.bare is None or not amount.bare.grouped)
        found.append(_Found(amount.value, at, amount.end, _looks_like_money(amount, has_currency=has_currency),
                            unit, bare))
        at = amount.end
    return found


def _last_unit(tokens: list[str], start: int, end: int, units: dict[str, int]) -> int | None:
    for token in reversed(tokens[start:end]):
        if token in units:
            return units[token]
        if token in ONE_UNIT:
            return ONE_UNIT[token]
    return None


def _reading(tokens: list[str], found: list[_Found], *, whole_answer: bool) -> IncomeReading | None:
    found = _borrow_units(tokens, found)
    if whole_answer and len(found) > 1 and not all(f.money for f in found):
        return None  # "1/2 juta", "2 orang 1 juta": a stray number in an answer that should be an amount
    amounts = [f for f in found if f.money or (whole_answer and len(found) == 1)]
    if not amounts:
        return None
    for before, after in zip(amounts, amounts[1:]):
        if not _joins_a_range(tokens, before, after, amounts[0]):
            return None  # two different figures that are not one range: which one is the income?
    values = []
    for f in amounts:
        value = _whole(f.value)
        if value is None:
            return None
        values.append(value)
    low, high = min(values), max(values)
    if low != high:
        return IncomeReading(low, high, RANGE)
    start, end = amounts[0].start, amounts[-1].end
    return IncomeReading(low, high, APPROXIMATE if _sounds_approximate(tokens, start, end) else EXACT)


def _borrow_units(tokens: list[str], found: list[_Found]) -> list[_Found]:
    """A bare number at the low end of a range takes the unit of the high end ("1-2 juta", "700 - 1jt": the
    largest unit that keeps the low end below the high end); a bare number with "-an" is "about" that many juta
    (below 100: "paling 1,5an") or ribu (100 to 999: "500an")."""
    result = list(found)
    for i, low in enumerate(found):
        if not low.bare or low.value >= 1000:
            continue
        high = found[i + 1] if i + 1 < len(found) else None
        if high is not None and high.unit is not None and _gap_joins(tokens[low.end:high.start], tokens[:low.start]):
            for unit in range(high.unit, 2, -3):
                if low.value * 10**unit <= high.value:
                    result[i] = _Found(low.value * 10**unit, low.start, low.end, True, unit, False)
                    break
        elif _token(tokens, low.end) == "an" or tuple(tokens[low.end:low.end + 2]) == ("-", "an"):
            unit = 6 if low.value < 100 else 3
            result[i] = _Found(low.value * 10**unit, low.start, low.end, True, unit, False)
    return result


def _joins_a_range(tokens: list[str], before: _Found, after: _Found, first: _Found) -> bool:
    return _gap_joins(tokens[before.end:after.start], tokens[max(0, first.start - 3):first.start])


def _gap_joins(gap: list[str], lead: list[str]) -> bool:
    """True when the words between two amounts join them into a range."""
    joiners = RANGE_JOINERS | ({"dan", "and"} if BETWEEN_WORDS & set(lead) else set())
    soft = {",", "tapi", "tp", "but", "ya", "kadang", "juga", "lagi", "pas", "bisa", "up", "per", "bulan", "bln",
            "sebulan", "a", "month", "an", "lebih", "kurang"}
    return bool(gap) and any(token in joiners for token in gap) and all(token in joiners or token in soft
                                                                         for token in gap)


def _sounds_approximate(tokens: list[str], start: int, end: int) -> bool:
    """"-an" units inside the amount, or "about" words up to three tokens before it or two after it."""
    inside = tokens[start:end]
    around = tokens[max(0, start - 3):start] + tokens[end:end + 2]
    return any(token in ABOUT_UNITS for token in inside) or any(token in ABOUT_WORDS for token in around)

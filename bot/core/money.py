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
# Powers of ten. The "-an" forms ("2 jutaan") mean "about", which is good enough for a quote.
# "m" is deliberately missing: in "1.2m" it could be million or miliar.
UNITS = {"ribu": 3, "rb": 3, "rbu": 3, "k": 3, "ribuan": 3, "rban": 3,
         "juta": 6, "jt": 6, "jta": 6, "jutaan": 6, "jtan": 6,
         "miliar": 9, "milyar": 9}
ONE_UNIT = {"seribu": 3, "sejuta": 6, "semiliar": 9, "semilyar": 9}  # "se-" is "one"
HALF = "setengah"
MINUS = {"-", "\u2212"}
CURRENCY = {"rp", "idr"}
# What may follow an amount without changing it ("2 juta per bulan", "2 jutaan", "1.500.000 rupiah").
SUFFIXES = (("per", "bulan"), ("per", "bln"), ("tiap", "bulan"), ("setiap", "bulan"), ("/", "bulan"),
            ("/", "bln"), ("/", "bl"), ("perbulan",), ("perbln",), ("sebulan",), ("sebln",),
            ("-", "an"), ("an",), ("rupiah",), ("rp",), (".",))
# "2-3 juta", "2 sampai 3 juta": the amount found is only the top of a range.
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


def parse_rupiah(text: str) -> int | None:
    """The amount that is the whole of `text`, in rupiah; None when `text` is anything else."""
    if len(text) > MAX_TEXT:
        return None
    tokens = _strip_suffixes(_tokenize(text))
    at = 0
    negative = _token(tokens, at) in MINUS  # "-500.000" or "-Rp 500.000"
    at += negative
    at = _skip_currency(tokens, at)
    if not negative and _token(tokens, at) in MINUS:  # "Rp -500.000"
        negative = True
        at += 1
    amount = _amount(tokens, at)
    if amount is None or amount.end != len(tokens):
        return None
    value = _whole(amount.value)
    return None if value is None else (-value if negative else value)


def find_rupiah(text: str) -> int | None:
    """The one amount of money in a sentence; None when there is none or there are different ones.

    A bare small number ("3 bulan", "umur 56", "tahun 2026") is not money: an amount needs a unit ("2 juta"),
    a currency ("Rp 50.000"), thousands separators ("1.500.000") or at least five digits ("1500000").
    """
    if len(text) > MAX_SENTENCE:
        return None
    tokens = _tokenize(text)
    found: set[int] = set()
    at = 0
    while at < len(tokens):
        start = _skip_currency(tokens, at)
        amount = _amount(tokens, start)
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
    return at >= 2 and tokens[at - 1] in RANGE_WORDS and (_is_numeral(before) or before in DIGITS)


# ---------------------------------------------------------------------------------------------- grammar
def _amount(tokens: list[str], at: int) -> _Amount | None:
    """The longest amount starting at tokens[at]."""
    total, end, last_unit, last_whole = Decimal(0), at, None, True
    while last_whole and (group := _group(tokens, end)) is not None:
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


def _group(tokens: list[str], at: int) -> tuple[Decimal, int, int] | None:
    """(quantity, power of ten, end) for "2 juta", "1,5jt", "dua setengah juta", "sejuta", "2 juta setengah"."""
    token = _token(tokens, at)
    if token in ONE_UNIT:
        quantity, unit, end = Decimal(1), ONE_UNIT[token], at + 1
    else:
        found = _quantity(tokens, at)
        if found is None or _token(tokens, found[1]) not in UNITS:
            return None
        quantity, unit, end = found[0], UNITS[_token(tokens, found[1])], found[1] + 1
    if _token(tokens, end) == HALF and quantity == quantity.to_integral_value():
        quantity, end = quantity + Decimal("0.5"), end + 1  # "sejuta setengah", "2 juta setengah"
    return quantity, unit, end


def _quantity(tokens: list[str], at: int) -> tuple[Decimal, int] | None:
    if _token(tokens, at) == HALF:
        return Decimal("0.5"), at + 1
    if (chunk := _chunk(tokens, at)) is not None:
        value, end = Decimal(chunk[0]), chunk[1]
    elif _is_numeral(_token(tokens, at)) and (numeral := _read_numeral(tokens[at])) is not None:
        value, end = numeral.value, at + 1
    else:
        return None
    if _token(tokens, end) == HALF and value == value.to_integral_value():
        return value + Decimal("0.5"), end + 1  # "satu setengah juta"
    return value, end


def _chunk(tokens: list[str], at: int) -> tuple[int, int] | None:
    """A number below a thousand in words: "lima", "dua belas", "dua puluh lima", "tiga ratus", "seratus"."""
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


def _digit(tokens: list[str], at: int) -> int:
    """A digit in words, or a single typed digit ("5 ratus ribu"); 0 when there is none."""
    token = _token(tokens, at)
    if token in DIGITS:
        return DIGITS[token]
    return int(token) if len(token) == 1 and token.isdigit() and token.isascii() else 0


def _multiplied(tokens: list[str], at: int, word: str) -> bool:
    return _digit(tokens, at) > 0 and _token(tokens, at + 1) == word


def _rest(tokens: list[str], at: int) -> tuple[int, int] | None:
    """What follows "ribu" without a unit: "lima ratus" or a plain "500" (below a thousand)."""
    token = _token(tokens, at)
    if token.isascii() and token.isdigit() and int(token) < 1000:
        return int(token), at + 1
    return _chunk(tokens, at)

"""Indonesia's provinces and regencies/cities with their Kemendagri codes (data/regions.csv, and its source), and
the matching of what people type for them: official names, names without "Kabupaten"/"Kota", the short forms used
in Kalimantan (kalsel, bjm, hss, kukar, ...) and typos.

Plain functions, no Telegram and no database; the data is read once. A NIK's first four digits are the province
and regency/city codes (6371... = Kota Banjarmasin, Kalimantan Selatan).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Generic, Literal, TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

DATA_FILE = Path(__file__).parent / "data" / "regions.csv"

RegencyKind = Literal["kabupaten", "kota"]
MatchHow = Literal["exact", "alias", "fuzzy"]

KALIMANTAN_FIRST = ("63", "64", "62", "61", "65")  # Selatan, Timur, Tengah, Barat, Utara: where the users are
MAX_INPUT_CHARS = 100  # the longest name is 42 characters: anything much longer is a message, not a place
MAX_SUGGESTIONS = 4
SUGGESTION_MIN_SCORE = 70  # _similarity, 0-100

# Short forms and other names people use, by code. Full names, names without the kind word and spacing variants
# ("balik papan", "kota baru") need no entry: they are matched anyway.
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "11": ("nad", "nanggroe aceh darussalam"), "12": ("sumut",), "13": ("sumbar",), "16": ("sumsel",),
    "19": ("babel", "bangka belitung"), "21": ("kepri",),
    "31": ("dki", "jakarta", "jkt", "daerah khusus ibukota jakarta", "daerah khusus jakarta"),
    "32": ("jabar",), "33": ("jateng",),
    "34": ("diy", "jogja", "yogya", "jogjakarta", "yogyakarta", "daerah istimewa yogyakarta"),
    "35": ("jatim",), "52": ("ntb",), "53": ("ntt",),
    "61": ("kalbar",), "62": ("kalteng",), "63": ("kalsel",), "64": ("kaltim",), "65": ("kaltara",),
    "71": ("sulut",), "72": ("sulteng",), "73": ("sulsel",), "74": ("sultra",), "76": ("sulbar",),
    "82": ("malut",), "92": ("pabar",), "96": ("pbd",),
}
# Kalimantan's abbreviations, and the towns people name for their kabupaten (Martapura for Banjar, Sampit for
# Kotawaringin Timur): a worker asked for a regency often answers with the town they live in.
REGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    # Kalimantan Selatan
    "63.01": ("tala", "pelaihari", "pleihari"), "63.03": ("martapura",), "63.04": ("batola", "marabahan"),
    "63.05": ("rantau",), "63.06": ("hss", "kandangan"), "63.07": ("hst", "barabai"), "63.08": ("hsu", "amuntai"),
    "63.09": ("tanjung",), "63.10": ("tanbu", "batulicin"), "63.11": ("paringin",),
    "63.71": ("bjm", "bjrmsn"), "63.72": ("bjb",),
    # Kalimantan Timur
    "64.01": ("pasir", "tanah grogot"), "64.02": ("kukar", "tenggarong"), "64.03": ("tanjung redeb",),
    "64.07": ("kubar", "sendawar"), "64.08": ("kutim", "sangatta"), "64.09": ("ppu", "penajam"),
    "64.11": ("mahulu",), "64.71": ("bpp", "bpn"), "64.72": ("smd", "smr"),
    # Kalimantan Tengah
    "62.01": ("kobar", "pangkalan bun"), "62.02": ("kotim", "sampit"), "62.03": ("kuala kapuas",),
    "62.04": ("barsel", "buntok"), "62.05": ("barut", "muara teweh"), "62.06": ("kasongan",),
    "62.07": ("kuala pembuang",), "62.09": ("nanga bulik",), "62.10": ("gumas", "kuala kurun"),
    "62.11": ("pulpis",), "62.12": ("mura", "puruk cahu"), "62.13": ("bartim", "tamiang layang"),
    "62.71": ("palangka", "plk"),
    # Kalimantan Barat
    "61.06": ("putussibau",), "61.08": ("ngabang",), "61.10": ("nanga pinoh",), "61.11": ("sukadana",),
    "61.12": ("kkr", "sungai raya"), "61.71": ("ptk", "ptnk"), "61.72": ("skw",),
    # Kalimantan Utara
    "65.01": ("tanjung selor",), "65.04": ("ktt", "tideng pale"),
    # Elsewhere, where workers come from or go to
    "31.71": ("jakpus",), "31.72": ("jakut",), "31.73": ("jakbar",), "31.74": ("jaksel",), "31.75": ("jaktim",),
    "33.72": ("solo",), "34.71": ("jogja", "yogya"), "35.78": ("sby",), "36.74": ("tangsel",),
}
_KABUPATEN_WORDS = frozenset({"kabupaten", "kab", "kabupatan", "kabuptn"})
_KOTA_WORDS = frozenset({"kota", "kodya", "kotamadya"})
_ADMINISTRASI_WORDS = frozenset({"administrasi", "adm"})  # Jakarta's "Kota Administrasi Jakarta Pusat"
_PROVINCE_WORDS = frozenset({"provinsi", "propinsi", "prov", "prop"})
_CODE = re.compile(r"^(\d{2})\s?(\d{2})?$")
_NIK_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class Province:
    code: str  # "63"
    name: str  # "Kalimantan Selatan"


@dataclass(frozen=True)
class Regency:
    code: str  # "63.71"
    name: str  # "Kota Banjarmasin"
    kind: RegencyKind
    province_code: str  # "63"

    @property
    def short_name(self) -> str:
        """The name without "Kabupaten"/"Kota" (and Jakarta's "Administrasi"): "Banjarmasin"."""
        words = self.name.split()[1:]
        return " ".join(words[1:] if words[0] == "Administrasi" else words)


T = TypeVar("T", Province, Regency)


@dataclass(frozen=True)
class MatchResult(Generic[T]):
    """What a typed name matched. `how` is "exact" (a name, with or without its kind word or spaces), "alias"
    (a short form or town from the alias tables) or "fuzzy" (a typo, or a kind that does not exist: ask before
    using it); None with no match. `suggestions` are up to 4 nearest names for "did you mean" buttons (for an
    exact bare name: the same-named kota of the kabupaten chosen, if there is one). `elsewhere` (regencies only):
    regencies outside the asked province with exactly the typed name or alias (or, failing that, its one nearest
    name), so the bot can say "that is in Kalimantan Timur"."""

    match: T | None = None
    how: MatchHow | None = None
    suggestions: tuple[T, ...] = ()
    elsewhere: tuple[Regency, ...] = ()

    @property
    def sure(self) -> bool:
        """True when the match can be used without asking."""
        return self.match is not None and self.how != "fuzzy"


def _words(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: accents dropped, emoji and punctuation gone."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def _compact(words: str) -> str:
    return words.replace(" ", "")


@dataclass
class _Index(Generic[T]):
    """The names of one set of places: exact keys and alias keys (both also without spaces) to places."""

    places: tuple[T, ...]
    exact: dict[str, list[T]] = field(default_factory=dict)
    alias: dict[str, list[T]] = field(default_factory=dict)
    suggest_keys: list[tuple[str, T]] = field(default_factory=list)

    def add(self, key_words: str, place: T, is_alias: bool) -> None:
        table = self.alias if is_alias else self.exact
        for key in {key_words, _compact(key_words)}:
            if place not in table.setdefault(key, []):
                table[key].append(place)
        self.suggest_keys.append((key_words, place))

    def lookup(self, words: str) -> tuple[list[T], MatchHow | None]:
        for table, how in ((self.exact, "exact"), (self.alias, "alias")):
            found = table.get(words) or table.get(_compact(words))
            if found:
                return list(found), how
        return [], None

    def closest(self, words: str) -> list[T]:
        """The places whose key is the single nearest to `words` within a few typos (Damerau-Levenshtein), or []
        when nothing is that close or two different names are equally close."""
        query = _compact(words)
        if len(query) < 4:
            return []
        keys = [key for key in {*self.exact, *self.alias} if len(key) >= 5 and " " not in key]
        hits = process.extract(query, keys, scorer=OSA.distance, limit=None, score_cutoff=3)
        hits = [(key, distance) for key, distance, _ in hits if distance <= _typos_allowed(key)]
        if not hits:
            return []
        best = min(distance for _, distance in hits)
        places = {place for key, distance in hits if distance == best
                  for place in (*self.exact.get(key, ()), *self.alias.get(key, ()))}
        names = {place.short_name if isinstance(place, Regency) else place.name for place in places}
        return sorted(places, key=lambda place: place.code) if len(names) == 1 else []

    def nearest(self, words: str, first: tuple[T, ...] = ()) -> tuple[T, ...]:
        """Up to MAX_SUGGESTIONS places by similarity to `words`, `first` before them; ties in list order."""
        order = {place: i for i, place in enumerate(self.places)}
        best: dict[T, float] = {}
        for key, place in self.suggest_keys if words else ():
            score = _similarity(words, key)
            if score >= SUGGESTION_MIN_SCORE and score > best.get(place, 0):
                best[place] = score
        ranked = sorted(best, key=lambda place: (-best[place], order[place]))
        return tuple(list(dict.fromkeys([*first, *ranked]))[:MAX_SUGGESTIONS])


def _similarity(typed: str, key: str) -> float:
    """0-100: the whole strings alike, or what was typed is (nearly) a part of a longer name ("kutai" of "kutai
    barat", scored 90). A longer text inside which a short name appears does not count: "kalimantan selatan" is
    not near "Batang"."""
    whole = fuzz.ratio(typed, key)
    if len(typed) >= 4 and len(typed) < len(key):
        return max(whole, 0.9 * fuzz.partial_ratio(typed, key))
    return whole


def _typos_allowed(key: str) -> int:
    """One typo in a short name ("tapim" is Tapin), up to three in a long one ("hulusungaiselatan"): in a short
    name each letter counts for more, and short names lie closer to one another."""
    return 1 if len(key) <= 7 else 2 if len(key) <= 12 else 3


@dataclass(frozen=True)
class _Data:
    provinces: dict[str, Province]  # by code, Kalimantan first
    regencies: dict[str, Regency]  # by "63.71", in code order


@cache
def _data() -> _Data:
    provinces: dict[str, Province] = {}
    regencies: dict[str, Regency] = {}
    with DATA_FILE.open(encoding="utf-8", newline="") as lines:
        for row in csv.DictReader(line for line in lines if not line.startswith("#")):
            if row["kind"] == "provinsi":
                provinces[row["code"]] = Province(row["code"], row["name"])
            else:
                regencies[row["code"]] = Regency(row["code"], row["name"], row["kind"], row["code"][:2])
    first = [code for code in KALIMANTAN_FIRST if code in provinces]
    ordered = {code: provinces[code] for code in [*first, *sorted(set(provinces) - set(first))]}
    return _Data(ordered, regencies)


def provinces() -> tuple[Province, ...]:
    """All 38 provinces, Kalimantan first (63, 64, 62, 61, 65), then the rest by code."""
    return tuple(_data().provinces.values())


def all_regencies() -> tuple[Regency, ...]:
    """All 514 regencies and cities, by code."""
    return tuple(_data().regencies.values())


def province_by_code(code: str) -> Province | None:
    return _data().provinces.get((code or "").strip())


def regency_by_code(code: str) -> Regency | None:
    """"6371", "63.71" or "63 71"."""
    digits = re.sub(r"[\s.]", "", code or "")
    return _data().regencies.get(f"{digits[:2]}.{digits[2:]}") if len(digits) == 4 else None


def regencies_of(province_code: str) -> tuple[Regency, ...]:
    """The regencies and cities of a province, by code: kabupaten (01-) before kota (71-)."""
    return tuple(r for r in _data().regencies.values() if r.province_code == province_code)


def from_nik(nik: str) -> tuple[Province, Regency | None] | None:
    """The province and regency/city of a NIK's first four digits; None when the first two are no province.
    The regency is None when digits 3-4 are no current code: a NIK keeps the code of where it was issued, so
    one issued before a split (Kalimantan Utara, 2012; Papua, 2022) can carry a code that no longer exists."""
    digits = _NIK_SEPARATORS.sub("", nik or "")[:4]
    if len(digits) < 2 or not digits.isascii() or not digits.isdigit():
        return None
    province = province_by_code(digits[:2])
    if province is None:
        return None
    return province, regency_by_code(digits) if len(digits) == 4 else None


@cache
def _province_index() -> _Index[Province]:
    index: _Index[Province] = _Index(provinces())
    for province in index.places:
        index.add(_words(province.name), province, is_alias=False)
        for alias in PROVINCE_ALIASES.get(province.code, ()):
            index.add(_words(alias), province, is_alias=True)
    return index


@cache
def _regency_index(province_code: str | None) -> _Index[Regency]:
    """The regencies of one province, or of all when province_code is None."""
    places = regencies_of(province_code) if province_code else all_regencies()
    index: _Index[Regency] = _Index(places)
    for regency in places:
        index.add(_words(regency.short_name), regency, is_alias=False)
        for alias in REGENCY_ALIASES.get(regency.code, ()):
            index.add(_words(alias), regency, is_alias=True)
    return index


def _usable_words(text: str) -> str:
    return "" if not text or len(text) > MAX_INPUT_CHARS else _words(text)


def _strip_leading(words: str, leading: frozenset[str]) -> tuple[str, bool]:
    first, _, rest = words.partition(" ")
    return (rest, True) if first in leading and rest else (words, False)


def find_province(text: str) -> MatchResult[Province]:
    """The province meant by `text`: "Kalimantan Selatan", "prov. kalsel", "kal sel", "kalimantan selatn",
    "jatim", "dki", or its code "63". "kalimantan" alone matches none and suggests Kalimantan's provinces. A
    regency typed here ("banjarmasin") matches none: province_of_regency_named tells whose it is."""
    words = _usable_words(text)
    if not words:
        return MatchResult()
    if (code := _CODE.match(words)) and not code.group(2) and (province := province_by_code(code.group(1))):
        return MatchResult(province, "exact")
    index = _province_index()
    core = _strip_leading(words, _PROVINCE_WORDS)[0]  # "provinsi kalimantan selatan"
    for attempt in dict.fromkeys([core, words]):
        found, how = index.lookup(attempt)
        if found:
            return MatchResult(found[0], how)
    close = index.closest(core)
    if close:
        return MatchResult(close[0], "fuzzy", index.nearest(core, first=(close[0],)))
    return MatchResult(suggestions=index.nearest(core))


def _prefer(regencies: list[Regency], wanted: RegencyKind | None) -> list[Regency]:
    """Best first: the wanted kind, else kabupaten before kota (a bare "Banjar" is the kabupaten), then by code."""
    return sorted(regencies, key=lambda r: (r.kind != (wanted or "kabupaten"), r.code))


def _regency_kind_and_name(words: str) -> tuple[RegencyKind | None, str]:
    """("kota", "banjarmasin") for "kota banjarmasin"; (None, words) when no kind word leads."""
    core, is_kabupaten = _strip_leading(words, _KABUPATEN_WORDS)
    core, is_kota = (core, False) if is_kabupaten else _strip_leading(words, _KOTA_WORDS)
    core = _strip_leading(core, _ADMINISTRASI_WORDS)[0]
    return ("kabupaten" if is_kabupaten else "kota" if is_kota else None), core


def _without_trailing_province(words: str) -> str | None:
    """`words` without a province named at its end, or None when none is (or nothing would be left)."""
    parts = words.split()
    for size in (3, 2, 1):
        if len(parts) > size and _province_index().lookup(" ".join(parts[-size:]))[0]:
            return " ".join(parts[:-size])
    return None


def find_regency(text: str, province_code: str | None) -> MatchResult[Regency]:
    """The regency or city meant by `text` within a province (or anywhere, when province_code is None); a
    province named after it is ignored ("tanah laut kalsel").

    "Kota Banjarmasin", "banjarmasin", "bjm", "kota bjm", "banjarmasn", "63.71" -> Kota Banjarmasin. A kind word
    decides between a kabupaten and a kota of the same name ("kota X" -> the city); a bare name is the kabupaten
    if there is one, else the city. A kind word that has no such regency ("kota kotabaru") gives the other kind as
    a fuzzy match. A name of another province's regency gives no match and fills `elsewhere`; a province's name
    ("kalimantan selatan") gives no match: check find_province on it. Raises ValueError for an unknown province.
    """
    if province_code is not None and province_by_code(province_code) is None:
        raise ValueError(f"unknown province code {province_code!r}")
    words = _usable_words(text)
    if not words:
        return MatchResult()
    index = _regency_index(province_code)
    everywhere = _regency_index(None)
    code = _CODE.match(words)
    if code and code.group(2):
        regency = regency_by_code(words)
        if regency is None:
            return MatchResult()
        in_scope = province_code in (None, regency.province_code)
        return MatchResult(regency, "exact") if in_scope else MatchResult(elsewhere=(regency,))
    wanted, name = _regency_kind_and_name(words)
    if not everywhere.lookup(name)[0] and (shorter := _without_trailing_province(words)):
        words = shorter  # "tanah laut kalsel", "kota banjarmasin, kalimantan selatan"
        wanted, name = _regency_kind_and_name(words)
    found, how = index.lookup(name)
    if found and (wanted is None or any(r.kind == wanted for r in found)):
        best, *others = _prefer(found, wanted)
        same_name = tuple(r for r in others if r.short_name == best.short_name) if wanted is None else ()
        return MatchResult(best, how, same_name)
    if wanted is not None:  # "kota baru" is Kabupaten Kotabaru, not a city named "Baru"
        whole, whole_how = index.lookup(words)
        if whole:
            return MatchResult(_prefer(whole, None)[0], whole_how)
    elsewhere: tuple[Regency, ...] = ()
    if province_code is not None:
        named = everywhere.lookup(name)[0] or everywhere.closest(name)
        elsewhere = tuple(_prefer([r for r in named if r.province_code != province_code], wanted))
    if found:  # only the other kind exists here: ask
        best = _prefer(found, wanted)[0]
        return MatchResult(best, "fuzzy", index.nearest(name, first=(best,)), elsewhere)
    close = index.closest(name)
    if close:
        best = _prefer(close, wanted)[0]
        return MatchResult(best, "fuzzy", index.nearest(name, first=(best,)), elsewhere)
    return MatchResult(suggestions=index.nearest(name), elsewhere=elsewhere)


def province_of_regency_named(text: str) -> tuple[Province, ...]:
    """The provinces that have a regency or city with exactly this name or alias ("banjar" -> Kalimantan Selatan
    for Kabupaten Banjar, Jawa Barat for Kota Banjar), best first; () when none does."""
    words = _usable_words(text)
    if not words:
        return ()
    wanted, name = _regency_kind_and_name(words)
    found = _regency_index(None).lookup(name)[0]
    codes = dict.fromkeys(r.province_code for r in _prefer(found, wanted))
    return tuple(province for code in codes if (province := province_by_code(code)))


def codes_for_names(province: str, regency: str) -> tuple[str | None, str | None]:
    """The codes of a province and regency/city stored as names (before places had codes): each only where the
    name is an official one or a usual short one, never a guess from a typo."""
    found = find_province(province)
    if not found.sure:
        return None, None
    place = find_regency(regency, found.match.code)
    return found.match.code, place.match.code if place.sure else None

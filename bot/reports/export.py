"""CSV exports for the branch office: applications, pledges (one row per worker), pledge months (one row per
worker and month) and payments.

The money adds up across files: a pledge row carries only its worker's own amounts, and for any dates the verified
money in the pledge-months file (`dibayar_terverifikasi`, counted from the payments recorded between those dates) is
the sum of the verified payments in the payments file for the same dates.

Used by admins in the chat (/ekspor, sent as a document) and by operators (`python -m bot export`). These are
the only places personal data leaves the bot unmasked, so every export is written to the audit log.

Files are UTF-8 with a byte-order mark (so Excel reads the Indonesian text right), comma-separated, with
column names a branch office can key in from. Cells that a spreadsheet would run as a formula (=, +, -, @)
are prefixed with an apostrophe: names and references are typed by users.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KINDS = ("applications", "pledges", "pledge_months", "payments")
_PLAIN_NUMBER = re.compile(r"^\+?\d+$")
KIND_WORDS = {"pendaftaran": "applications", "applications": "applications", "daftar": "applications",
              "janji": "pledges", "pledges": "pledges", "sponsor": "pledges",
              "bulan": "pledge_months", "bulan_janji": "pledge_months", "bulan-janji": "pledge_months",
              "pledge_months": "pledge_months", "pledge-months": "pledge_months", "months": "pledge_months",
              "pembayaran": "payments", "payments": "payments", "bayar": "payments"}
STATUS_WORDS = {
    "applications": {"submitted": "submitted", "baru": "submitted", "diajukan": "submitted",
                     "registered": "registered", "terdaftar": "registered", "rejected": "rejected",
                     "ditolak": "rejected"},
    "pledges": {"active": "active", "aktif": "active", "cancelled": "cancelled", "batal": "cancelled",
                "dibatalkan": "cancelled"},
    "pledge_months": {"paid": "paid", "lunas": "paid", "partial": "partial", "sebagian": "partial", "due": "due",
                      "belum": "due", "belum_dibayar": "due", "cancelled": "cancelled", "batal": "cancelled",
                      "dibatalkan": "cancelled"},
    "payments": {"unverified": "unverified", "belum": "unverified", "belum_diverifikasi": "unverified",
                 "verified": "verified", "terverifikasi": "verified", "rejected": "rejected", "ditolak": "rejected"},
}


# The status words written in the files (and their names), in Indonesian: the branch office reads them. The stored
# values stay English; README "Exports" lists both.
STATUS_IN_FILE = {
    "applications": {"submitted": "diajukan", "registered": "terdaftar", "rejected": "ditolak"},
    "pledges": {"active": "aktif", "cancelled": "dibatalkan"},
    # one worker's part of one month (WORKER_MONTH_STATUSES)
    "pledge_months": {"paid": "lunas", "partial": "sebagian", "due": "belum_dibayar", "cancelled": "dibatalkan"},
    "payments": {"unverified": "belum_diverifikasi", "verified": "terverifikasi", "rejected": "ditolak"},
    # a sponsored worker (bot/pledges/worker_status.py)
    "workers": {"invited": "diundang", "opened": "undangan_dibuka", "applied": "mengajukan",
                "registered": "terdaftar", "protected": "terlindungi", "lapsing": "tertunggak", "inactive": "nonaktif"},
}


def status_in_file(kind: str, status: str) -> str:
    return STATUS_IN_FILE[kind].get(status, status)


class ExportError(ValueError):
    """A request that cannot be read; `code` names the problem for the admin's message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Dates an export may name: wide enough for any real record, narrow enough that date arithmetic never overflows
# ("sampai 9999-12-31" once ended in a traceback).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    status: str | None = None
    since: date | None = None  # inclusive, local date
    until: date | None = None  # inclusive, local date

    def checked(self) -> ExportRequest:
        """This request, or ExportError: "range" (a date outside FIRST_DAY..LAST_DAY), "dates" (from after to)."""
        if any(day is not None and not FIRST_DAY <= day <= LAST_DAY for day in (self.since, self.until)):
            raise ExportError("range")
        if self.since and self.until and self.since > self.until:
            raise ExportError("dates")
        return self

    def window(self, timezone: str) -> tuple[datetime | None, datetime | None]:
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.since, time(0), zone) if self.since else None
        end = datetime.combine(self.until + timedelta(days=1), time(0), zone) if self.until else None
        return start, end

    def filename(self, today: date) -> str:
        parts = [{"applications": "pendaftaran", "pledges": "janji", "pledge_months": "bulan-janji",
                  "payments": "pembayaran"}[self.kind]]
        if self.status:
            parts.append(status_in_file(self.kind, self.status).replace("_", "-"))
        if self.since:
            parts.append(f"dari-{self.since.isoformat()}")
        if self.until:
            parts.append(f"sampai-{self.until.isoformat()}")
        parts.append(today.isoformat())
        return "lindungi-" + "-".join(parts) + ".csv"


def parse_request(words: list[str]) -> ExportRequest:
    """`pendaftaran terdaftar 2026-11-01 2026-11-30` and the like: kind, optional status, optional dates."""
    if not words:
        raise ExportError("kind")
    kind = KIND_WORDS.get(words[0].lower())
    if kind is None:
        raise ExportError("kind")
    status = None
    since = until = None
    marker = None  # "dari"/"from" or "sampai"/"to"/"until" before a date says which end it is
    for word in words[1:]:
        lowered = word.lower()
        if lowered in ("dari", "from"):
            marker = "since"
            continue
        if lowered in ("sampai", "to", "until", "hingga"):
            marker = "until"
            continue
        if lowered in STATUS_WORDS[kind]:
            status = STATUS_WORDS[kind][lowered]
            continue
        try:
            day = date.fromisoformat(word)
        except ValueError:
            raise ExportError("word") from None
        end = marker or ("since" if since is None else "until")
        if (since if end == "since" else until) is not None:
            raise ExportError("dates")
        since, until = (day, until) if end == "since" else (since, day)
        marker = None
    return ExportRequest(kind, status, since, until).checked()


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if _PLAIN_NUMBER.match(text):  # a phone number like +6281... cannot run as a formula
        return text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def local_time(moment: datetime | None, timezone: str) -> str:
    """A stored UTC moment as the branch office reads it: local date and time, minutes."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if moment else ""


APPLICATION_HEADER = ["no_pendaftaran", "tanggal_daftar", "status", "nama_sesuai_ktp", "nik", "tanggal_lahir",
                      "no_hp", "pekerjaan", "sektor_transportasi", "provinsi", "kode_provinsi", "kabupaten_kota",
                      "kode_kabupaten_kota",
                      "penghasilan_per_bulan", "program", "nomor_kpj", "alasan_ditolak", "disponsori_janji"]
# One row per worker: the amounts are that worker's own, so a column sums to the pledges' totals.
PLEDGE_HEADER = ["no_janji", "tanggal_janji", "status_janji", "no_sponsor", "nama_sponsor", "lama_bulan", "program",
                 "pekerja_ke", "nama_pekerja", "pekerjaan", "no_hp_pekerja", "undangan_dibuka",
                 "no_pendaftaran_pekerja", "status_pekerja", "penghasilan_dasar_iuran", "bulan_direncanakan",
                 "bulan_lunas", "iuran_pekerja", "dibayar_pekerja", "sisa_pekerja"]
# One row per worker and month: `dibayar` and `sisa` are to date; the two columns after `status` count only the
# payments recorded between the export's dates (all of them without dates), as the payments file lists them.
PLEDGE_MONTH_HEADER = ["no_janji", "no_sponsor", "pekerja_ke", "nama_pekerja", "periode", "jatuh_tempo", "iuran",
                       "diskon", "dibayar", "sisa", "status", "dibayar_terverifikasi", "menunggu_verifikasi",
                       "no_pembayaran"]
PAYMENT_HEADER = ["no_pembayaran", "no_janji", "no_sponsor", "pekerja_ke", "nama_pekerja", "untuk_periode",
                  "tanggal_bayar", "jumlah", "referensi", "status", "alasan_ditolak", "dicatat_pada",
                  "diverifikasi_pada"]


def worker_month_status(*, cancelled: bool, due: int, paid: int) -> str:
    """One worker's part of one month: paid, partial, due, or cancelled (the pledge stopped before it was paid)."""
    if paid >= due:
        return "paid"
    if cancelled:
        return "cancelled"
    return "partial" if paid > 0 else "due"

"""The admins' dashboard: figures read from the bot's tables (models/report.py), drawn as one picture with a short
text summary, and the same figures as text or JSON for `python -m bot report`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from bot.core.formatting import long_date, number, short_date
from bot.core.i18n import Translator, plain
from bot.enrollment.statuses import APPLICATION_STATUSES
from bot.pledges.worker_status import STATUSES
from bot.reports.charts import BLUE, GREY, ORANGE, VERMILLION, Bar, Chart, Panel, Series, Tile

WEEKS = 12
STATUS_COLOURS = {"submitted": ORANGE, "registered": BLUE, "rejected": GREY}
# Kalimantan's provinces as people there write them; the five are always shown, others only when present.
KALIMANTAN_SHORT = {"Kalimantan Timur": "Kaltim", "Kalimantan Selatan": "Kalsel", "Kalimantan Tengah": "Kalteng",
                    "Kalimantan Barat": "Kalbar", "Kalimantan Utara": "Kaltara"}
PROVINCE_BARS = 7  # the five, plus up to two others; the rest are summed as "other"


@dataclass(frozen=True)
class WeekCounts:
    week_start: date  # Monday, in the report's time zone
    users: int
    applications: int
    pledges: int


@dataclass(frozen=True)
class MonthOutcomes:
    """Pledge months by how they were paid. A month is due on its due date (the 15th); paid on or before that day
    (local time) is on time, after it late; not paid once the day has passed is unpaid; the rest are upcoming."""

    on_time: int = 0
    late: int = 0
    unpaid: int = 0
    upcoming: int = 0


@dataclass(frozen=True)
class DashboardFigures:
    generated_at: datetime  # aware, in `timezone`
    timezone: str
    applications_by_status: dict[str, int]
    applications_by_province: dict[str, int]
    active_pledges: int
    workers_sponsored: int
    sponsored_enrolled: int  # workers of active pledges who enrolled through their invitation
    months: MonthOutcomes
    reminders_sent: int
    reminders_sent_week: int  # in the last 7 days
    broadcasts: int  # broadcasts that reached at least one person
    broadcast_messages: int
    weeks: tuple[WeekCounts, ...] = field(default_factory=tuple)
    renewal_offers: int = 0  # fixed-length pledges whose sponsor was offered renewal
    renewed: int = 0  # ... and renewed since
    handovers: int = 0  # workers told that their sponsored months end
    workers_by_status: dict[str, int] = field(default_factory=dict)  # active pledges' workers, bot/pledges/worker_status

    @property
    def applications(self) -> int:
        return sum(self.applications_by_status.values())

    def as_json(self) -> dict:
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        data["applications"] = self.applications
        data["weeks"] = [{**asdict(w), "week_start": w.week_start.isoformat()} for w in self.weeks]
        return data


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """Mondays of the last `weeks` weeks, oldest first; the last is this week's (still running)."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def month_outcome(status: str, due_date: date, paid_on: date | None, today: date) -> str | None:
    """on_time | late | unpaid | upcoming for one pledge month (`paid_on` in local time); None if cancelled."""
    if status == "paid":
        return "on_time" if paid_on is not None and paid_on <= due_date else "late"
    if status == "due":
        return "unpaid" if due_date < today else "upcoming"
    return None


def province_rows(counts: dict[str, int], other_label: str) -> list[tuple[str, int]]:
    """The five Kalimantan provinces (even at zero), then the largest others, the rest summed; largest first."""
    rows = {short: counts.get(full, 0) for full, short in KALIMANTAN_SHORT.items()}
    others = sorted(((n, c) for n, c in counts.items() if n not in KALIMANTAN_SHORT and c), key=lambda r: -r[1])
    room = PROVINCE_BARS - len(rows)
    if len(others) > room:
        shown, rest = others[:room - 1], others[room - 1:]
        others = [*shown, (other_label, sum(c for _, c in rest))]
    rows.update(others)
    return sorted(rows.items(), key=lambda r: (-r[1], r[0]))


# ------------------------------------------------------------------------------------------------ picture
def dashboard_chart(figures: DashboardFigures, texts: Translator, lang: str) -> Chart:
    def label(key: str, **values: object) -> str:
        return plain(texts.t(lang, f"dashboard.{key}", **values))

    def n(value: int) -> str:
        return number(value, lang)

    empty = label("empty")
    tiles = Panel(title=label("tiles_panel"), kind="tiles", height=1.9, tiles=(
        Tile(n(figures.applications), label("tile_applications")),
        Tile(n(figures.applications_by_status.get("registered", 0)), label("tile_registered")),
        Tile(n(figures.active_pledges), label("tile_pledges")),
        Tile(n(figures.workers_sponsored), label("tile_sponsored")),
        Tile(n(figures.reminders_sent), label("tile_reminders")),
        Tile(n(figures.broadcast_messages), label("tile_broadcasts")),
    ))
    by_status = Panel(title=label("status_panel"), kind="bars", height=1.7, empty_text=empty, bars=tuple(
        Bar(label(f"status_{status}"), figures.applications_by_status.get(status, 0),
            n(figures.applications_by_status.get(status, 0)), STATUS_COLOURS[status])
        for status in APPLICATION_STATUSES))
    provinces = province_rows(figures.applications_by_province, label("province_other"))
    by_province = Panel(title=label("province_panel"), kind="bars", height=0.4 * len(provinces) + 0.6,
                        empty_text=empty, bars=tuple(Bar(name, count, n(count)) for name, count in provinces))
    months = figures.months
    by_outcome = Panel(title=label("months_panel"), kind="bars", height=1.7, empty_text=empty, bars=(
        Bar(label("month_on_time"), months.on_time, n(months.on_time), BLUE),
        Bar(label("month_late"), months.late, n(months.late), ORANGE),
        Bar(label("month_unpaid"), months.unpaid, n(months.unpaid), VERMILLION),
    ))
    growth = Panel(title=label("growth_panel"), kind="lines", height=2.8, empty_text=empty,
                   x_labels=tuple(short_date(w.week_start, lang) for w in figures.weeks), series=(
                       Series(label("growth_users"), tuple(w.users for w in figures.weeks), BLUE, "o", "-"),
                       Series(label("growth_applications"), tuple(w.applications for w in figures.weeks),
                              ORANGE, "s", "--"),
                       Series(label("growth_pledges"), tuple(w.pledges for w in figures.weeks), VERMILLION, "^", ":"),
                   ))
    # The day, not the minute: the picture stays cached until a figure changes or the day does.
    footer = label("footer", date=long_date(figures.generated_at.date(), lang),
                   timezone=figures.generated_at.tzname())
    return Chart(title=label("title"), panels=(tiles, by_status, by_province, by_outcome, growth), footer=footer,
                 lang=lang)


def summary(figures: DashboardFigures, texts: Translator, lang: str) -> str:
    """The text beside the picture (Telegram HTML, fits a photo caption)."""
    def n(value: int) -> str:
        return number(value, lang)

    status = figures.applications_by_status
    months = figures.months
    when = f"{long_date(figures.generated_at.date(), lang)} {figures.generated_at:%H.%M} {figures.generated_at.tzname()}"
    return texts.t(
        lang, "dashboard.summary", time=when, applications=n(figures.applications),
        submitted=n(status.get("submitted", 0)), registered=n(status.get("registered", 0)),
        rejected=n(status.get("rejected", 0)), pledges=n(figures.active_pledges),
        sponsored=n(figures.workers_sponsored), enrolled=n(figures.sponsored_enrolled),
        renewal_offers=n(figures.renewal_offers), renewed=n(figures.renewed), handovers=n(figures.handovers),
        **{f"workers_{status}": n(figures.workers_by_status.get(status, 0)) for status in STATUSES},
        on_time=n(months.on_time),
        late=n(months.late), unpaid=n(months.unpaid), upcoming=n(months.upcoming), reminders=n(figures.reminders_sent),
        reminders_week=n(figures.reminders_sent_week), broadcasts=n(figures.broadcasts),
        broadcast_messages=n(figures.broadcast_messages), new_users=n(sum(w.users for w in figures.weeks)),
        new_applications=n(sum(w.applications for w in figures.weeks)),
        new_pledges=n(sum(w.pledges for w in figures.weeks)))

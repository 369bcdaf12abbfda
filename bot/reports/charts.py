"""Charts as data, drawn with matplotlib (Agg) in a worker process and cached while the data is the same.

A `Chart` holds everything that is drawn: titles, labels and values, already formatted for the reader's language.
The numbers behind a picture are therefore testable without looking at pixels, and two charts with the same data
are the same `Chart` (same cache key), so a picture is drawn once until something in it changes.

Design for a phone screen: one column, 1080 px wide (Telegram's photo width), large type, values written on the
bars rather than read off an axis, and the Okabe-Ito palette, which stays distinguishable with colour-blindness;
colour never carries meaning alone (every bar and line is labelled).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import multiprocessing
import textwrap
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from babel.numbers import format_decimal

from bot.core.formatting import LOCALES

# Okabe & Ito (2008), "Color Universal Design".
BLUE, ORANGE, VERMILLION, SKY, GREEN, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#D55E00", "#56B4E9", "#009E73", "#CC79A7", "#8C8C8C")
INK = "#1A1A1A"

WIDTH_INCHES, DPI = 7.2, 150  # 1080 px


@dataclass(frozen=True)
class Bar:
    label: str  # category, left of the bar
    value: float  # bar length
    text: str  # written at the end of the bar
    colour: str = BLUE


@dataclass(frozen=True)
class Segment:
    """One part of a single bar split into parts (protected vs unprotected)."""

    value: float
    text: str  # written inside the part
    colour: str
    text_colour: str = "white"


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]
    colour: str
    marker: str
    style: str = "-"


@dataclass(frozen=True)
class Tile:
    value: str
    label: str


@dataclass(frozen=True)
class Panel:
    title: str
    kind: str  # bars | split | lines | tiles
    bars: tuple[Bar, ...] = ()
    segments: tuple[Segment, ...] = ()
    series: tuple[Series, ...] = ()
    x_labels: tuple[str, ...] = ()
    tiles: tuple[Tile, ...] = ()
    reference: tuple[float, str] | None = None  # a dashed line across the bars, with its label
    axis_max: float | None = None  # fixed scale, e.g. 100 for percentages
    empty_text: str = ""  # written instead of the chart when every value is zero
    height: float = 2.0  # inches

    @property
    def is_empty(self) -> bool:
        if self.kind == "bars":
            return not any(b.value for b in self.bars)
        if self.kind == "lines":
            return not any(v for s in self.series for v in s.values)
        return False


@dataclass(frozen=True)
class Chart:
    title: str
    panels: tuple[Panel, ...]
    footer: str
    lang: str = "id"
    alt_text: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        """Same drawing, same key: the cache key and the name of the picture."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:20]


# ------------------------------------------------------------------------------------------------ drawing
def render_png(chart: Chart) -> bytes:
    """Draw `chart` as a PNG. Uses only matplotlib's object API (no pyplot global state), so it is safe off the
    event loop; imported here so processes that never draw a chart don't pay for matplotlib."""
    from matplotlib.figure import Figure

    height = sum(p.height for p in chart.panels) + 1.2
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained", facecolor="white")
    figure.get_layout_engine().set(h_pad=0.12, hspace=0.06)
    figure.suptitle(textwrap.fill(chart.title, 46), x=0.02, ha="left", fontsize=16, fontweight="bold", color=INK)
    grid = figure.add_gridspec(len(chart.panels), 1, height_ratios=[p.height for p in chart.panels])
    for row, panel in enumerate(chart.panels):
        axes = figure.add_subplot(grid[row])
        axes.set_title(textwrap.fill(panel.title, 62), loc="left", fontsize=12.5, fontweight="bold", color=INK)
        if panel.is_empty:
            _empty(axes, panel.empty_text)
        else:
            DRAWERS[panel.kind](axes, panel, chart.lang)
    figure.supxlabel(textwrap.fill(chart.footer, 100), x=0.02, ha="left", fontsize=8.5, color="#555555")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _plain_axes(axes) -> None:  # noqa: ANN001
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="x", bottom=False, labelbottom=False)


def _empty(axes, text: str) -> None:  # noqa: ANN001
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", va="center", fontsize=12, color=GREY)


def _bars(axes, panel: Panel, lang: str) -> None:  # noqa: ANN001
    positions = range(len(panel.bars))
    values = [b.value for b in panel.bars]
    axes.barh(positions, values, color=[b.colour for b in panel.bars], height=0.62)
    axes.set_yticks(list(positions), [b.label for b in panel.bars], fontsize=12, color=INK)
    top = panel.axis_max or max(values)
    # Room to the right for the value written after the longest bar.
    longest_text = max(len(line) for b in panel.bars for line in b.text.splitlines())
    axes.set_xlim(0, top * (1.05 if panel.axis_max else 1 + 0.03 * longest_text + 0.05))
    for position, bar in zip(positions, panel.bars):
        axes.text(bar.value + top * 0.012, position, bar.text, va="center", fontsize=11.5, color=INK,
                  linespacing=1.25)
    bottom = len(panel.bars) - 0.5
    if panel.reference is not None:
        where, label = panel.reference
        axes.axvline(where, color=INK, linestyle="--", linewidth=1.2)
        axes.text(where + top * 0.012, -0.85, label, va="center", fontsize=10.5, color=INK, fontweight="bold")
        axes.set_ylim(bottom, -1.2)
    else:
        axes.set_ylim(bottom, -0.5)
    _plain_axes(axes)


def _split(axes, panel: Panel, lang: str) -> None:  # noqa: ANN001
    total = sum(s.value for s in panel.segments)
    left = 0.0
    for segment in panel.segments:
        axes.barh(0, segment.value, left=left, color=segment.colour, height=0.9)
        axes.text(left + segment.value / 2, 0, segment.text, ha="center", va="center", fontsize=12,
                  color=segment.text_colour, fontweight="bold", linespacing=1.4)
        left += segment.value
    axes.set_xlim(0, total)
    axes.set_ylim(-0.5, 0.5)
    axes.set_axis_off()


def _lines(axes, panel: Panel, lang: str) -> None:  # noqa: ANN001
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    positions = list(range(len(panel.x_labels)))
    for series in panel.series:
        axes.plot(positions, series.values, color=series.colour, marker=series.marker, linestyle=series.style,
                  linewidth=2.2, markersize=6, label=series.label)
    # On a phone, 12 dates side by side collide: label every other one, always the latest.
    step = 2 if len(positions) > 7 else 1
    shown = [label if (len(positions) - 1 - i) % step == 0 else "" for i, label in enumerate(panel.x_labels)]
    axes.set_xticks(positions, shown, fontsize=10, color=INK)
    axes.tick_params(axis="y", labelsize=10)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    axes.yaxis.set_major_formatter(FuncFormatter(
        lambda value, _: format_decimal(int(value), locale=LOCALES.get(lang, "id_ID"))))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper left", fontsize=10.5, frameon=False, ncol=len(panel.series))
    axes.margins(y=0.25)


def _tiles(axes, panel: Panel, lang: str) -> None:  # noqa: ANN001
    axes.set_axis_off()
    per_row = 3
    rows = (len(panel.tiles) + per_row - 1) // per_row
    for index, tile in enumerate(panel.tiles):
        row, column = divmod(index, per_row)
        x = (column + 0.5) / per_row
        y = 1 - (row + 0.42) / rows
        axes.text(x, y, tile.value, transform=axes.transAxes, ha="center", va="bottom", fontsize=21,
                  fontweight="bold", color=BLUE)
        axes.text(x, y - 0.04, textwrap.fill(tile.label, 22), transform=axes.transAxes, ha="center", va="top",
                  fontsize=10, color=INK)


DRAWERS = {"bars": _bars, "split": _split, "lines": _lines, "tiles": _tiles}


# ------------------------------------------------------------------------------------------------ cache
class ChartRenderer:
    """Draws charts in one worker process and keeps the last few pictures: a chart whose data has not changed is
    not drawn again, and concurrent requests for the same chart share one drawing.

    A process rather than a thread: matplotlib holds the GIL while it draws (a thread stalls the event loop for
    tens of milliseconds per chart) and adds about 40 MB once imported; in its own process neither touches the
    bot. The worker starts on the first chart and is replaced if it dies. `in_process=True` draws on a thread
    instead (tests, one-off tools).
    """

    def __init__(self, max_entries: int = 24, *, in_process: bool = False) -> None:
        self._max_entries = max_entries
        self._in_process = in_process
        self._pictures: OrderedDict[str, bytes] = OrderedDict()
        self._drawing: dict[str, asyncio.Future[bytes]] = {}
        self._executor: Executor | None = None
        self.drawn = 0  # pictures actually drawn (the rest came from the cache)

    def _pool(self) -> Executor:
        if self._executor is None:
            if self._in_process:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
            else:
                # spawn: a fresh interpreter, never a fork of a process with an event loop and threads.
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._executor

    async def _draw(self, chart: Chart) -> bytes:
        loop = asyncio.get_running_loop()
        pool = self._pool()
        try:
            return await loop.run_in_executor(pool, render_png, chart)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a new one draws it
            if self._executor is pool:  # not a pool another caller has already replaced
                self.close()
            return await loop.run_in_executor(self._pool(), render_png, chart)

    async def png(self, chart: Chart) -> bytes:
        key = chart.key
        picture = self._pictures.get(key)
        if picture is not None:
            self._pictures.move_to_end(key)
            return picture
        pending = self._drawing.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future = asyncio.ensure_future(self._draw(chart))
        self._drawing[key] = future
        try:
            picture = await asyncio.shield(future)
        finally:
            self._drawing.pop(key, None)
        self.drawn += 1
        self._pictures[key] = picture
        while len(self._pictures) > self._max_entries:
            self._pictures.popitem(last=False)
        return picture

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

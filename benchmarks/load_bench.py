"""Load benchmark: 1,000 simulated users send realistic mixed traffic through the local Bot API stand-in to the
real bot process, on SQLite and on PostgreSQL, and the same traffic to a bare python-telegram-bot echo bot.

    .venv/bin/python benchmarks/load_bench.py [--users 1000] [--rate 200] [--seconds 30]
                                              [--database-url postgresql://...] [--limits] [--only sqlite,echo]

Traffic, as people use the bot (each user keeps one habit for the whole run):
- 50% ask questions in free text (the knowledge base's own phrasings, misspellings included);
- 20% work out a contribution: /iuran, occupation button, income typed as "1,5 jt", JHT button, months button;
- 15% go through the first steps of a sponsor pledge: /sponsor, count button, a name, occupation button, a phone;
- 15% browse topics: /tanya, next page button, a topic button.
Users think between steps, so together they offer `--rate` updates a second (Poisson arrivals); a second phase
offers three times that to find the ceiling. Each user's next step waits for the bot's answer to the last one.

Prints, per bot: updates handled per second, reply time p50/p95/p99 (from the update being queued to the bot's first
visible answer in that chat: a message, an edit or a button's answer), 5xx/4xx answers, the bot process's peak
memory (VmHWM) and CPU time per update. The echo bot's figures show what the stand-in and PTB cost; the ratio is
what our own work costs. Targets: >= 200 updates/s with p95 < 300 ms, peak memory < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.devtools.telegram_standin import BotApiSandbox, BotEvent, RateLimits  # noqa: E402
from bot.infra import migrations as migrate  # noqa: E402
from bot.questions.knowledge_base import load_knowledge  # noqa: E402
from tests.support.botproc import BotProcess  # noqa: E402
from tests.support.sim_user import ThreadedSandbox  # noqa: E402

FIRST_USER = 70_000_000
ECHO_BOT = Path(__file__).with_name("echo_bot.py")

QUOTE = [("send", "/iuran"), ("press", "Pedagang"), ("send", "1,5 jt"), ("press", "JHT"), ("press", "bulan")]
SPONSOR = [("send", "/sponsor"), ("press", "2"), ("send", "Ahmad Fauzi"), ("press", "Marbot"),
           ("send", "0812 1111 2222")]
BROWSE = [("send", "/tanya"), ("press", "Berikutnya"), ("topic", "")]


@dataclass
class Phase:
    replies: list[float] = field(default_factory=list)  # seconds
    timeouts: int = 0
    started: float = 0.0
    ended: float = 0.0
    bot_cpu: float = 0.0  # CPU seconds the bot process used during the phase
    own_cpu: float = 0.0  # and this process (the stand-in and the simulated users)
    peak_mb: float = 0.0  # the bot process's peak memory (VmHWM) at the end of the phase

    @property
    def rate(self) -> float:
        return len(self.replies) / max(self.ended - self.started, 1e-9)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.replies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")


class Traffic:
    """Simulated users inside the stand-in's event loop; answers are matched per chat by a listener."""

    def __init__(self, sandbox: BotApiSandbox, users: int, questions: list[str], bot_pid: int, seed: int = 7) -> None:
        self.sandbox = sandbox
        self.bot_pid = bot_pid
        self.users = [FIRST_USER + i for i in range(users)]
        self.questions = questions
        self.rng = random.Random(seed)
        self.waiting: dict[int, asyncio.Future[BotEvent]] = {}
        self.buttons: dict[int, object] = {}  # chat -> the bot's newest message with buttons
        self.phase: Phase | None = None
        self.think = 5.0
        self.running = True
        sandbox.listeners.append(self._on_event)

    def _on_event(self, event: BotEvent) -> None:
        message = event.message
        if message is not None and event.kind in ("message", "edit"):
            if message.buttons:
                self.buttons[event.chat_id] = message
            elif self.buttons.get(event.chat_id) is message:
                del self.buttons[event.chat_id]
        future = self.waiting.pop(event.chat_id, None)
        if future is not None and not future.done():
            future.set_result(event)

    def script(self, index: int) -> list[tuple[str, str]]:
        share = index % 20
        if share < 10:
            return [("ask", "")]
        if share < 14:
            return QUOTE
        if share < 17:
            return SPONSOR
        return BROWSE

    def _button(self, chat_id: int, label: str, topic: bool = False) -> tuple[int, str] | None:
        """(message id, callback data) of the newest button whose label contains `label` (or a topic button)."""
        newest = self.buttons.get(chat_id)
        if newest is None or newest.deleted:
            return None
        for button in newest.buttons:
            data = button.get("callback_data")
            if data is None:
                continue
            if (topic and data.startswith("t:")) or (not topic and label.lower() in button["text"].lower()):
                return newest.message_id, data
        for button in newest.buttons:  # an unfinished flow from the last round: leave it and start again
            if "Tinggalkan" in button["text"] and "callback_data" in button:
                return newest.message_id, button["callback_data"]
        return None

    async def _step(self, user_id: int, kind: str, argument: str) -> None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[BotEvent] = loop.create_future()
        self.waiting[user_id] = answer
        sent_at = time.monotonic()
        pressed = None
        if kind in ("press", "topic"):
            pressed = self._button(user_id, argument, topic=kind == "topic")
        if pressed is not None:
            await self.sandbox.press(user_id, pressed[0], pressed[1])
        else:
            text = self.rng.choice(self.questions) if kind in ("ask", "press", "topic") else argument
            await self.sandbox.user_message(user_id, text, first_name="Warga",
                                            language_code="en" if user_id % 10 == 0 else "id")
        phase = self.phase
        try:
            event = await asyncio.wait_for(answer, 10)
        except TimeoutError:
            self.waiting.pop(user_id, None)
            if phase is not None:
                phase.timeouts += 1
            return
        if phase is not None and phase is self.phase and phase.started <= sent_at:
            phase.replies.append(event.at - sent_at)

    async def user(self, index: int) -> None:
        user_id = self.users[index]
        steps = self.script(index)
        await asyncio.sleep(self.rng.expovariate(1 / self.think))  # arrivals spread out from the start
        while self.running:
            for kind, argument in steps:
                if not self.running:
                    return
                await self._step(user_id, kind, argument)
                await asyncio.sleep(self.rng.expovariate(1 / self.think))

    async def run(self, rate: float, seconds: float, warmup: float) -> list[tuple[float, Phase]]:
        """A phase at `rate`, then one at three times `rate` (the ceiling); returns (offered rate, figures)."""
        for user_id in self.users:
            self.sandbox.ensure_user(user_id, first_name="Warga", language_code="en" if user_id % 10 == 0 else "id")
        results = []
        self.think = len(self.users) / rate
        tasks = [asyncio.create_task(self.user(i)) for i in range(len(self.users))]
        try:
            for offered in (rate, rate * 3):
                self.think = len(self.users) / offered
                await asyncio.sleep(warmup)
                bot_cpu, own_cpu = process_figures(self.bot_pid)[1], process_figures(os.getpid())[1]
                self.phase = phase = Phase(started=time.monotonic())
                await asyncio.sleep(seconds)
                phase.ended = time.monotonic()
                phase.bot_cpu = process_figures(self.bot_pid)[1] - bot_cpu
                phase.own_cpu = process_figures(os.getpid())[1] - own_cpu
                phase.peak_mb = process_figures(self.bot_pid)[0]
                self.phase = None
                results.append((offered, phase))
        finally:
            self.running = False
            await asyncio.wait(tasks, timeout=15)
            for task in tasks:
                task.cancel()
        return results


def process_figures(pid: int) -> tuple[float, float]:
    """(peak RSS in MB, CPU seconds) of a running process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return peak / 1024, cpu


def run_one(name: str, database_url: str | None, args: argparse.Namespace, questions: list[str]) -> None:
    with tempfile.TemporaryDirectory() as workdir, ThreadedSandbox(limits=RateLimits() if args.limits else None) \
            as box:
        if database_url is None:  # the echo bot, started and stopped the same way
            process = BotProcess(box, "sqlite+aiosqlite:///unused.db", Path(workdir))
            process.command = [sys.executable, str(ECHO_BOT)]
        else:
            asyncio.run(migrate.upgrade_async(database_url))
            settings = {"DATA_KEY": args.data_key} if "postgresql" in database_url else {}
            # Without --limits the stand-in accepts any rate, and so does the bot: the run measures its own
            # capacity. With them, the bot keeps its default overall budget (Telegram's 30 messages/s).
            settings.update({} if args.limits else {"MESSAGE_RATE": "1000"})
            process = BotProcess(box, database_url, Path(workdir), **settings)
            if args.profile:  # cProfile of the bot process, written when it stops
                process.command = [sys.executable, "-m", "cProfile", "-o", f"{args.profile}.{name}", "-m", "bot"]
        process.start()
        try:
            traffic = Traffic(box.sandbox, args.users, questions, process.process.pid)
            at_start, cpu_before = process_figures(process.process.pid)
            results = box.call(traffic.run(args.rate, args.seconds, args.warmup),
                               timeout=2 * (args.seconds + args.warmup) + 60)
            peak, cpu_after = process_figures(process.process.pid)
            handled = sum(len(p.replies) for _, p in results) or 1
            errors = sum(1 for c in box.calls_to("sendMessage") + box.calls_to("editMessageText")
                         + box.calls_to("answerCallbackQuery") if c.status >= 400)
            refused = box.sandbox.too_many_requests
        finally:
            process.stop()
    for offered, phase in results:
        n = max(len(phase.replies), 1)
        print(f"{name:>10} offered {offered:5.0f}/s: handled {phase.rate:6.1f} updates/s, reply p50 "
              f"{phase.percentile(50):5.0f} ms, p95 {phase.percentile(95):5.0f} ms, p99 {phase.percentile(99):5.0f}"
              f" ms, unanswered within 10 s {phase.timeouts}; CPU per update: bot {1000 * phase.bot_cpu / n:.2f} ms, "
              f"stand-in and users {1000 * phase.own_cpu / n:.2f} ms; bot busy "
              f"{100 * phase.bot_cpu / (phase.ended - phase.started):.0f}% of a core; peak memory so far "
              f"{phase.peak_mb:.0f} MB")
    print(f"{name:>10} peak memory {peak:.0f} MB (at start {at_start:.0f} MB), CPU {1000 * (cpu_after - cpu_before) / handled:.2f} ms per update"
          f" (over the whole run, warm-up included), error answers {errors} (429: {refused})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="offered updates per second (first phase)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                        help="PostgreSQL server for the second run (a fresh database is created and dropped)")
    parser.add_argument("--limits", action="store_true", help="the stand-in enforces Telegram's rate limits")
    parser.add_argument("--only", default="sqlite,postgresql,echo")
    parser.add_argument("--charts", action="store_true",
                        help="include the questions answered with a chart (the first one draws it: matplotlib)")
    parser.add_argument("--profile", help="write a cProfile of each bot run to PROFILE.<backend>")
    args = parser.parse_args()
    from bot.core.crypto import new_data_key

    args.data_key = new_data_key()
    questions = [p for topic in load_knowledge().topics.values() for p in topic.phrasings
                 if args.charts or topic.id not in ("statistik", "klaim_kalimantan")]
    wanted = args.only.split(",")
    print(f"{args.users} users, offered {args.rate:.0f} then {3 * args.rate:.0f} updates/s, {args.seconds:.0f} s each"
          f"{', Telegram limits on' if args.limits else ''}; {os.cpu_count()} CPUs")
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory() as directory:
            run_one("sqlite", f"sqlite+aiosqlite:///{directory}/load.db", args, questions)
    if "postgresql" in wanted and args.database_url:
        from benchmarks.reminders_bench import create_database, drop_database

        url = asyncio.run(create_database(args.database_url))
        try:
            run_one("postgresql", url, args, questions)
        finally:
            asyncio.run(drop_database(args.database_url, url))
    if "echo" in wanted:
        run_one("echo", None, args, questions)


if __name__ == "__main__":
    main()

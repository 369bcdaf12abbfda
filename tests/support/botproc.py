"""Runs the real bot (`python -m bot ...`) as a child process, as an operator would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.core.settings import Settings
from tests.support.sim_user import ThreadedSandbox

TEST_TOKEN = "123456789:TEST-token-for-the-local-stand-in-0001"


def _die_with_parent() -> None:
    """Linux: the bot gets SIGTERM if the test runner dies, so no orphan keeps a port or a database."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def clean_environment(**settings: str) -> dict[str, str]:
    """The current environment without any of the bot's settings, plus `settings`."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours and k != "TEST_DATABASE_URL"}
    env.update({k.upper(): v for k, v in settings.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_cli(*args: str, cwd: Path, timeout: float = 60, stdin: str | None = None,
            **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=clean_environment(**settings),
                          input=stdin, capture_output=True, text=True, timeout=timeout)


class BotProcess:
    def __init__(self, sandbox: ThreadedSandbox, database_url: str, workdir: Path, *args: str,
                 **settings: str) -> None:
        self.sandbox = sandbox
        self.workdir = workdir
        self.args = args
        self.settings = {"BOT_TOKEN": TEST_TOKEN, "TELEGRAM_BASE_URL": sandbox.base_url,
                         "DATABASE_URL": database_url, "LOG_LEVEL": "INFO", **settings}
        self.log_path = workdir / f"bot-{time.monotonic_ns()}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.command = [sys.executable, "-m", "bot", *args]  # benchmarks may run another bot the same way

    def start(self, ready: str = "getUpdates", timeout: float = 60) -> "BotProcess":
        """Start and wait until the bot calls `ready` on the stand-in (polling has begun)."""
        assert self.process is None or self.process.poll() is not None, "already running"
        seen = len(self.sandbox.calls_to(ready))
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(self.command, cwd=self.workdir,
                                        env=clean_environment(**self.settings), stdout=self._log,
                                        stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"bot exited with {self.process.returncode}:\n{self.log()}")
            if len(self.sandbox.calls_to(ready)) > seen:
                return self
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"bot did not call {ready} within {timeout}s:\n{self.log()}")

    def stop(self, timeout: float = 20) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "BotProcess":
        return self if self.process is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

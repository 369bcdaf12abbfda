"""Running the bot as an operator does: the command line, settings errors, restart, webhook, console."""

from __future__ import annotations

import shutil
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.core.crypto import new_data_key
from tests.support.botproc import TEST_TOKEN, BotProcess, run_cli
from tests.support.sim_user import ThreadedSandbox

pytestmark = pytest.mark.e2e


def _single_line_error(result) -> str:  # noqa: ANN001
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_without_a_token_the_bot_says_what_to_set_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    line = _single_line_error(result)
    assert "BOT_TOKEN" in line and "console" in line


@pytest.mark.parametrize(("variable", "value"), [("ADMIN_IDS", "satu,dua"), ("DEFAULT_TIMEZONE", "WITA"),
                                                 ("BOT_TOKEN", "not-a-token"), ("DATABASE_URL", "mysql://x/y")])
def test_an_invalid_setting_names_itself_and_exits_2(tmp_path: Path, variable: str, value: str) -> None:
    result = run_cli(cwd=tmp_path, **{"BOT_TOKEN": TEST_TOKEN, variable: value})
    assert result.returncode == 2
    line = _single_line_error(result)
    assert variable in line and (variable != "BOT_TOKEN" or value not in line)


def test_settings_come_from_a_dotenv_file_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=oops\n")
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2 and "ADMIN_IDS" in result.stderr


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path, BOT_TOKEN=TEST_TOKEN, DATA_KEY=new_data_key(),
                     DATABASE_URL="postgresql://lp:s3cretpw@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert "s3cretpw" not in result.stderr and "Cannot prepare the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_postgres_without_a_data_key_refuses_to_start_before_touching_the_database(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path, BOT_TOKEN=TEST_TOKEN, DATABASE_URL="postgresql://lp:pw@127.0.0.1:1/nothing")
    assert result.returncode == 2 and "DATA_KEY is required" in result.stderr and "keygen" in result.stderr
    assert "Traceback" not in result.stderr and "Cannot prepare" not in result.stderr


def test_a_token_telegram_refuses_is_reported_and_exits_2(tmp_path: Path, fresh_database) -> None:  # noqa: ANN001
    _, url = fresh_database
    with ThreadedSandbox() as box:
        box.run(lambda: box.sandbox.rejected_tokens.add(TEST_TOKEN))
        result = run_cli(cwd=tmp_path, BOT_TOKEN=TEST_TOKEN, TELEGRAM_BASE_URL=box.base_url, DATABASE_URL=url)
    assert result.returncode == 2
    assert "refused" in result.stderr and TEST_TOKEN not in result.stderr


def test_the_default_database_is_a_sqlite_file_under_data_created_on_first_start(tmp_path: Path) -> None:
    with ThreadedSandbox() as box:
        process = BotProcess(box, "", tmp_path)
        process.settings.pop("DATABASE_URL")
        with process:
            user = box.user(4321)
            user.send("/start")
            assert user.replies()
    assert (tmp_path / "data" / "lindungi.db").stat().st_size > 0


def test_language_survives_a_restart_and_sigterm_stops_cleanly(tmp_path: Path, fresh_database) -> None:  # noqa: ANN001
    _, url = fresh_database
    with ThreadedSandbox() as box:
        process = BotProcess(box, url, tmp_path).start()
        user = box.user(5555)
        user.send("/bahasa")
        user.reply()
        user.press("English")
        user.replies()
        assert process.stop() == 0
        assert "Traceback" not in process.log()

        with BotProcess(box, url, tmp_path):
            user.send("/start")
            assert user.replies()[0].text.startswith("Hello")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_mode_receives_updates_and_checks_telegrams_secret_header(tmp_path: Path,
                                                                          fresh_database) -> None:  # noqa: ANN001
    _, url = fresh_database
    with ThreadedSandbox() as box:
        port = _free_port()
        webhook = f"http://127.0.0.1:{port}/telegram-hook"
        with BotProcess(box, url, tmp_path, WEBHOOK_URL=webhook, WEBHOOK_LISTEN="127.0.0.1",
                        WEBHOOK_PORT=str(port)).start(ready="setWebhook"):
            call = box.wait_for_call("setWebhook")[-1]
            assert call.params["url"] == webhook and len(call.params["secret_token"]) >= 32
            user = box.user(6161, first_name="Rina")
            user.send("/start")
            assert "Halo, Rina!" in user.replies()[0].text

            forged = urllib.request.Request(webhook, data=b'{"update_id": 1}', method="POST",
                                            headers={"Content-Type": "application/json"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(forged, timeout=5)
            assert refused.value.code == 403

            # 90 MB announced, without the secret header: refused from the headers, before the body is read.
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                raw.sendall(b"POST /telegram-hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 94371840\r\n\r\n" + b"{" * 65536)
                answer = raw.recv(4096)
            assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
            user.send("/start")  # and the bot goes on answering
            assert "Halo, Rina!" in user.replies()[0].text


def test_a_webhook_port_in_use_is_one_line(tmp_path: Path, fresh_database) -> None:  # noqa: ANN001
    _, url = fresh_database
    with ThreadedSandbox() as box, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(cwd=tmp_path, BOT_TOKEN=TEST_TOKEN, TELEGRAM_BASE_URL=box.base_url, DATABASE_URL=url,
                         WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_LISTEN="127.0.0.1",
                         WEBHOOK_PORT=str(port))
    assert result.returncode == 1
    assert "WEBHOOK_PORT" in result.stderr and "Traceback" not in result.stderr


def test_the_console_chats_without_a_token_and_numbers_the_buttons(tmp_path: Path) -> None:
    result = run_cli("console", cwd=tmp_path, stdin="/start\n#5\n#1\n/keluar\n", timeout=90)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Halo, Anda!" in out
    assert "[#1] ❓ Tanya program" in out and "[#6] 🌐 Bahasa" in out
    assert "Pengingat bayar iuran" in out  # button 5 was pressed
    assert "[#1] 07.00" in out  # the reminder settings' own buttons, numbered afresh
    assert (tmp_path / "data" / "console.db").exists()
    assert (tmp_path / "data" / "data.key").exists()  # personal data works without configuring a key
    assert "Traceback" not in result.stderr


def test_start_opens_the_console_when_there_is_no_token(tmp_path: Path) -> None:
    result = run_cli("start", cwd=tmp_path, stdin="/help\n", timeout=90)
    assert result.returncode == 0 and "/bahasa" in result.stdout


def test_db_commands_upgrade_and_report_the_revision(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/ops.db"
    assert run_cli("db", "current", cwd=tmp_path, DATABASE_URL=url).stdout.strip() == "(empty database)"
    upgraded = run_cli("db", "upgrade", cwd=tmp_path, DATABASE_URL=url)
    assert upgraded.returncode == 0, upgraded.stderr
    from alembic.script import ScriptDirectory

    from bot.infra.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert run_cli("db", "current", cwd=tmp_path, DATABASE_URL=url).stdout.strip() == head


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "lindungi-bot"
    assert script.exists() or shutil.which("lindungi-bot")

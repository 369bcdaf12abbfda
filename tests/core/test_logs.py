from __future__ import annotations

import logging

from bot.core.logs import RedactingFormatter, user_ref

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def _format(record_message: str, *, exc: BaseException | None = None, secrets: tuple[str, ...] = ()) -> str:
    formatter = RedactingFormatter("%(message)s", secrets)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, record_message, None,
                               (type(exc), exc, exc.__traceback__) if exc else None)
    return formatter.format(record)


def test_tokens_and_configured_secrets_never_reach_the_log() -> None:
    line = _format(f"HTTP Request: POST https://api.telegram.org/bot{TOKEN}/getMe", secrets=("hunter2",))
    assert TOKEN not in line and "<token>" in line
    assert "hunter2" not in _format("password hunter2 seen", secrets=("hunter2",))


def test_a_traceback_quoting_the_token_is_redacted_too() -> None:
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError as error:
        text = _format("boom", exc=error)
    assert "Traceback" in text and TOKEN not in text


def test_user_reference_is_stable_and_does_not_contain_the_id() -> None:
    assert user_ref(123456789) == user_ref(123456789)
    assert user_ref(123456789) != user_ref(123456780)
    assert "123456789" not in user_ref(123456789)


def test_expected_scheduler_skips_are_not_logged_but_other_scheduler_warnings_are() -> None:
    from bot.core.logs import ExpectedSkips

    def record(name: str, message: str) -> logging.LogRecord:
        return logging.LogRecord(name, logging.WARNING, __file__, 1, message, None, None)

    skips = ExpectedSkips()
    assert not skips.filter(record("apscheduler.scheduler", 'Execution of job "x" skipped: maximum number of '
                                                            'running instances reached (1)'))
    assert skips.filter(record("apscheduler.executors.default", 'Run time of job "x" was missed by 0:00:05'))
    assert skips.filter(record("bot", "maximum number of running instances reached"))


def test_a_data_key_read_from_the_key_file_is_hidden_in_the_log(tmp_path, capsys) -> None:  # noqa: ANN001
    from bot.core.logs import configure_logging
    from bot.infra.data_key_file import cipher_for

    configure_logging("INFO", secrets=(TOKEN,))
    try:
        url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
        cipher_for(None, url)  # first start: makes data.key beside the database
        key = (tmp_path / "data.key").read_text().strip()
        logging.getLogger("bot.test").warning("something printed %s by mistake", key)
        logged = capsys.readouterr().err
        assert key and key not in logged and "<secret>" in logged
    finally:
        logging.getLogger().handlers.clear()


def test_pseudonyms_are_keyed_with_the_deployments_secret() -> None:
    from bot.core.logs import pseudonym_key

    ours, theirs = pseudonym_key(TOKEN), pseudonym_key("987654321:AnotherBotsTokenAnotherBotsToken12")
    assert user_ref(5, key=ours) != user_ref(5, key=theirs)  # not reversible with a key from the source code
    assert user_ref(5, key=ours) == user_ref(5, key=pseudonym_key(TOKEN))  # every process of a deployment agrees


def test_library_debug_records_never_pass_but_ours_do() -> None:
    from bot.core.logs import NoLibraryDebug

    def record(name: str, level: int) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, "Update(message=Message(text='6371015708900001'))",
                                 None, None)

    keep = NoLibraryDebug().filter
    assert not keep(record("telegram.ext.Updater", logging.DEBUG))
    assert not keep(record("httpx", logging.DEBUG)) and not keep(record("sqlalchemy.engine.Engine", logging.DEBUG))
    assert keep(record("telegram.ext.Application", logging.WARNING))
    assert keep(record("bot.jobs.reminder_sender", logging.DEBUG)) and keep(record("telegramish", logging.DEBUG))

"""A size limit on webhook requests, applied before their bodies are read.

python-telegram-bot serves webhooks with tornado, whose default limit is 100 MB, and checks Telegram's secret header
only once the body is in: anyone who finds the URL could make the bot read 100 MB per request. An update is a few
kilobytes, so 1 MB is plenty: tornado refuses a larger Content-Length from the headers alone (400, connection
closed) and stops reading a chunked body at the limit. A reverse proxy in front should refuse large bodies too
(README, Production).
"""

from __future__ import annotations

MAX_WEBHOOK_BODY = 1024 * 1024


def limit_webhook_bodies(max_bytes: int = MAX_WEBHOOK_BODY) -> None:
    """Make python-telegram-bot's webhook server refuse bodies over `max_bytes`. PTB builds its tornado HTTPServer
    inside Updater.start_webhook without a size option, so the class it builds is swapped for one with the limit
    (checked by tests/e2e/test_operations.py on every PTB upgrade)."""
    from telegram.ext._utils import webhookhandler
    from tornado.httpserver import HTTPServer

    class LimitedHTTPServer(HTTPServer):
        def initialize(self, *args: object, **kwargs: object) -> None:
            kwargs["max_body_size"] = max_bytes
            super().initialize(*args, **kwargs)  # type: ignore[arg-type]

    webhookhandler.HTTPServer = LimitedHTTPServer

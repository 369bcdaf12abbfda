"""The Bot API transport: PTB's documented `BaseRequest` extension point, implemented with aiohttp.

Why not PTB's default (httpx): under concurrent load httpx's pure-Python connection handling costs about as much
CPU as everything else the bot does per update (benchmarks/load_bench.py; PTB issue #4560 and httpx issue #838
report the same). aiohttp's client parses HTTP in C and keeps connections with less bookkeeping. PTB, its retries
and its error types stay as they are: only the HTTP round trip changes. `HTTP_CLIENT=httpx` switches back.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.request
from functools import lru_cache
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)


class AiohttpRequest(BaseRequest):
    def __init__(self, *, connection_pool_size: int = 64, connect_timeout: float = 10.0, read_timeout: float = 15.0,
                 write_timeout: float = 30.0, pool_timeout: float = 10.0) -> None:
        self._pool_size = connection_pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            # Not trust_env: with it aiohttp reads ~/.netrc and the proxy variables again for every request, in a
            # thread (12% of the bot's CPU under load). proxy_for() reads the same variables once per host.
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,  # noqa: ANN001
                         connect_timeout=BaseRequest.DEFAULT_NONE,  # noqa: ANN001
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:  # noqa: ANN001
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")

        def pick(value: object, default: float) -> float | None:
            return default if isinstance(value, DefaultValue) else value  # type: ignore[return-value]

        files = request_data.multipart_data if request_data else None
        headers = None
        if files:
            body: aiohttp.FormData | bytes | None = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                body.add_field(name, value)
            for name, part in files.items():
                filename, content, mime = part if len(part) == 3 else (*part, None)  # type: ignore[misc]
                body.add_field(name, content, filename=filename, content_type=mime)
        elif request_data is not None:
            # Encoded here: handing aiohttp a dict makes it build a multipart writer (and a uuid) per call.
            body = request_data.url_encoded_parameters().encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            body = None
        read = pick(read_timeout, self._read_timeout)
        if files:
            # aiohttp has no write timeout and starts the read timeout only after the body is sent: an upload gets
            # one overall limit instead (connect + write + read), so a stalled one cannot hang the user's queue.
            parts = (pick(connect_timeout, self._connect_timeout), pick(write_timeout, self._write_timeout), read)
            timeout = aiohttp.ClientTimeout(total=sum(p for p in parts if p) or None,
                                            connect=pick(pool_timeout, self._pool_timeout))
        else:
            timeout = aiohttp.ClientTimeout(total=None, connect=pick(pool_timeout, self._pool_timeout),
                                            sock_connect=pick(connect_timeout, self._connect_timeout), sock_read=read)
        proxy = proxy_for(url)
        try:
            async with self._session.request(method, url, data=body, headers=headers, timeout=timeout,
                                             proxy=proxy) as response:
                return response.status, await response.read()
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


@lru_cache(maxsize=8)
def _proxy_for_origin(scheme: str, host: str) -> str | None:
    if urllib.request.proxy_bypass_environment(host):
        return None
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get("all")
    if proxy and urlsplit(proxy).scheme not in ("http", "https"):
        # aiohttp speaks only to HTTP proxies and would treat socks5://... as one; aiohttp's own trust_env never
        # used ALL_PROXY either. Going direct is what this bot did before it read the proxy itself.
        log.warning("ignoring the %s proxy from the environment: only http:// and https:// proxies are supported",
                    urlsplit(proxy).scheme or "unnamed")
        return None
    return proxy or None
def proxy_for(url: str) -> str | None:
    """The proxy for `url` from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, as PTB's httpx transport uses
    them; read once per host, since the environment does not change under a running bot. Credentials go in the
    proxy URL (http://user:password@host:port); ~/.netrc is not read."""
    parts = urlsplit(url)
    return _proxy_for_origin(parts.scheme, parts.hostname or "")


def bot_api_request(settings, *, pool_size: int, read_timeout: float = 15.0) -> BaseRequest:  # noqa: ANN001
    """The request object for one PTB Bot: the configured HTTP client with the bot's timeouts."""
    if settings.http_client == "httpx":
        from telegram.request import HTTPXRequest

        return HTTPXRequest(connection_pool_size=pool_size, connect_timeout=10, read_timeout=read_timeout,
                            write_timeout=30, pool_timeout=10)
    return AiohttpRequest(connection_pool_size=pool_size, connect_timeout=10, read_timeout=read_timeout,
                          write_timeout=30, pool_timeout=10)

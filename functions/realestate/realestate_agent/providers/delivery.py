"""One webhook POST, safely: the host is resolved once, every address checked (in Lambda: public
addresses only), and the connection made to the checked address with the original host name for
TLS (SNI, certificate) and the Host header, so DNS cannot change the target after the check.
Redirects are never followed."""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from realestate_agent.logic.webhooks import check_target_url, is_public

USER_AGENT = "RealEstateAgent-Webhooks/1.0"
MAX_RESPONSE_BYTES = 4096


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class TargetRefused(Exception):
    pass


def _resolve(host: str, port: int, allow_local: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise TargetRefused(f"cannot resolve {host}") from error
    addresses = [info[4][0] for info in infos]
    if not allow_local and any(not is_public(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        raise TargetRefused(f"{host} resolves to a private or reserved address")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: str, headers: dict[str, str], timeout: float, allow_local: bool) -> AttemptResult:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_target_url(url, allow_local)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _resolve(host, port, allow_local)
        kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        connection = kind(host, address, port, timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "POST",
                path,
                body=body.encode(),
                headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
            )
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            return AttemptResult(
                response.status, elapsed(), None if 200 <= response.status < 300 else f"HTTP {response.status}"
            )
        finally:
            connection.close()
    except TargetRefused as refused:
        return AttemptResult(None, elapsed(), f"refused target: {refused}")
    except Exception as error:  # any transport failure is a failed attempt, retried later
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        return AttemptResult(None, elapsed(), f"{type(error).__name__}: {message}"[:300])

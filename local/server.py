"""Serves every HTTP API and WebSocket API of the template on its own localhost port (``make dev``).

Each connection is served on its own thread, and the runtime runs the requests that arrive at once
on separate warm instances, so hundreds of clients can be connected at once (the listen backlog is
``LISTEN_BACKLOG``). Request bodies come with a ``Content-Length`` or ``Transfer-Encoding: chunked``.
``<base>/openapi.json`` and ``<base>/docs`` are answered here (``local.api_docs``) unless the
template routes them.
"""

import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from local.api_docs import ApiDocuments
from local.runtime import LocalRuntime

LISTEN_BACKLOG = 1024


class _Server(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True


class BadRequest(Exception):
    pass


def read_chunked(stream: BinaryIO) -> bytes:
    """A ``Transfer-Encoding: chunked`` body (RFC 9112 section 7.1), trailers skipped."""
    chunks = []
    while True:
        line = stream.readline(1024)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BadRequest("malformed chunk size") from None
        if size == 0:
            while stream.readline(8192).strip():
                pass
            return b"".join(chunks)
        chunks.append(stream.read(size))
        stream.readline(8)


def _request_handler(
    runtime: LocalRuntime, api_id: str, documents: ApiDocuments | None = None
) -> type[BaseHTTPRequestHandler]:
    class ApiGatewayHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "local-apigateway"

        def _body(self) -> bytes:
            if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
                return read_chunked(self.rfile)
            length = int(self.headers.get("content-length") or 0)
            return self.rfile.read(length) if length else b""

        def _serve(self) -> None:
            try:
                body = self._body()
            except (BadRequest, ValueError):
                self.send_error(400, "Bad Request")
                return
            url = urlsplit(self.path)
            headers = [(name, value) for name, value in self.headers.items() if name.lower() != "transfer-encoding"]
            answer = documents.answer(api_id, self.command, url.path) if documents else None
            status, headers, payload = answer or runtime.handle_http(
                api_id, self.command, url.path, url.query, headers, body, self.client_address[0]
            )
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, QUERY...) is routed too: API Gateway answers 404, not 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: object) -> None:
            print(f"{api_id} {self.address_string()} {format % args}", flush=True)

    return ApiGatewayHandler


def serve_http_api(
    runtime: LocalRuntime, api_id: str, port: int, documents: ApiDocuments | None = None
) -> ThreadingHTTPServer:
    """Serve one HTTP API on a daemon thread; port 0 takes a free one (``server.server_address``).
    With ``documents``, ``/openapi.json`` and ``/docs`` are served too where no route is."""
    server = _Server((runtime.host, port), _request_handler(runtime, api_id, documents))
    threading.Thread(target=server.serve_forever, name=f"http-{api_id}", daemon=True).start()
    return server


class LocalServer:
    def __init__(self, runtime: LocalRuntime, ephemeral_ports: bool = False):
        """``ephemeral_ports`` binds free ports instead of the documented ones (tests running side
        by side); the runtime then points function environments at the ports chosen."""
        self.runtime = runtime
        self.ephemeral_ports = ephemeral_ports
        self.servers: list[ThreadingHTTPServer] = []
        self.documents = ApiDocuments(runtime)

    def start(self) -> list[str]:
        """Serve every API; returns one ``API <id> <url>`` or ``WS <id> <url>`` line per API."""
        chosen = {}
        for api_id in self.runtime.http_api_ids():
            port = 0 if self.ephemeral_ports else self.runtime.ports[api_id]
            server = serve_http_api(self.runtime, api_id, port, self.documents)
            self.servers.append(server)
            chosen[api_id] = server.server_address[1]
        if self.ephemeral_ports:
            self.runtime.use_ports(chosen)
        lines = [f"API {api_id} {self.runtime.public_base_url(api_id)}" for api_id in self._by_port(chosen)]
        return lines + self.runtime.websockets.start(ephemeral_ports=self.ephemeral_ports)

    def _by_port(self, api_ids: Any) -> list[str]:
        """The documented ports' order (3001 JIGA ... 3005 BlueMarble), whatever the template's."""
        return sorted(api_ids, key=lambda api_id: self.runtime.ports[api_id])

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        self.runtime.websockets.stop()


def main() -> None:
    # A newcomer publishes and then searches at once: the dev server's search reads the catalogue
    # changes on every request instead of every 5 seconds (the deployed default).
    runtime = LocalRuntime(parameter_overrides={"CatalogueRefreshSeconds": "0"}, clock="real").start()
    from local.seed import seed_local_secrets, seed_operators

    operator_lines = seed_operators(runtime) + seed_local_secrets(runtime)
    server = LocalServer(runtime)
    for line in server.start():
        print(line, flush=True)
    for api_id in sorted(runtime.http_api_ids(), key=lambda api_id: runtime.ports[api_id]):
        print(f"DOCS {api_id} {runtime.base_url(api_id)}/docs", flush=True)
    for line in operator_lines:
        print(line, flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    print("Stopping local runtime", flush=True)
    server.stop()
    runtime.stop()


if __name__ == "__main__":
    main()

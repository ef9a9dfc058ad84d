"""Serves every HTTP API and WebSocket API of the template on its own localhost port (``make dev``)."""

import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from local.runtime import LocalRuntime


def _request_handler(runtime: LocalRuntime, api_id: str) -> type[BaseHTTPRequestHandler]:
    class ApiGatewayHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "local-apigateway"

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            status, headers, payload = runtime.handle_http(
                api_id, self.command, url.path, url.query, list(self.headers.items()), body, self.client_address[0]
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


def serve_http_api(runtime: LocalRuntime, api_id: str, port: int) -> ThreadingHTTPServer:
    """Serve one HTTP API on a daemon thread; port 0 takes a free one (``server.server_address``)."""
    server = ThreadingHTTPServer((runtime.host, port), _request_handler(runtime, api_id))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"http-{api_id}", daemon=True).start()
    return server


class LocalServer:
    def __init__(self, runtime: LocalRuntime, ephemeral_ports: bool = False):
        """``ephemeral_ports`` binds free ports instead of the documented ones (tests running side
        by side); the runtime then points function environments at the ports chosen."""
        self.runtime = runtime
        self.ephemeral_ports = ephemeral_ports
        self.servers: list[ThreadingHTTPServer] = []

    def start(self) -> list[str]:
        """Serve every API; returns one ``API <id> <url>`` or ``WS <id> <url>`` line per API."""
        chosen = {}
        for api_id in self.runtime.http_api_ids():
            server = serve_http_api(self.runtime, api_id, 0 if self.ephemeral_ports else self.runtime.ports[api_id])
            self.servers.append(server)
            chosen[api_id] = server.server_address[1]
        if self.ephemeral_ports:
            self.runtime.use_ports(chosen)
        lines = [f"API {api_id} {self.runtime.public_base_url(api_id)}" for api_id in chosen]
        return lines + self.runtime.websockets.start(ephemeral_ports=self.ephemeral_ports)

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        self.runtime.websockets.stop()


def main() -> None:
    # A newcomer publishes and then searches at once: the dev server's search reads the catalogue
    # changes on every request instead of every 5 seconds (the deployed default).
    runtime = LocalRuntime(parameter_overrides={"CatalogueRefreshSeconds": "0"}).start()
    from local.seed import seed_local_secrets, seed_operators

    operator_lines = seed_operators(runtime) + seed_local_secrets(runtime)
    server = LocalServer(runtime)
    for line in server.start():
        print(line, flush=True)
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

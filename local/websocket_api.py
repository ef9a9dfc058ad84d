"""API Gateway WebSocket APIs locally: the template's ``AWS::ApiGatewayV2`` resources served with
the ``websockets`` package, and the ``@connections`` management API answered in-process.

What API Gateway does, this does: ``$connect`` runs the route's function with the handshake's
headers and query string and refuses the handshake with the status a non-2xx response gives;
each text message is routed by the API's ``RouteSelectionExpression`` (``$request.body.<path>``)
to its route or ``$default``; a route with a route response (two-way) sends the function's
``body`` back; closing runs ``$disconnect``. Functions push with
``apigatewaymanagementapi.post_to_connection`` to the endpoint the template gives them; the
request never leaves the process (see ``management_response``), and a connection that is gone
answers 410 ``GoneException`` as in AWS.

One asyncio loop in its own thread serves every WebSocket API; handlers are never run on it (they
run on the functions' instances), so a handler can push to any socket while it runs.
"""

import asyncio
import base64
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from local.template import ACCOUNT_ID
from local.websocket_routes import WebSocketApi, load_websocket_apis, select_route_key

__all__ = ["WebSocketGateway", "load_websocket_apis", "select_route_key"]

if TYPE_CHECKING:
    from local.runtime import LocalRuntime

MAX_POST_BYTES = 128 * 1024  # API Gateway's frame limit for PostToConnection
LOCAL_HOSTS = ("127.0.0.1", "localhost")
_RECENTLY_CLOSED = 1000


@dataclass
class Connection:
    connection_id: str
    api: WebSocketApi
    socket: Any
    headers: dict[str, str]
    source_ip: str
    user_agent: str
    connected_at: int = field(default_factory=lambda: _now_ms())
    last_active_at: int = field(default_factory=lambda: _now_ms())
    connect_headers: dict[str, str] = field(default_factory=dict)
    open: bool = False
    closed: threading.Event = field(default_factory=threading.Event)


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def _request_time(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _new_connection_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(12)).decode()


def _request_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(6)).decode() + "="


class WebSocketGateway:
    """Every WebSocket API of one runtime, and the connections they hold."""

    def __init__(self, runtime: "LocalRuntime"):
        self.runtime = runtime
        self.apis: dict[str, WebSocketApi] = {}
        self.connections: dict[str, Connection] = {}
        self._closed: dict[str, Connection] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[Any] = []
        self._lock = threading.Lock()

    def load(self) -> None:
        self.apis = load_websocket_apis(self.runtime)

    # -- serving ------------------------------------------------------------------------------

    @property
    def serving(self) -> bool:
        return self._loop is not None

    def start(self, ephemeral_ports: bool = False) -> list[str]:
        """Serve each WebSocket API on its port (or on free ports, for tests); returns the WS lines."""
        if not self.apis or self.serving:
            return []
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, args=(ready,), name="websocket-apis", daemon=True)
        self._thread.start()
        ready.wait()
        ports = asyncio.run_coroutine_threadsafe(self._serve_all(ephemeral_ports), self._loop).result()
        if ephemeral_ports:
            self.runtime.use_ports(ports)
        return [f"WS {api_id} {self.url(api_id)}" for api_id in self.apis]

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._close_all(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._loop = None

    def url(self, api_id: str) -> str:
        return f"ws://{self.runtime.host}:{self.runtime.ports[api_id]}"

    def wait_closed(self, connection_id: str, timeout: float = 10.0) -> None:
        """Block until the connection is closed and its ``$disconnect`` has run (for tests)."""
        connection = self.connections.get(connection_id) or self._closed.get(connection_id)
        if connection is None:
            raise KeyError(f"No connection {connection_id}")
        if not connection.closed.wait(timeout):
            raise TimeoutError(f"Connection {connection_id} still open after {timeout}s")

    def _run_loop(self, ready: threading.Event) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(ready.set)
        self._loop.run_forever()

    async def _serve_all(self, ephemeral_ports: bool) -> dict[str, int]:
        from websockets.asyncio.server import serve

        ports = {}
        for api in self.apis.values():
            server = await serve(
                lambda socket, api=api: self._serve_connection(api, socket),
                self.runtime.host,
                0 if ephemeral_ports else self.runtime.ports[api.logical_id],
                process_request=lambda socket, request, api=api: self._connect(api, socket, request),
                process_response=self._accepted,
                max_size=MAX_POST_BYTES,
            )
            self._servers.append(server)
            ports[api.logical_id] = server.sockets[0].getsockname()[1]
        return ports

    async def _close_all(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()
        self._servers.clear()

    # -- API Gateway's side of a connection ---------------------------------------------------

    def _context(self, connection: Connection, route_key: str, event_type: str) -> dict[str, Any]:
        now = _now_ms()
        return {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": _request_id(),
            "requestTime": _request_time(now),
            "messageDirection": "IN",
            "stage": connection.api.stage,
            "connectedAt": connection.connected_at,
            "requestTimeEpoch": now,
            "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
            "requestId": _request_id(),
            "domainName": f"{self.runtime.host}:{self.runtime.ports[connection.api.logical_id]}",
            "connectionId": connection.connection_id,
            "apiId": connection.api.logical_id.lower(),
            "accountId": ACCOUNT_ID,
        }

    async def _invoke(self, function_id: str, event: dict[str, Any]) -> Any:
        return await asyncio.to_thread(self.runtime.invoke, function_id, event)

    async def _connect(self, api: WebSocketApi, socket: Any, request: Any) -> Any:
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for name, value in request.headers.raw_items():
            multi_headers.setdefault(name, []).append(value)
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        remote = socket.remote_address
        connection = Connection(
            connection_id=_new_connection_id(),
            api=api,
            socket=socket,
            headers=headers,
            source_ip=remote[0] if remote else "127.0.0.1",
            user_agent=request.headers.get("User-Agent", ""),
        )
        socket.local_connection = connection
        route = api.routes.get("$connect")
        if route is None:
            return None
        event: dict[str, Any] = {
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "requestContext": self._context(connection, "$connect", "CONNECT"),
            "isBase64Encoded": False,
        }
        query = parse_qsl(urlsplit(request.path).query, keep_blank_values=True)
        if query:
            event["queryStringParameters"] = {}
            event["multiValueQueryStringParameters"] = {}
            for name, value in query:
                event["queryStringParameters"][name] = value
                event["multiValueQueryStringParameters"].setdefault(name, []).append(value)
        try:
            response = await self._invoke(route.function_id, event)
        except Exception:
            self.runtime.log.exception("%s $connect failed", api.logical_id)
            return socket.respond(500, "Internal server error\n")
        status = int(response.get("statusCode", 200)) if isinstance(response, dict) else 200
        if not 200 <= status < 300:
            body = response.get("body") if isinstance(response, dict) else None
            return socket.respond(status, body or "Forbidden\n")
        if isinstance(response, dict):
            connection.connect_headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
        return None

    def _accepted(self, socket: Any, request: Any, response: Any) -> None:
        connection: Connection | None = getattr(socket, "local_connection", None)
        if connection is None or response.status_code != 101:
            return
        for name, value in connection.connect_headers.items():
            if name.lower() == "sec-websocket-protocol":
                response.headers[name] = value
        connection.open = True
        with self._lock:
            self.connections[connection.connection_id] = connection

    async def _serve_connection(self, api: WebSocketApi, socket: Any) -> None:
        from websockets.exceptions import ConnectionClosed

        connection: Connection = socket.local_connection
        try:
            async for message in socket:
                connection.last_active_at = _now_ms()
                await self._on_message(connection, message)
        except ConnectionClosed:
            pass
        finally:
            await self._disconnect(connection)

    async def _on_message(self, connection: Connection, message: str | bytes) -> None:
        api = connection.api
        if isinstance(message, bytes):
            body, encoded = base64.b64encode(message).decode(), True
        else:
            body, encoded = message, False
        route_key = None if encoded else select_route_key(api.selection_expression, body)
        route = api.routes.get(route_key or "") or api.routes.get("$default")
        context = self._context(connection, route.route_key if route else "$default", "MESSAGE")
        if route is None:
            await self._send_error(connection, "Forbidden", context["requestId"])
            return
        context["messageId"] = _request_id()
        event = {"requestContext": context, "body": body, "isBase64Encoded": encoded}
        try:
            response = await self._invoke(route.function_id, event)
        except Exception:
            self.runtime.log.exception("%s route %s failed", api.logical_id, route.route_key)
            await self._send_error(connection, "Internal server error", context["requestId"])
            return
        if route.two_way and response is not None:
            reply = response.get("body") if isinstance(response, dict) and "statusCode" in response else response
            if reply is not None:
                await self._send(connection, reply if isinstance(reply, str) else json.dumps(reply))

    async def _send_error(self, connection: Connection, message: str, request_id: str) -> None:
        payload = {"message": message, "connectionId": connection.connection_id, "requestId": request_id}
        await self._send(connection, json.dumps(payload))

    async def _send(self, connection: Connection, data: str | bytes) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            await connection.socket.send(data)
        except ConnectionClosed:
            connection.open = False

    async def _disconnect(self, connection: Connection) -> None:
        with self._lock:
            connection.open = False
            self.connections.pop(connection.connection_id, None)
            self._closed[connection.connection_id] = connection
            while len(self._closed) > _RECENTLY_CLOSED:
                self._closed.pop(next(iter(self._closed)))
        try:
            route = connection.api.routes.get("$disconnect")
            if route is not None:
                context = self._context(connection, "$disconnect", "DISCONNECT")
                context["disconnectStatusCode"] = connection.socket.close_code or 1006
                context["disconnectReason"] = connection.socket.close_reason or ""
                event = {
                    "headers": {"Host": context["domainName"]},
                    "multiValueHeaders": {"Host": [context["domainName"]]},
                    "requestContext": context,
                    "isBase64Encoded": False,
                }
                try:
                    await self._invoke(route.function_id, event)
                except Exception:
                    self.runtime.log.exception("%s $disconnect failed", connection.api.logical_id)
        finally:
            connection.closed.set()

    # -- the @connections management API ------------------------------------------------------

    def _api_of_endpoint(self, url: str) -> WebSocketApi | None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host in (*LOCAL_HOSTS, self.runtime.host):
            for api in self.apis.values():
                if self.runtime.ports.get(api.logical_id) == parts.port:
                    return api
            return None
        for api in self.apis.values():
            if host.startswith(f"{api.physical_id.lower()}.execute-api."):
                return api
        return None

    def management_response(self, method: str, url: str, body: bytes | None) -> tuple[int, dict, bytes] | None:
        """Answer a PostToConnection/GetConnection/DeleteConnection request, or None if the URL is
        not one of this runtime's WebSocket APIs."""
        api = self._api_of_endpoint(url)
        path = urlsplit(url).path
        if api is None or "/@connections/" not in path:
            return None
        connection_id = unquote(path.rsplit("/@connections/", 1)[1])
        connection = self.connections.get(connection_id)
        if connection is None or not connection.open or connection.api is not api or self._loop is None:
            return _management_error(410, "GoneException", None)
        if method == "POST":
            data = body or b""
            if len(data) > MAX_POST_BYTES:
                return _management_error(413, "PayloadTooLargeException", "Message too long")
            try:
                message: str | bytes = data.decode()
            except UnicodeDecodeError:
                message = data
            self._run_on_loop(self._send(connection, message))
            connection.last_active_at = _now_ms()
            return 200, {"Content-Type": "application/json"}, b""
        if method == "DELETE":
            connection.open = False
            self._run_on_loop(connection.socket.close(1000, ""), wait=False)
            return 204, {}, b""
        if method == "GET":
            details = {
                "connectedAt": datetime.fromtimestamp(connection.connected_at / 1000, UTC).isoformat(),
                "lastActiveAt": datetime.fromtimestamp(connection.last_active_at / 1000, UTC).isoformat(),
                "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
            }
            return 200, {"Content-Type": "application/json"}, json.dumps(details).encode()
        return _management_error(400, "BadRequestException", f"Unsupported method {method}")

    def _run_on_loop(self, coroutine: Any, wait: bool = True) -> None:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        if wait and threading.current_thread() is not self._thread:
            future.result(timeout=10)


def _management_error(status: int, code: str, message: str | None) -> tuple[int, dict, bytes]:
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())}
    return status, headers, json.dumps({"message": message}).encode()

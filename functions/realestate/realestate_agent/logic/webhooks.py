"""Outbound webhooks: which events exist, where they may go, how they are signed and retried.

Decisions the spec leaves open:

* **Events**: ``conversation.started``, ``conversation.ended``, ``lead.created`` and
  ``lead.qualified``. A lead's events go to the webhook of the agent whose conversation the lead
  came from (a lead without a conversation has no agent, so no webhook).
* **Body**: ``{"id", "event", "createdAt", "organizationId", "agentId", "data"}`` with
  ``data.conversation`` or ``data.lead`` as the API returns them; serialised exactly as
  JavaScript re-serialises it (logic/js_json.py), so the spec's Express receiver, which signs
  ``JSON.stringify(req.body)``, verifies it unchanged.
* **Signatures**: ``X-Signature: sha256=<hex HMAC-SHA256(secretToken, body)>`` (the spec's), and
  Standard Webhooks' ``webhook-id`` (the delivery id, the same on every attempt of a delivery, so
  receivers can drop duplicates), ``webhook-timestamp`` (Unix seconds; receivers reject old ones
  to stop replays) and ``webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``
  where the key is the secret token's bytes (for a ``whsec_`` token, its base64 body, as the
  Standard Webhooks libraries expect). The secret is shown in full once, when it is set; it is
  generated (``whsec_...``) when the agent's webhook names none.
* **Retries**: an attempt succeeds on any 2xx within 10 seconds; anything else (other statuses,
  redirects, timeouts, refused connections) is retried after 10 s, 1 min, 5 min, 30 min, 2 h, 5 h,
  10 h and 10 h (+-10% jitter): nine attempts over about 27.6 hours. SQS delays stop at 15 minutes,
  so the worker keeps the same message and sets its visibility timeout to the next delay (at most
  12 hours) instead of re-sending it; the queue's ``maxReceiveCount`` is the attempt count, so
  after the ninth failure SQS moves the message to the dead-letter queue, whose alarm pages the
  operator. Every attempt is recorded on the delivery (``GET /agents/{id}/webhook-deliveries``);
  ``POST .../{deliveryId}/redeliver`` starts the attempts over with the same delivery id.
* **Order**: deliveries are independent (a retried one arrives after later events); receivers
  order by ``createdAt`` and drop duplicates by ``webhook-id``, as Standard Webhooks advises.
* **Targets** (server-side request forgery): in Lambda, only ``https`` URLs without credentials,
  whose host is not ``localhost``/``*.local``/``*.internal`` nor a private, loopback, link-local,
  shared, reserved or multicast address; the host is resolved again at every attempt and the
  connection goes to the address that was checked (no DNS rebinding), and redirects are never
  followed. Outside Lambda (``make dev``, tests) ``http`` and loopback receivers are allowed.
"""

import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from realestate_agent.errors import field_error
from realestate_agent.logic.js_json import js_dumps
from shared.errors import Unprocessable

RETRY_DELAYS_SECONDS = (10, 60, 300, 1800, 7200, 18_000, 36_000, 36_000)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1
JITTER = 0.1
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def secret_hint(secret: str) -> str:
    return "****" + secret[-4:]


def check_target_url(url: str, allow_local: bool) -> str:
    """The URL if webhooks may be sent there; 422 on ``webhook.url`` otherwise."""
    parts = urlsplit(url)
    problem = None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        problem = "must be an absolute https URL"
    elif parts.username or parts.password:
        problem = "must not carry credentials"
    elif parts.fragment:
        problem = "must not have a fragment"
    elif not allow_local:
        if parts.scheme != "https":
            problem = "must use https"
        elif host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host.strip("[]"):
            problem = "must be a public host name"
        elif (address := _ip_literal(host)) is not None and not is_public(address):
            problem = "must not be a private, loopback or link-local address"
    try:
        _ = parts.port
    except ValueError:
        problem = "has an invalid port"
    if problem:
        raise field_error(Unprocessable, f"webhook.url {problem}", "webhook.url", url)
    return url


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex[:24]}"


def event_body(
    event_id: str, event: str, organization_id: str, agent_id: str, data: dict[str, Any], created_at: str
) -> str:
    """The delivered body, once, as bytes-exact JavaScript JSON (every attempt sends the same)."""
    return js_dumps(
        {
            "id": event_id,
            "event": event,
            "createdAt": created_at,
            "organizationId": organization_id,
            "agentId": agent_id,
            "data": data,
        }
    )


def _standard_key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            pass
    return secret.encode()


def signature_headers(secret: str, delivery_id: str, timestamp: int, body: str) -> dict[str, str]:
    spec = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    signed = f"{delivery_id}.{timestamp}.{body}".encode()
    standard = base64.b64encode(hmac.new(_standard_key(secret), signed, hashlib.sha256).digest()).decode()
    return {
        "X-Signature": f"sha256={spec}",
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{standard}",
    }


def retry_delay(attempt: int, rng: random.Random | None = None) -> int | None:
    """Seconds to wait after failed attempt number ``attempt`` (1-based); None when none is left."""
    if attempt >= MAX_ATTEMPTS:
        return None
    base = RETRY_DELAYS_SECONDS[attempt - 1]
    spread = (rng or random).uniform(-JITTER, JITTER)
    return max(1, round(base * (1 + spread)))

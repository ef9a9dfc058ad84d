"""Send a LiveKit webhook signed the way LiveKit signs it (to a local or deployed Loqua API).

    python -m ops.livekit_webhook --url http://127.0.0.1:3003 \\
        --credentials devkey:loqua-local-livekit-api-secret-0123456789 \\
        participant_joined --room room_12345 --identity <learner user id>
    python -m ops.livekit_webhook ... participant_joined --room room_12345 --agent spanish-tutor-v1

``--credentials`` is the LiveKit project's ``<api key>:<api secret>`` (``make dev`` prints the local
one as ``SECRET LiveKitApiSecret ...``). ``--agent`` sends the agent's own join: a participant of
kind AGENT with the ``loqua.agent_id`` attribute. The body is LiveKit's ``WebhookEvent`` JSON; the
``Authorization`` header is a JWT issued by the API key whose ``sha256`` claim is the body's hash
(``livekit.api.AccessToken.with_sha256``), valid 5 minutes.
"""

import argparse
import base64
import datetime
import hashlib
import json
import sys
import time
import urllib.request
import uuid
from typing import Any

WEBHOOK_PATH = "/api/v1/webhooks/livekit"


def webhook_event(
    event: str,
    room: str,
    identity: str | None = None,
    agent: bool = False,
    room_sid: str | None = None,
    participant_sid: str | None = None,
    created_at: int | None = None,
) -> dict[str, Any]:
    """A LiveKit WebhookEvent as LiveKit's JSON spells it."""
    body: dict[str, Any] = {
        "event": event,
        "room": {"sid": room_sid or f"RM_{room}", "name": room},
        "id": f"EV_{uuid.uuid4().hex[:12]}",
        "createdAt": str(created_at or int(time.time())),
    }
    if identity is not None:
        participant: dict[str, Any] = {
            "sid": participant_sid or f"PA_{uuid.uuid4().hex[:12]}",
            "identity": identity,
            "state": "ACTIVE",
            "joinedAt": body["createdAt"],
        }
        if agent:
            participant["kind"] = "AGENT"
            participant["attributes"] = {"loqua.agent_id": identity}
        body["participant"] = participant
    return body


def signature(body: str, api_key: str, api_secret: str, ttl_seconds: int = 300) -> str:
    from livekit.api import AccessToken

    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    token = AccessToken(api_key, api_secret).with_ttl(datetime.timedelta(seconds=ttl_seconds))
    return token.with_sha256(digest).to_jwt()


def signed_delivery(event: dict[str, Any], credentials: str) -> tuple[str, dict[str, str]]:
    """(body, headers) of the delivery LiveKit would make."""
    api_key, _, api_secret = credentials.partition(":")
    body = json.dumps(event)
    return body, {"Authorization": signature(body, api_key, api_secret), "Content-Type": "application/webhook+json"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the API's base URL")
    parser.add_argument("--credentials", required=True, help="<api key>:<api secret>")
    parser.add_argument("event", choices=["room_started", "room_finished", "participant_joined", "participant_left"])
    parser.add_argument("--room", required=True)
    parser.add_argument("--identity", help="the participant's identity (a learner's user id)")
    parser.add_argument("--agent", help="send the agent's own join/leave (identity = agent id, kind AGENT)")
    parser.add_argument("--room-sid", help="LiveKit's room sid (default RM_<room>)")
    parser.add_argument("--participant-sid", help="the connection's sid (needed to match a leave with its join)")
    args = parser.parse_args(argv)
    identity = args.agent or args.identity
    if args.event.startswith("participant") and not identity:
        parser.error("participant events need --identity or --agent")
    event = webhook_event(args.event, args.room, identity, bool(args.agent), args.room_sid, args.participant_sid)
    body, headers = signed_delivery(event, args.credentials)
    request = urllib.request.Request(args.url.rstrip("/") + WEBHOOK_PATH, body.encode(), headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310 - an operator's own URL
        print(response.status, response.read().decode())
    print("participant sid", (event.get("participant") or {}).get("sid", "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

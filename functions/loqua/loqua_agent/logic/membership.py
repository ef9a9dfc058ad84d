"""Who is in which LiveKit room now, kept from LiveKit's webhooks.

LiveKit signs each webhook with the project's API secret: the ``Authorization`` header is a JWT
(issuer = API key) whose ``sha256`` claim is the base64 SHA-256 of the body; the handler checks it
with ``livekit.api.WebhookReceiver``. This module turns verified events into membership records
and answers "is this learner, and this agent, in that room now?".

Decisions the spec leaves open:

* A learner is the participant whose LiveKit ``identity`` is their Loqua user id (the app mints
  the learner's LiveKit access token with ``identity=<user id>``), of any kind but ``AGENT``.
* An agent is the participant whose ``identity`` is the agent id, or whose ``loqua.agent_id``
  attribute is (set it when the agent accepts the job:
  ``job_request.accept(attributes={"loqua.agent_id": "spanish-tutor-v1"})``). A user token is
  issued only when both the learner and the agent asking are in the room, so an agent of one
  room cannot get a token for a learner of another.
* Records are per room instance (``room.sid``) and per participant connection
  (``participant.sid``): ``participant_joined`` writes a "joined" record only if none exists,
  ``participant_left`` / ``participant_connection_aborted`` write "left" whatever came before,
  ``room_finished`` ends the room instance. Each event therefore has one fixed effect whatever
  order events arrive in, and a replayed or duplicated webhook changes nothing. (A replay is in
  any case refused once its LiveKit token expires, minutes after signing.)
* Records expire 24 hours after their event: a participant not heard of for a day is treated as
  gone (fail closed).
* Other events (tracks, egress, ingress) are acknowledged and ignored.
"""

from dataclasses import dataclass
from typing import Any

AGENT_ATTRIBUTE = "loqua.agent_id"
RECORD_TTL_SECONDS = 24 * 3600
JOINED, LEFT = "joined", "left"
STARTED, FINISHED = "started", "finished"
PARTICIPANT_EVENTS = {
    "participant_joined": JOINED,
    "participant_left": LEFT,
    "participant_connection_aborted": LEFT,
}
ROOM_EVENTS = {"room_started": STARTED, "room_finished": FINISHED}


@dataclass(frozen=True)
class RoomChange:
    """One record to write: a room instance's state or one participant connection's state."""

    room_name: str
    room_sid: str
    state: str
    at: int  # epoch seconds of the event
    identity: str | None = None
    participant_sid: str | None = None
    kind: str | None = None
    agent_id: str | None = None

    @property
    def is_participant(self) -> bool:
        return self.participant_sid is not None

    @property
    def overrides_earlier(self) -> bool:
        """ "left" and "finished" replace what is there; "joined" and "started" never do."""
        return self.state in (LEFT, FINISHED)


def change_from_event(event: dict[str, Any], now: int) -> RoomChange | None:
    """The record a verified webhook event (``MessageToDict`` of LiveKit's ``WebhookEvent``, proto
    field names) asks for, or None for events that do not change membership."""
    name = event.get("event", "")
    room = event.get("room") or {}
    room_name, room_sid = room.get("name"), room.get("sid")
    if not room_name or not room_sid:
        return None
    at = _int(event.get("created_at")) or now
    if name in ROOM_EVENTS:
        return RoomChange(room_name, room_sid, ROOM_EVENTS[name], at)
    if name not in PARTICIPANT_EVENTS:
        return None
    participant = event.get("participant") or {}
    identity, participant_sid = participant.get("identity"), participant.get("sid")
    if not identity or not participant_sid:
        return None
    attributes = participant.get("attributes") or {}
    return RoomChange(
        room_name,
        room_sid,
        PARTICIPANT_EVENTS[name],
        at,
        identity=identity,
        participant_sid=participant_sid,
        kind=str(participant.get("kind") or "STANDARD"),
        agent_id=attributes.get(AGENT_ATTRIBUTE) if isinstance(attributes, dict) else None,
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Presence:
    learner_present: bool
    agent_present: bool


def presence(records: list[dict[str, Any]], learner_id: str, agent_id: str, now: int) -> Presence:
    """Whether the learner and the agent are participants of the room now, from its records
    (``roomSid``, ``state``, and for participants ``identity``, ``participantSid``, ``kind``,
    ``agentId``, ``expiresAt``)."""
    live = [record for record in records if record.get("expiresAt", now) >= now]
    finished = {record["roomSid"] for record in live if "participantSid" not in record and record["state"] == FINISHED}
    connected = [
        record
        for record in live
        if "participantSid" in record and record["state"] == JOINED and record["roomSid"] not in finished
    ]
    learner = any(record["identity"] == learner_id and record.get("kind") != "AGENT" for record in connected)
    agent = any(agent_id in (record["identity"], record.get("agentId")) for record in connected)
    return Presence(learner, agent)

"""A small driver for the Loqua Agent API used by integration tests and benchmarks: learners,
LiveKit room membership (signed webhooks), agents, user tokens, progress, sessions, context."""

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from ops.livekit_webhook import signed_delivery, webhook_event

OPERATOR_EMAIL = "admin@loqua.local"
OPERATOR_PASSWORD = "local-admin-password"  # local runtime seed (local/seed.py)
ALL_PERMISSIONS = ["user.progress", "session.create", "user.context", "user.token"]
PROGRESS_CONSUMER = "LoquaProgressConsumerFunction"
# The spec's per-agent limits (10 sessions a minute...) would throttle a fast suite: tests run with
# these (Loqua's own parameter) and the limiter's test puts the spec's back for itself.
LOQUA_RATE_LIMIT_GROUPS = "health=1000000,progress=1000000,context=1000000,sessions=1000000,token=1000000"


@dataclass
class Learner:
    user_id: str
    email: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass
class Agent:
    agent_id: str
    token: str
    token_id: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Agent-ID": self.agent_id}


def decrypt_cbc(encrypted_token: str, secret: str) -> str:
    """The spec's decryption, for helpers (tests/integration/test_loqua_user_token.py runs the
    spec's own function verbatim)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    data = base64.b64decode(encrypted_token)
    key = secret.encode("utf-8")[:32].ljust(32, b"\0")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(data[:16])).decryptor()
    padded = decryptor.update(data[16:]) + decryptor.finalize()
    return padded[: -padded[-1]].decode("utf-8")


def progress_body(learner: Learner, session_id: str, **progress: Any) -> dict[str, Any]:
    return {"userId": learner.user_id, "sessionId": session_id, "progress": progress or {"words_learned": 1}}


def session_body(learner: Learner, session_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "userId": learner.user_id,
        "sessionId": session_id,
        "duration_minutes": 30,
        "topics_covered": ["greetings", "travel", "restaurant"],
        "new_vocabulary": [
            {"word": "hello", "translation": "hola", "language": "es"},
            {"word": "thank you", "translation": "gracias", "language": "es"},
        ],
        "grammar_points": ["present_tense", "articles"],
        "pronunciation_practice_count": 15,
        "overall_performance": "good",
        "achievements": ["first_conversation", "vocabulary_milestone_10"],
        "next_session_recommendations": ["Focus on past tense verbs", "Practice restaurant vocabulary"],
    }
    body.update(overrides)
    return body


PREFERENCES = {
    "learning_level": "intermediate",
    "learning_goals": ["conversational_fluency", "business_spanish"],
    "preferred_topics": ["travel", "food", "business"],
    "practice_frequency": "daily",
    "session_duration_preference": 30,
    "wants_formal_speech": False,
    "wants_kanji_practice": False,
    "wants_grammar_focus": True,
}


class LoquaDriver:
    def __init__(self, client: httpx.Client, runtime: Any, user_token_secret: str, livekit_credentials: str):
        self.client = client
        self.runtime = runtime
        self.user_token_secret = user_token_secret
        self.livekit_credentials = livekit_credentials
        self._operator: Learner | None = None

    # -- learners and operators --------------------------------------------------------------

    def register(self, email: str | None = None, password: str = "correct horse battery") -> Learner:
        email = email or f"learner-{uuid.uuid4().hex[:12]}@example.com"
        response = self.client.post("/api/v1/auth/register", json={"email": email, "password": password})
        assert response.status_code == 201, response.text
        body = response.json()
        return Learner(body["user_id"], email, body["access_token"])

    def onboarded(self, **preferences: Any) -> Learner:
        learner = self.register()
        self.set_preferences(learner, **preferences)
        return learner

    def set_preferences(self, learner: Learner, **overrides: Any) -> dict[str, Any]:
        response = self.client.put(
            "/api/v1/learner/preferences", json={**PREFERENCES, **overrides}, headers=learner.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    @property
    def operator(self) -> Learner:
        if self._operator is None:
            response = self.client.post(
                "/api/v1/auth/login", json={"email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD}
            )
            assert response.status_code == 200, response.text
            self._operator = Learner(response.json()["user_id"], OPERATOR_EMAIL, response.json()["access_token"])
        return self._operator

    def agent(self, permissions: list[str] | None = None, agent_id: str | None = None) -> Agent:
        """A freshly minted agent (its own rate-limit counters and revocation)."""
        agent_id = agent_id or f"tutor-{uuid.uuid4().hex[:10]}"
        response = self.client.post(
            f"/api/v1/admin/agents/{agent_id}/tokens",
            json={"permissions": permissions or ALL_PERMISSIONS},
            headers=self.operator.headers,
        )
        assert response.status_code == 201, response.text
        return Agent(agent_id, response.json()["token"], response.json()["token_id"])

    # -- LiveKit ---------------------------------------------------------------------------

    def webhook(self, event: dict[str, Any], credentials: str | None = None) -> httpx.Response:
        body, headers = signed_delivery(event, credentials or self.livekit_credentials)
        return self.client.post("/api/v1/webhooks/livekit", content=body, headers=headers)

    def join(self, room: str, identity: str, agent: bool = False, participant_sid: str | None = None) -> dict:
        event = webhook_event("participant_joined", room, identity, agent, participant_sid=participant_sid)
        response = self.webhook(event)
        assert response.status_code == 200, response.text
        return event

    def call(self, agent: Agent, learner: Learner, room: str | None = None) -> str:
        """The learner and the agent join one room; returns its name."""
        room = room or f"room_{uuid.uuid4().hex[:8]}"
        self.join(room, learner.user_id)
        self.join(room, agent.agent_id, agent=True)
        return room

    # -- agent routes ------------------------------------------------------------------------

    def request_user_token(self, agent: Agent, learner: Learner, room: str, **extra: Any) -> httpx.Response:
        body = {"room_name": room, "user_id": learner.user_id, "agent_id": agent.agent_id, **extra}
        return self.client.post("/api/v1/agent/user-token", json=body, headers=agent.headers)

    def user_token(self, agent: Agent, learner: Learner, room: str | None = None) -> str:
        """The learner's decrypted JWT, obtained in a call with the agent."""
        room = room or self.call(agent, learner)
        response = self.request_user_token(agent, learner, room)
        assert response.status_code == 200, response.text
        return decrypt_cbc(response.json()["encrypted_token"], self.user_token_secret)

    @staticmethod
    def user_headers(user_jwt: str, agent: Agent) -> dict[str, str]:
        return {"Authorization": f"Bearer {user_jwt}", "X-Agent-ID": agent.agent_id}

    def progress(self, user_jwt: str, agent: Agent, body: dict[str, Any]) -> httpx.Response:
        return self.client.post("/api/v1/agent/progress", json=body, headers=self.user_headers(user_jwt, agent))

    def session(self, user_jwt: str, agent: Agent, body: dict[str, Any]) -> httpx.Response:
        return self.client.post("/api/v1/agent/sessions", json=body, headers=self.user_headers(user_jwt, agent))

    def context(self, user_jwt: str, agent: Agent, learner: Learner, **body: Any) -> httpx.Response:
        return self.client.post(
            f"/api/v1/agent/user/{learner.user_id}/context",
            json={"userId": learner.user_id, **body},
            headers=self.user_headers(user_jwt, agent),
        )

    # -- the progress queue --------------------------------------------------------------------

    def drain_progress(self) -> None:
        """Let the queue's poller deliver what is queued: the mapping's one-second batching window
        passes on the tests' manual clock, then the consumer's batches run."""
        self.runtime.drain(timeout=30)  # the poller has received what was sent (the window opens)
        self.runtime.clock.advance(1)  # the window closes: the batch is delivered
        self.runtime.drain(timeout=30)

    def enqueue(self, message: dict[str, Any] | str) -> None:
        """Put a message on the progress queue as the API (or a redelivery) would."""
        from shared import aws

        body = message if isinstance(message, str) else json.dumps(message)
        aws.client("sqs").send_message(QueueUrl=self.runtime.physical_id("LoquaProgressQueue"), MessageBody=body)

    def dead_letters(self) -> list[str]:
        from shared import aws

        url = self.runtime.physical_id("LoquaProgressDeadLetterQueue")
        bodies = []
        while messages := aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                aws.client("sqs").delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                bodies.append(message["Body"])
        return bodies

    def consume(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """One invocation of the queue's consumer with these records, as the SQS event source makes."""
        return self.runtime.invoke(PROGRESS_CONSUMER, {"Records": records})


def sqs_record(message_id: str, body: str | dict[str, Any]) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1700000000000",
            "SenderId": "local",
            "ApproximateFirstReceiveTimestamp": "1700000000000",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:LoquaProgressQueue",
        "awsRegion": "us-east-1",
    }

"""A small driver for the JIGA API used by integration tests and benchmarks."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

OPERATOR_EMAIL = "admin@jiga.local"
OPERATOR_PASSWORD = "local-admin-password"  # local runtime seed (local/seed.py)


@dataclass
class User:
    user_id: str
    email: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def agent_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "name": f"Agent {uuid.uuid4().hex[:8]}",
        "rank": "Bronze",
        "type": "Assistant",
        "provider": "gemini",
        "nationality": "American",
        "language": "en-US",
        "voiceId": "us_male",
        "features": {"hasVoiceChat": True, "hasCommentator": False, "hasMemory": False},
        "toolkit": ["observation"],
    }
    payload.update(overrides)
    return payload


def listing_payload(**overrides: Any) -> dict[str, Any]:
    listing = {
        "title": "Expert FPS Coach - Bronze Assistant",
        "description": "Personalized coaching for FPS games",
        "tags": ["fps", "coaching"],
        "category": ["Gaming", "Mentors"],
        "pricing": {"hourly": 500, "daily": 10_000, "weekly": 50_000},
        "availability": {"schedule": "always", "timezone": "UTC"},
    }
    listing.update(overrides)
    return {"listing": listing}


class JigaDriver:
    def __init__(self, client: httpx.Client):
        self.client = client
        self._operator: User | None = None

    def register(self, email: str | None = None, password: str = "correct horse battery") -> User:
        email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
        response = self.client.post("/api/v1/auth/register", json={"email": email, "password": password})
        assert response.status_code == 201, response.text
        body = response.json()
        return User(body["user_id"], email, body["access_token"], body["refresh_token"])

    def login(self, email: str, password: str) -> User:
        response = self.client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        body = response.json()
        return User(body["user_id"], email, body["access_token"], body["refresh_token"])

    @property
    def operator(self) -> User:
        if self._operator is None:
            self._operator = self.login(OPERATOR_EMAIL, OPERATOR_PASSWORD)
        return self._operator

    def grant(self, user: User, amount: int) -> dict[str, Any]:
        response = self.client.post(
            "/api/v1/admin/dof-grants",
            json={"userId": user.user_id, "amount": amount, "reason": "test funds"},
            headers=self.operator.headers,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def user_with_dofs(self, amount: int = 100_000) -> User:
        user = self.register()
        self.grant(user, amount)
        return user

    def balance(self, user: User) -> int:
        response = self.client.get("/api/v1/wallet", headers=user.headers)
        assert response.status_code == 200, response.text
        return response.json()["balance"]

    def create_agent(self, user: User, **overrides: Any) -> dict[str, Any]:
        response = self.client.post("/api/v1/agents", json=agent_payload(**overrides), headers=user.headers)
        assert response.status_code == 201, response.text
        return response.json()

    def publish(self, user: User, agent_id: str, **overrides: Any) -> dict[str, Any]:
        response = self.client.post(
            f"/api/v1/agents/{agent_id}/publish", json=listing_payload(**overrides), headers=user.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def search(self, user: User | None = None, **params: Any) -> dict[str, Any]:
        """GET /api/v1/marketplace/search (anonymous unless a user is given)."""
        response = self.client.get("/api/v1/marketplace/search", params=params, headers=user.headers if user else {})
        assert response.status_code == 200, response.text
        return response.json()

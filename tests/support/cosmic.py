"""A small driver for the Cosmic API, used by integration tests and benchmarks."""

import random
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from cosmic_ttt.logic import engine

PASSWORD = "SecurePassword123!"
OPERATOR_EMAIL = "admin@cosmic.local"
OPERATOR_PASSWORD = "local-admin-password"  # local runtime seed (local/seed.py)


@dataclass
class Player:
    player_id: str
    username: str
    email: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def engine_board(board: list[list[str | None]], symbol: str) -> engine.Board:
    """The API's board as the engine sees it: the player's marks first."""
    marks = {None: engine.EMPTY, symbol: engine.FIRST, ("x" if symbol == "o" else "o"): engine.SECOND}
    return tuple(marks[cell] for row in board for cell in row)


class CosmicDriver:
    def __init__(self, client: httpx.Client):
        self.client = client
        self._operator: Player | None = None

    def register(self, username: str | None = None, email: str | None = None, password: str = PASSWORD) -> Player:
        username = username or f"p{uuid.uuid4().hex[:12]}"
        email = email or f"{username.lower()}@example.com"
        response = self.client.post(
            "/v1/auth/register", json={"username": username, "email": email, "password": password}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return Player(body["player_id"], username, email, body["access_token"], body["refresh_token"])

    def login(self, email: str, password: str = PASSWORD) -> Player:
        response = self.client.post("/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        body = response.json()
        return Player(body["player_id"], body["username"], email, body["access_token"], body["refresh_token"])

    @property
    def operator(self) -> Player:
        if self._operator is None:
            self._operator = self.login(OPERATOR_EMAIL, OPERATOR_PASSWORD)
        return self._operator

    def grant(
        self, player: Player, currencies: dict[str, int] | None = None, resonance: int = 0, matches: int = 0
    ) -> dict[str, Any]:
        response = self.client.post(
            f"/v1/admin/players/{player.player_id}/grants",
            json={
                "currencies": currencies or {},
                "cosmic_resonance": resonance,
                "matches_played": matches,
                "reason": "test",
            },
            headers=self.operator.headers,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def veteran(self, **grants: Any) -> Player:
        """A player at level 60 (every tier open) with trading unlocked, and optional currencies."""
        player = self.register()
        self.grant(player, grants.get("currencies"), resonance=25_000, matches=50)
        return player

    def start(self, player: Player, tier: str = "void_novice", symbol: str = "o") -> dict[str, Any]:
        response = self.client.post(
            "/v1/matches",
            json={"opponent_type": "ai", "ai_tier": tier, "symbol_choice": symbol},
            headers=player.headers,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def move(self, player: Player, match_id: str, row: int, col: int) -> httpx.Response:
        return self.client.post(f"/v1/matches/{match_id}/moves", json={"row": row, "col": col}, headers=player.headers)

    def play(self, player: Player, tier: str = "void_novice", symbol: str = "o", seed: int = 0) -> dict[str, Any]:
        """A whole match played by the reference player (optimal moves, chosen at random); the last answer."""
        rng = random.Random(seed)
        match = self.start(player, tier, symbol)
        board = match["board"]
        while True:
            cell = engine.reference_move(engine_board(board, symbol), rng)
            response = self.move(player, match["match_id"], cell // 3, cell % 3)
            assert response.status_code == 200, response.text
            answer = response.json()
            if answer["status"] != "in_progress":
                return answer
            board = answer["board_after_ai"]

    def wallet(self, player: Player) -> dict[str, int]:
        response = self.client.get(f"/v1/players/{player.player_id}/wallet", headers=player.headers)
        assert response.status_code == 200, response.text
        return response.json()["currencies"]

    def progress(self, player: Player) -> dict[str, Any]:
        response = self.client.get(f"/v1/players/{player.player_id}/progress", headers=player.headers)
        assert response.status_code == 200, response.text
        return response.json()

"""Operator grants (``POST /v1/admin/players/{player_id}/grants``, beyond the spec, ``admin``
permission): currencies from the mint, clipped at caps like every reward, and resonance or
finished-match counts added to a player's progress. For support (a lost reward) and for trying
the API (trading unlocks after 50 matches; The Eternal at level 60). Granted matches count in
``total_matches`` only, not as wins, draws or losses; achievements and level-ups they complete
fire as usual. Every grant is a ledger transaction of kind ``grant`` naming the operator and
the reason."""

from typing import Any

from cosmic_ttt.logic import economy, progression
from cosmic_ttt.logic.achievements import effects
from cosmic_ttt.logic.progression import ProgressChange
from shared.errors import NotFound


def grant(
    services: Any,
    operator_id: str,
    player_id: str,
    currencies: dict[str, int],
    resonance: int,
    matches: int,
    reason: str,
) -> dict[str, Any]:
    if services.players.profile(player_id) is None:
        raise NotFound(f"Player {player_id} not found", {"player_id": player_id}, code="PLAYER_NOT_FOUND")
    now = services.stamp()
    progress = services.players.progress(player_id)
    change = ProgressChange.adding(cosmic_resonance=resonance, matches=matches)
    consequences = effects(services, player_id, progress, change, now)
    moved = economy.move(
        services,
        f"grant:{services.new_id()}",
        player_id,
        f"Operator grant: {reason}",
        "grant",
        rewards=currencies,
        extra_writes=consequences.writes,
        metadata={"operator_id": operator_id, "reason": reason},
    )
    services.notify(player_id, consequences.events)
    after = consequences.after
    return {
        "player_id": player_id,
        "granted": moved.credited,
        "clipped": moved.clipped,
        "wallet_after": moved.balances_after,
        "progress": {
            "level": progression.level_for(after["cosmic_resonance"]),
            "cosmic_resonance": after["cosmic_resonance"],
            "total_matches": after["matches"],
        },
    }

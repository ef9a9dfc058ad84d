"""Reputation: rate a seller after a completed purchase; read a seller's reputation (cached 10 min)."""

from typing import Any

from fastapi import APIRouter, Depends

from bluemarble_market import dependencies
from bluemarble_market.cache import TtlCache
from bluemarble_market.identity import RATE, READ, bluemarble_app, require, require_player
from bluemarble_market.logic import reputation
from bluemarble_market.logic.errors import player_not_found
from bluemarble_market.logic.market import Player
from bluemarble_market.logic.ratings import rate_seller
from bluemarble_market.models.common import MessageResponse
from bluemarble_market.models.reputation import RateRequest, ReputationResponse
from bluemarble_market.settings import get_bluemarble_settings
from shared.app import lambda_handler
from shared.auth import Principal
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/marketplace/reputation", dependencies=[Depends(no_unknown_query_parameters)])
_reads = TtlCache()


@router.post("/rate", status_code=201, response_model=MessageResponse, response_model_exclude_unset=True)
def rate(body: RateRequest, buyer: Player = Depends(require_player(RATE))) -> Any:
    rate_seller(dependencies.market(), buyer, body.transactionId, body.rating, body.comment)
    return {"success": True, "message": "Rating submitted successfully"}


@router.get("/{sellerId}", response_model=ReputationResponse, response_model_exclude_unset=True)
def seller_reputation(sellerId: str, _caller: Principal = Depends(require(READ))) -> Any:  # noqa: N803
    def load() -> dict[str, Any]:
        profile = dependencies.players().profile(sellerId)
        if profile is None:
            raise player_not_found(sellerId)
        summary = reputation.summary(dependencies.purchases().reputation(sellerId))
        reviews = dependencies.purchases().reviews(sellerId, reputation.RECENT_REVIEWS)
        return {
            "sellerId": sellerId,
            "reputation": {**summary, "memberSince": profile.get("createdAt")},
            "recentReviews": [
                {key: review[key] for key in ("rating", "comment", "createdAt") if key in review} for review in reviews
            ],
        }

    data = _reads.get(("reputation", sellerId), 2 * get_bluemarble_settings().analytics_cache_seconds, load)
    return {"success": True, "data": data}


app = bluemarble_app(router)
handler = lambda_handler(app)

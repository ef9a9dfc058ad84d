"""Listing writes: create, edit, cancel, favourite (the spec's ``/listings`` POST, PATCH, DELETE).

A function of its own, apart from browsing: it moves items and coin through the ledger and creates
expiry schedules, which the read-only browse function has no business being allowed to do.
"""

from typing import Any

from fastapi import APIRouter, Depends, Request

from bluemarble_market import dependencies
from bluemarble_market.identity import CREATE, DELETE, READ, UPDATE, bluemarble_app, require_player
from bluemarble_market.logic import listings
from bluemarble_market.logic.market import Player
from bluemarble_market.models.common import MessageResponse
from bluemarble_market.models.listings import (
    CreateListingRequest,
    FavoriteResponse,
    ListingResponse,
    ListingUpdateResponse,
    UpdateListingRequest,
)
from shared.app import lambda_handler
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/marketplace", dependencies=[Depends(no_unknown_query_parameters)])


@router.post("/listings", status_code=201, response_model=ListingResponse, response_model_exclude_unset=True)
def create_listing(
    body: CreateListingRequest, request: Request, seller: Player = Depends(require_player(CREATE))
) -> Any:
    def run() -> tuple[int, Any]:
        created = listings.create_listing(
            dependencies.market(),
            seller,
            body.itemId,
            body.quantity,
            body.pricePerUnit,
            body.duration,
            body.island,
        )
        return 201, {"success": True, "data": created}

    return respond_idempotently(request, seller.player_id, body.model_dump(mode="json"), run)


@router.patch("/listings/{id}", response_model=ListingUpdateResponse, response_model_exclude_unset=True)
def update_listing(
    id: str,
    body: UpdateListingRequest,
    seller: Player = Depends(require_player(UPDATE)),
) -> Any:
    updated = listings.update_listing(dependencies.market(), seller, id, body.pricePerUnit, body.quantity)
    return {"success": True, "data": updated}


@router.delete("/listings/{id}", response_model=MessageResponse, response_model_exclude_unset=True)
def cancel_listing(id: str, seller: Player = Depends(require_player(DELETE))) -> Any:
    listings.cancel_listing(dependencies.market(), seller, id)
    return {"success": True, "message": "Listing cancelled and items returned to inventory"}


@router.post("/listings/{id}/favorite", response_model=FavoriteResponse, response_model_exclude_unset=True)
def add_favorite(id: str, player: Player = Depends(require_player(READ))) -> Any:
    return {"success": True, "data": listings.favourite(dependencies.market(), player, id, add=True)}


@router.delete("/listings/{id}/favorite", response_model=FavoriteResponse, response_model_exclude_unset=True)
def remove_favorite(id: str, player: Player = Depends(require_player(READ))) -> Any:
    return {"success": True, "data": listings.favourite(dependencies.market(), player, id, add=False)}


app = bluemarble_app(router)
handler = lambda_handler(app)

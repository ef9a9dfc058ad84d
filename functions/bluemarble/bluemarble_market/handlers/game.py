"""Game servers (service accounts): grants of coin and items, item types, memberships, sea routes.

Only callers holding ``game:grant`` / ``game:manage`` (service tokens from ``POST /api/auth/token``)
reach these; players get 403 ``FORBIDDEN``. A grant is idempotent by its ``grantId`` (or the
``Idempotency-Key`` header): a retry returns the first grant and moves nothing twice.
"""

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from bluemarble_market import dependencies
from bluemarble_market.identity import GAME_GRANT, GAME_MANAGE, bluemarble_app, require
from bluemarble_market.logic import players
from bluemarble_market.logic.islands import ISLANDS, canonical_island
from bluemarble_market.models.common import PATH_ISLAND_PATTERN
from bluemarble_market.models.game import (
    GrantRequest,
    GrantResponse,
    ItemDefinitionRequest,
    ItemDefinitionResponse,
    MembershipRequest,
    MembershipResponse,
    RouteStatusRequest,
    RouteStatusResponse,
)
from shared.app import lambda_handler
from shared.auth import Principal
from shared.errors import InvalidInput, NotFound
from shared.idempotency import idempotency_key, respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/game", dependencies=[Depends(no_unknown_query_parameters)])


@router.post("/grants", status_code=201, response_model=GrantResponse, response_model_exclude_unset=True)
def grant(body: GrantRequest, request: Request, server: Principal = Depends(require(GAME_GRANT))) -> Any:
    grant_id = body.grantId or idempotency_key(request) or str(uuid.uuid4())

    def run() -> tuple[int, Any]:
        granted = players.grant(
            dependencies.market(),
            server.user_id,
            grant_id,
            body.playerId,
            body.coin,
            [line.model_dump() for line in body.items],
            body.reason,
            str(server.claims.get("name") or server.user_id),
        )
        return 201, {"success": True, "data": granted}

    return respond_idempotently(request, server.user_id, body.model_dump(mode="json"), run)


_ITEM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PATH_ISLAND = re.compile(PATH_ISLAND_PATTERN)


@router.put("/items/{itemId}", response_model=ItemDefinitionResponse, response_model_exclude_unset=True)
def define_item(
    itemId: Annotated[str, Path(json_schema_extra={"pattern": _ITEM_ID.pattern})],  # noqa: N803 - the spec's name
    body: ItemDefinitionRequest,
    _server: Principal = Depends(require(GAME_MANAGE)),
) -> Any:
    if not _ITEM_ID.fullmatch(itemId):
        raise InvalidInput("Invalid item id", [{"field": "itemId", "message": "Must be 1-64 letters, digits, - or _"}])
    item = {"itemId": itemId, **body.model_dump()}
    dependencies.items().put(item)
    return {
        "success": True,
        "data": {
            "id": itemId,
            "name": item["name"],
            "type": item["type"],
            "description": item["description"],
            "quality": item["quality"],
            "attributes": item["attributes"],
        },
    }


@router.put("/players/{playerId}/membership", response_model=MembershipResponse, response_model_exclude_unset=True)
def set_membership(
    playerId: str,  # noqa: N803
    body: MembershipRequest,
    _server: Principal = Depends(require(GAME_MANAGE)),
) -> Any:
    profile = dependencies.players().set_user_type(playerId, body.userType)
    return {"success": True, "data": {"playerId": playerId, "userType": profile["userType"]}}


def _path_island(name: str, field: str) -> str:
    if not _PATH_ISLAND.fullmatch(name):
        raise InvalidInput("Unknown island", [{"field": field, "message": f"Must be one of {', '.join(ISLANDS)}"}])
    return canonical_island(name, field)


@router.put("/routes/{origin}/{destination}", response_model=RouteStatusResponse, response_model_exclude_unset=True)
def set_route(
    origin: Annotated[str, Path(json_schema_extra={"pattern": PATH_ISLAND_PATTERN})],
    destination: Annotated[str, Path(json_schema_extra={"pattern": PATH_ISLAND_PATTERN})],
    body: RouteStatusRequest,
    _server: Principal = Depends(require(GAME_MANAGE)),
) -> Any:
    first, second = _path_island(origin, "origin"), _path_island(destination, "destination")
    if first == second:  # a well-formed path naming a route that does not exist
        raise NotFound("No sea route joins an island to itself", {"origin": first, "destination": second})
    status = dependencies.market().routes.set_status(first, second, body.status, body.reason)
    return {
        "success": True,
        "data": {k: status[k] for k in ("islands", "status", "reason", "updatedAt") if status.get(k) is not None},
    }


app = bluemarble_app(router)
handler = lambda_handler(app)

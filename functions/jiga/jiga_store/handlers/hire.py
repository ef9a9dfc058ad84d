"""Hire endpoint group: POST /api/v1/marketplace/{listingId}/hire (escrow + session lifecycle).

Its own function, apart from search: it writes the ledger and starts executions, which the
read-only search function has no business being allowed to do.
"""

from typing import Any

from fastapi import APIRouter, Depends, Request

from jiga_store import dependencies
from jiga_store.identity import jiga_app
from jiga_store.logic.availability import availability_at
from jiga_store.logic.sessions import hire_agent
from jiga_store.models.hire import HireRequest, HireResponse
from shared.app import lambda_handler
from shared.auth import Principal, current_principal
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/marketplace", dependencies=[Depends(no_unknown_query_parameters)])


def _available(availability: dict[str, Any], moment: Any) -> bool:
    return availability_at(availability, moment).is_available


@router.post("/{listingId}/hire", status_code=201, response_model=HireResponse)
def hire(listingId: str, body: HireRequest, request: Request, caller: Principal = Depends(current_principal)) -> Any:  # noqa: N803
    def run() -> tuple[int, Any]:
        return 201, hire_agent(
            dependencies.session_services(),
            caller.user_id,
            listingId,
            body.dofAllocation,
            body.startTime,
            body.configuration.model_dump(exclude_none=True) if body.configuration else None,
            body.message,
            _available,
        )

    return respond_idempotently(request, caller.user_id, body.model_dump(mode="json"), run)


app = jiga_app(router)
handler = lambda_handler(app)

"""POST /agents/{agentId}/documents: a base64 upload (the spec's "upload endpoints", 10 a minute)."""

from typing import Any

from fastapi import APIRouter, Depends, Request

from realestate_agent import dependencies
from realestate_agent.access import Caller
from realestate_agent.envelope import Envelope, ok
from realestate_agent.identity import realestate_app, require, upload_limit
from realestate_agent.logic import agents as agent_logic
from realestate_agent.logic import documents as logic
from realestate_agent.models.agents import DocumentData, UploadDocumentRequest
from shared.app import lambda_handler
from shared.idempotency import respond_idempotently
from shared.query import no_unknown_query_parameters

router = APIRouter(prefix="/api/v1/agents", dependencies=[Depends(no_unknown_query_parameters)])


@router.post("/{agentId}/documents", status_code=201, response_model=Envelope[DocumentData])
def upload_document(
    agentId: str,  # noqa: N803 - the spec's casing
    body: UploadDocumentRequest,
    request: Request,
    caller: Caller = Depends(require("document:create")),
) -> Any:
    """Stores the file and answers at once with the document ``processing``; the document worker
    extracts and indexes it, then it is ``ready`` (or ``failed`` with ``statusReason``)."""

    def run() -> tuple[int, Any]:
        agent = agent_logic.visible_agent(dependencies.agents(), caller, agentId)
        document = logic.upload(dependencies.documents(), agent, body.document, caller.user_id)
        return 201, ok(request, {"document": logic.document_view(document)})

    payload = {"agentId": agentId, "name": body.document.name, "size": len(body.document.content)}
    return respond_idempotently(request, caller.user_id, payload, run)


app = realestate_app(router, rate_limit=upload_limit)
handler = lambda_handler(app)

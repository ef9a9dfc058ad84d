"""The document queue's consumer: S3 notifications of uploaded files, and agent jobs.

Messages are S3 event notifications (``ObjectCreated`` under ``documents/``: extract and index the
document, logic/documents.py), ``{"type": "agent.provision"}`` (a new agent's knowledge base:
``creating -> active`` once no document is pending) and ``{"type": "agent.delete"}`` (one cleanup
step, logic/cleanup.py, re-queued until the agent is gone). A failing message is retried by SQS
(``ReportBatchItemFailures``: only it); on its last receive the document is marked ``failed`` or the
agent ``error``, and the message then lands in the dead-letter queue, whose alarm pages.
"""

import json
from typing import Any
from urllib.parse import unquote_plus

from realestate_agent import dependencies
from realestate_agent.logic import documents as document_logic
from realestate_agent.logic.cleanup import CleanupServices, cleanup_step
from realestate_agent.logic.documents import parse_object_key
from realestate_agent.settings import API_NAME
from shared.observability import count, logger

MAX_RECEIVES = 5  # the queue's maxReceiveCount (template: RealEstateDocumentQueue)


def process_document(key: str, last_attempt: bool) -> None:
    parsed = parse_object_key(key)
    if parsed is None:
        return
    organization_id, agent_id, document_id = parsed
    documents = dependencies.documents()
    document = documents.get(agent_id, document_id)
    if document is None or document["organizationId"] != organization_id:
        return  # deleted meanwhile (or not a file this API stored)
    status = document_logic.process(documents, document, last_attempt)
    count(API_NAME, "DocumentsReady" if status == "ready" else "DocumentsFailed")
    dependencies.agents().activate_if_ready(organization_id, agent_id)


def run_job(job: dict[str, Any], last_attempt: bool) -> None:
    organization_id, agent_id = job["organizationId"], job["agentId"]
    agents = dependencies.agents()
    if job["type"] == "agent.provision":
        try:
            agents.activate_if_ready(organization_id, agent_id)
        except Exception:
            if last_attempt:
                reason = "The knowledge base could not be initialised; update the agent to try again"
                agents.set_status(organization_id, agent_id, "error", reason, ("creating",))
                return
            raise
    elif job["type"] == "agent.delete":
        services = CleanupServices(
            agents=agents,
            conversations=dependencies.conversations(),
            documents=dependencies.documents(),
            leads=dependencies.leads(),
        )
        if not cleanup_step(services, organization_id, agent_id):
            dependencies.document_jobs().send(job)


def handle_record(record: dict[str, Any]) -> None:
    body = json.loads(record["body"])
    last_attempt = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1")) >= MAX_RECEIVES
    if "Records" in body:  # an S3 event notification
        for notification in body["Records"]:
            if str(notification.get("eventName", "")).startswith("ObjectCreated"):
                process_document(unquote_plus(notification["s3"]["object"]["key"]), last_attempt)
    elif body.get("type") in ("agent.provision", "agent.delete"):
        run_job(body, last_attempt)
    elif body.get("Event") != "s3:TestEvent":
        logger(API_NAME).warning(
            "Ignoring an unknown document queue message", extra={"messageId": record.get("messageId")}
        )


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        try:
            handle_record(record)
        except Exception:
            logger(API_NAME).exception("Document queue message failed", extra={"messageId": record.get("messageId")})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}

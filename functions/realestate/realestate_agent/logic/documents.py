"""Knowledge documents: upload rules and the processing pipeline.

Decisions the spec leaves open:

* **Types**: PDF, DOCX, HTML, Markdown and plain text (``mimeType`` names it; the bytes must
  match: a PDF starts with ``%PDF-``, a DOCX is a ZIP container, text is UTF-8). Anything else is
  422 ``VALIDATION_ERROR`` on ``document.mimeType``.
* **Size**: at most 700 KiB once decoded (its base64 must fit the 1 MiB request limit, which is
  413 on its own); past it, 413 ``PAYLOAD_TOO_LARGE``. Malformed base64 is 422.
* **Pipeline**: the upload stores the record (``processing``, counted in the agent's
  ``documentCount``) and then the file in S3; S3 notifies the document queue, and the document
  worker extracts the text (logic/extraction.py), splits it into passages (logic/passages.py),
  stores them with their term counts as the document's knowledge shard, and marks it ``ready``
  with ``pageCount`` and ``passageCount``, in the same transaction that adds it to the agent's
  knowledge. A file that cannot be read is ``failed`` with ``statusReason`` at once (no retry:
  it would fail the same way), and only that document fails. Unexpected errors are retried by the
  queue; the last attempt marks the document ``failed``.
* A document that is processed twice (SQS delivers at least once) is finished once: the record
  moves from ``processing`` under a condition.
"""

import base64
import binascii
import time
from typing import Any, Protocol

from realestate_agent.errors import field_error
from realestate_agent.logic import extraction, retrieval
from realestate_agent.logic.passages import split_passages
from realestate_agent.models.agents import DocumentUpload
from shared.errors import PayloadTooLarge, Unprocessable, utc_now_iso

MAX_DOCUMENT_BYTES = 700 * 1024


class DocumentStore(Protocol):
    def create(self, document: dict[str, Any]) -> None: ...
    def get(self, agent_id: str, document_id: str) -> dict[str, Any] | None: ...
    def page(self, agent_id: str, page: int, limit: int) -> list[dict[str, Any]]: ...
    def finish(self, document: dict[str, Any], changes: dict[str, Any], knowledge_entry: dict | None) -> bool: ...
    def store_file(self, key: str, content: bytes, mime_type: str, metadata: dict[str, str]) -> None: ...
    def read_file(self, key: str) -> bytes: ...
    def store_shard(self, key: str, shard: dict[str, Any]) -> None: ...


def object_key(organization_id: str, agent_id: str, document_id: str) -> str:
    return f"documents/{organization_id}/{agent_id}/{document_id}"


def shard_key(organization_id: str, agent_id: str, document_id: str) -> str:
    return f"knowledge/{organization_id}/{agent_id}/{document_id}.json"


def parse_object_key(key: str) -> tuple[str, str, str] | None:
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != "documents":
        return None
    return parts[1], parts[2], parts[3]


def new_document_id() -> str:
    import secrets

    return f"doc_{int(time.time() * 1000):013d}{secrets.token_hex(5)}"


def document_view(document: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id", "agentId", "organizationId", "name", "type", "mimeType", "size", "status", "statusReason",
        "pageCount", "passageCount", "createdAt", "updatedAt", "processedAt",
    )  # fmt: skip
    return {key: document.get(key) for key in keys}


def decode_upload(upload: DocumentUpload) -> tuple[str, bytes]:
    """The canonical type and the decoded bytes of an upload, or the spec's 413/422."""
    kind = extraction.canonical_type(upload.mimeType)
    if kind is None:
        raise field_error(
            Unprocessable,
            "mimeType must be application/pdf, text/plain, text/markdown, text/html or "
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document.mimeType",
            upload.mimeType,
        )
    encoded = upload.content.strip()
    if encoded.startswith("data:") and "," in encoded:  # a data: URL's payload
        encoded = encoded.split(",", 1)[1]
    if len(encoded) * 3 // 4 > MAX_DOCUMENT_BYTES + 3:
        raise field_error(PayloadTooLarge, "A document may be at most 700 KiB", "document.content", None)
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise field_error(Unprocessable, "content must be base64-encoded", "document.content", None) from error
    if len(content) > MAX_DOCUMENT_BYTES:
        raise field_error(PayloadTooLarge, "A document may be at most 700 KiB", "document.content", None)
    if not content:
        raise field_error(Unprocessable, "content is empty", "document.content", None)
    problem = extraction.signature_problem(kind, content)
    if problem:
        raise field_error(Unprocessable, f"The document {problem}", "document.content", None)
    return kind, content


def upload(store: DocumentStore, agent: dict[str, Any], request: DocumentUpload, uploaded_by: str) -> dict[str, Any]:
    kind, content = decode_upload(request)
    now = utc_now_iso()
    document = {
        "id": new_document_id(),
        "agentId": agent["id"],
        "organizationId": agent["organizationId"],
        "name": request.name,
        "type": request.type,
        "mimeType": kind,
        "size": len(content),
        "status": "processing",
        "uploadedBy": uploaded_by,
        "createdAt": now,
        "updatedAt": now,
    }
    document["objectKey"] = object_key(agent["organizationId"], agent["id"], document["id"])
    store.create(document)
    try:
        store.store_file(document["objectKey"], content, kind, {"document-id": document["id"]})
    except Exception:
        store.finish(
            document, {"status": "failed", "statusReason": "The file could not be stored", "updatedAt": now}, None
        )
        raise
    return document


def list_documents(store: DocumentStore, agent: dict[str, Any], page: int, limit: int) -> tuple[list[dict], int]:
    return store.page(agent["id"], page, limit), int(agent.get("documentCount", 0))


def process(store: DocumentStore, document: dict[str, Any], last_attempt: bool) -> str:
    """Extract, split, index and finish one document; returns its final status."""
    if document["status"] != "processing":
        return document["status"]
    now = utc_now_iso()
    try:
        content = store.read_file(document["objectKey"])
        text = extraction.extract(document["mimeType"], content)
    except extraction.DocumentUnreadable as unreadable:
        store.finish(
            document, {"status": "failed", "statusReason": str(unreadable), "updatedAt": now, "processedAt": now}, None
        )
        return "failed"
    except Exception:
        if last_attempt:
            reason = "Processing failed repeatedly; upload the document again"
            store.finish(
                document, {"status": "failed", "statusReason": reason, "updatedAt": now, "processedAt": now}, None
            )
            return "failed"
        raise
    paged = document["mimeType"] == extraction.PDF
    passages = split_passages(text.pages, paged)
    shard = {
        "documentId": document["id"],
        "documentName": document["name"],
        "passages": [
            {"index": p.index, "page": p.page, "text": p.text, "terms": retrieval.term_counts(p.text)} for p in passages
        ],
    }
    key = shard_key(document["organizationId"], document["agentId"], document["id"])
    store.store_shard(key, shard)
    changes = {
        "status": "ready",
        "pageCount": len(text.pages) if paged else None,
        "passageCount": len(passages),
        "updatedAt": now,
        "processedAt": now,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    entry = {"name": document["name"], "shard": key, "passages": len(passages), "processedAt": now}
    store.finish(document, changes, entry)
    return "ready"

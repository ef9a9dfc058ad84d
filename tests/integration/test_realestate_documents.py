"""Knowledge documents: each supported type is extracted and answered from; bad uploads are
refused clearly; a corrupt file fails alone; deleting an agent removes everything of it."""

import base64
import io

import pytest

from tests.support.realestate import BASE, RealEstateDriver, document_payload, simple_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Pool"
    table.rows[0].cells[1].text = "Heated rooftop pool open May to September"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "mime_type", "content", "question", "expected"),
    [
        (
            "faq.txt",
            "text/plain",
            b"Pets: cats and small dogs are welcome in every downtown rental.",
            "Are dogs allowed?",
            "small dogs",
        ),
        (
            "faq.md",
            "text/markdown",
            b"# Schools\n\n- **Lincoln Elementary** is a [top rated](https://x.test) school"
            b" near the *Maple* listings.\n",
            "Which school is near Maple?",
            "Lincoln Elementary",
        ),
        (
            "guide.html",
            "text/html",
            b"<html><head><script>var hidden='mortgage';</script></head><body><h1>Financing</h1>"
            b"<p>Our partner lender offers mortgage pre-approval within 48 hours.</p></body></html>",
            "How fast is mortgage pre-approval?",
            "48 hours",
        ),
        (
            "amenities.docx",
            DOCX,
            docx_bytes(["The gym is open 24 hours for residents."]),
            "Is there a heated pool?",
            "rooftop pool",
        ),
    ],
)
def test_each_supported_type_becomes_answers(
    realestate: RealEstateDriver, name, mime_type, content, question, expected
):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    realestate.upload(admin, agent["id"], name, content, mime_type)
    realestate.settle()
    [document] = realestate.documents(admin, agent["id"])
    assert document["status"] == "ready", document
    conversation = realestate.start_conversation(admin, agent["id"])
    reply = realestate.send(admin, conversation["id"], question)["reply"]
    assert expected in reply["content"]
    assert reply["metadata"]["sources"][0]["documentId"] == document["id"]
    assert "hidden" not in reply["content"]


def test_a_corrupt_file_fails_alone_with_a_reason(realestate: RealEstateDriver):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    realestate.upload(admin, agent["id"], "broken.pdf", b"%PDF-1.4\n this is not really a pdf", "application/pdf")
    realestate.upload(admin, agent["id"], "broken.docx", b"PK\x03\x04 not a zip at all", DOCX)
    realestate.upload(admin, agent["id"], "good.txt", b"Open houses run every Saturday from 10am.", "text/plain")
    realestate.settle()
    documents = {d["name"]: d for d in realestate.documents(admin, agent["id"])}
    assert documents["good.txt"]["status"] == "ready"
    for name in ("broken.pdf", "broken.docx"):
        assert documents[name]["status"] == "failed"
        assert documents[name]["statusReason"]
    agent = realestate.get_agent(admin, agent["id"])
    assert agent["status"] == "active" and agent["documentCount"] == 3


def test_nothing_relevant_gets_the_fallback_prompt(realestate: RealEstateDriver):
    admin = realestate.register()
    agent = realestate.create_agent(admin, settings={"fallbackPrompt": "Let me connect you with a colleague."})
    realestate.upload(admin, agent["id"], "faq.txt", b"Open houses run every Saturday from 10am.", "text/plain")
    realestate.settle()
    conversation = realestate.start_conversation(admin, agent["id"])
    reply = realestate.send(admin, conversation["id"], "What is the capital of Mongolia?")["reply"]
    assert reply["content"] == "Let me connect you with a colleague."
    assert reply["metadata"]["grounded"] is False and reply["metadata"]["sources"] == []


@pytest.mark.parametrize(
    ("document", "status", "field"),
    [
        (
            {"name": "x.exe", "content": "TVqQAAMAAAAEAAAA", "mimeType": "application/x-msdownload"},
            422,
            "document.mimeType",
        ),
        (
            {"name": "x.pdf", "content": base64.b64encode(b"hello").decode(), "mimeType": "application/pdf"},
            422,
            "document.content",
        ),
        ({"name": "x.txt", "content": "not base64 at all!!", "mimeType": "text/plain"}, 422, "document.content"),
        (
            {"name": "x.txt", "content": base64.b64encode(b"\xff\xfe\x00bad").decode(), "mimeType": "text/plain"},
            422,
            "document.content",
        ),
        (
            {"name": "x.txt", "content": base64.b64encode(b"a" * 720_000).decode(), "mimeType": "text/plain"},
            413,
            "document.content",
        ),
    ],
)
def test_bad_uploads_are_refused_with_the_field_at_fault(realestate: RealEstateDriver, document, status, field):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    response = realestate.client.post(
        f"{BASE}/agents/{agent['id']}/documents", json={"document": document}, headers=admin.headers
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["details"]["field"] == field
    assert realestate.get_agent(admin, agent["id"])["documentCount"] == 0


def test_a_body_past_one_mebibyte_is_413(realestate: RealEstateDriver):
    admin = realestate.register()
    agent = realestate.create_agent(admin)
    payload = document_payload("big.txt", b"a" * 900_000, "text/plain")
    response = realestate.client.post(f"{BASE}/agents/{agent['id']}/documents", json=payload, headers=admin.headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_deleting_an_agent_removes_everything_of_it(realestate: RealEstateDriver, realestate_queues):
    from shared import aws

    admin = realestate.register()
    agent = realestate.create_agent(admin)
    realestate.upload(admin, agent["id"], "guide.pdf", simple_pdf(["Parking is included."]), "application/pdf")
    realestate.settle()
    conversations = [realestate.start_conversation(admin, agent["id"]) for _ in range(12)]
    for conversation in conversations[:3]:
        realestate.send(admin, conversation["id"], "Is parking included?")
    lead = realestate.create_lead(admin, conversations[0]["id"])

    response = realestate.client.delete(f"{BASE}/agents/{agent['id']}", headers=admin.headers)
    assert response.status_code == 200 and response.json()["data"] == {"id": agent["id"], "deleted": True}
    assert realestate.client.get(f"{BASE}/agents/{agent['id']}", headers=admin.headers).status_code == 404
    realestate.settle()

    for conversation in conversations:
        assert (
            realestate.client.get(f"{BASE}/conversations/{conversation['id']}", headers=admin.headers).status_code
            == 404
        )
    assert (
        realestate.client.get(f"{BASE}/conversations", headers=admin.headers).json()["data"]["pagination"]["total"] == 0
    )
    kept = realestate.client.get(f"{BASE}/leads/{lead['id']}", headers=admin.headers).json()["data"]["lead"]
    assert kept["conversationId"] is None and kept["agentId"] is None
    with realestate.runtime.function_environment("RealEstateDocumentWorkerFunction"):
        from realestate_agent.settings import get_realestate_settings

        settings = get_realestate_settings()
        table = settings.table
        bucket = settings.documents_bucket
    leftovers = aws.client("s3").list_objects_v2(
        Bucket=bucket, Prefix=f"documents/{admin.organization_id}/{agent['id']}/"
    )
    assert leftovers.get("KeyCount", 0) == 0
    items = aws.dynamodb().query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AGENT#{agent['id']}"}},
    )
    assert items["Count"] == 0

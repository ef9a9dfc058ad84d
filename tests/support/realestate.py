"""A driver for the Real Estate API used by its integration tests and benchmarks, and the spec's
Express webhook receiver under Node."""

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

API = "RealEstateHttpApi"
BASE = "/api/v1"


@dataclass
class Staff:
    user_id: str
    organization_id: str
    email: str
    role: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def agent_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "name": f"Downtown Expert {uuid.uuid4().hex[:6]}",
        "settings": {
            "tone": "Professional",
            "systemPrompt": "You are a knowledgeable real estate agent specializing in downtown properties.",
            "fallbackPrompt": "I apologize, but I need more information to help you with that.",
            "maxTokens": 1000,
            "temperature": 0.7,
        },
    }
    payload.update(overrides)
    return payload


def lead_payload(conversation_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "contactInfo": {
            "email": "john.doe@example.com",
            "name": "John Doe",
            "phone": "+1234567890",
            "preferredContact": "email",
        },
        "source": {"channel": "web", "referrer": "https://your-website.com", "campaign": "downtown-properties-2024"},
        "initialBANT": {"budget": 8, "authority": 7, "need": 9, "timeline": 6},
        "notes": "Interested in 3-bedroom house, downtown area, budget around $500k",
    }
    if conversation_id:
        payload["conversationId"] = conversation_id
    payload.update(overrides)
    return payload


def document_payload(name: str, content: bytes, mime_type: str) -> dict[str, Any]:
    return {
        "document": {
            "name": name,
            "content": base64.b64encode(content).decode(),
            "type": "knowledge_base",
            "mimeType": mime_type,
        }
    }


def simple_pdf(pages: list[str]) -> bytes:
    """A small valid PDF with one line of Helvetica text per page (what pypdf reads back)."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for index, text in enumerate(pages):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 11 Tf 40 760 Td ({escaped}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page_ids[index] + 1} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class RealEstateDriver:
    def __init__(self, client: httpx.Client, runtime: Any = None):
        self.client = client
        self.runtime = runtime

    def register(self, organization: str = "Acme Realty", password: str = "correct horse battery") -> Staff:
        email = f"admin-{uuid.uuid4().hex[:12]}@example.com"
        body = {"email": email, "password": password, "name": "Ada Admin", "organizationName": organization}
        response = self.client.post(f"{BASE}/auth/register", json=body)
        assert response.status_code == 201, response.text
        return self._staff(response.json()["data"])

    def invite(self, admin: Staff, role: str) -> Staff:
        email = f"{role}-{uuid.uuid4().hex[:12]}@example.com"
        response = self.client.post(
            f"{BASE}/organization/members", json={"email": email, "role": role}, headers=admin.headers
        )
        assert response.status_code == 201, response.text
        token = response.json()["data"]["invitation"]["token"]
        accepted = self.client.post(
            f"{BASE}/auth/accept-invitation", json={"token": token, "password": "correct horse battery", "name": role}
        )
        assert accepted.status_code == 201, accepted.text
        return self._staff(accepted.json()["data"])

    @staticmethod
    def _staff(data: dict[str, Any]) -> Staff:
        user = data["user"]
        return Staff(
            user["id"], user["organizationId"], user["email"], user["role"], data["accessToken"], data["refreshToken"]
        )

    def create_agent(self, staff: Staff, **overrides: Any) -> dict[str, Any]:
        response = self.client.post(f"{BASE}/agents", json=agent_payload(**overrides), headers=staff.headers)
        assert response.status_code == 201, response.text
        return response.json()["data"]["agent"]

    def get_agent(self, staff: Staff, agent_id: str) -> dict[str, Any]:
        response = self.client.get(f"{BASE}/agents/{agent_id}", headers=staff.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]["agent"]

    def upload(self, staff: Staff, agent_id: str, name: str, content: bytes, mime_type: str) -> dict[str, Any]:
        response = self.client.post(
            f"{BASE}/agents/{agent_id}/documents",
            json=document_payload(name, content, mime_type),
            headers=staff.headers,
        )
        assert response.status_code == 201, response.text
        return response.json()["data"]["document"]

    def documents(self, staff: Staff, agent_id: str) -> list[dict[str, Any]]:
        response = self.client.get(f"{BASE}/agents/{agent_id}/documents?limit=100", headers=staff.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]["items"]

    def start_conversation(self, staff: Staff, agent_id: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "agentId": agent_id,
            "userId": "user-12345",
            "source": "web",
            "metadata": {"referrer": "https://x.test"},
        }
        body.update(overrides)
        response = self.client.post(f"{BASE}/conversations", json=body, headers=staff.headers)
        assert response.status_code == 201, response.text
        return response.json()["data"]["conversation"]

    def send(self, staff: Staff, conversation_id: str, content: str, sender: str = "user", **metadata: Any) -> dict:
        body = {"content": content, "sender": sender, "messageType": "text", "metadata": metadata}
        response = self.client.post(
            f"{BASE}/conversations/{conversation_id}/messages", json=body, headers=staff.headers
        )
        assert response.status_code == 201, response.text
        return response.json()["data"]

    def create_lead(self, staff: Staff, conversation_id: str | None = None, **overrides: Any) -> dict[str, Any]:
        response = self.client.post(
            f"{BASE}/leads", json=lead_payload(conversation_id, **overrides), headers=staff.headers
        )
        assert response.status_code == 201, response.text
        return response.json()["data"]["lead"]

    def settle(self) -> None:
        """Let the queues' consumers (the document and webhook workers) finish what is due now."""
        if self.runtime is not None:
            self.runtime.drain(timeout=60)

    def advance(self, seconds: float) -> None:
        """Move the event sources' clock (retries fall due), then settle."""
        self.runtime.clock.advance(seconds)
        self.settle()


def json_of(response: httpx.Response) -> dict[str, Any]:
    return json.loads(response.content)


# The spec's Express receiver ("Webhook Integration"), verbatim between the markers, on Node's own
# http server: express.json() is JSON.parse of the body, res.status().send() a tiny shim. It fails
# the first FAIL_FIRST requests with 503 (a receiver that is down, then recovers) and prints one
# "RECEIVED {json}" line per request.
RECEIVER_JS = r"""
const http = require('http');
const crypto = require('crypto');
const routes = {};
const app = { post: (path, handler) => { routes[path] = handler; } };
let remainingFailures = parseInt(process.env.FAIL_FIRST || '0', 10);

// --- the spec's handler, verbatim ---
app.post('/webhooks/agent-events', (req, res) => {
  const signature = req.headers['x-signature'];
  const payload = JSON.stringify(req.body);

  // Verify webhook signature
  const expectedSignature = crypto
    .createHmac('sha256', process.env.WEBHOOK_SECRET)
    .update(payload)
    .digest('hex');

  if (signature !== `sha256=${expectedSignature}`) {
    return res.status(401).send('Invalid signature');
  }

  const { event, data } = req.body;

  switch (event) {
    case 'conversation.started':
      console.log('New conversation started:', data.conversation.id);
      // Handle conversation start
      break;

    case 'lead.qualified':
      console.log('New qualified lead:', data.lead.id);
      // Notify sales team, add to CRM, etc.
      break;

    case 'conversation.ended':
      console.log('Conversation ended:', data.conversation.id);
      // Update analytics, send follow-up emails, etc.
      break;
  }

  res.status(200).send('OK');
});
// --- end of the spec's handler ---

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const report = (status) => console.log('RECEIVED ' + JSON.stringify({
      status, path: request.url, id: request.headers['webhook-id'], timestamp: request.headers['webhook-timestamp'],
      standardSignature: request.headers['webhook-signature'], raw,
    }));
    if (remainingFailures > 0) {
      remainingFailures -= 1;
      report(503);
      response.writeHead(503); response.end('down'); return;
    }
    const handler = routes[request.url];
    if (!handler) { report(404); response.writeHead(404); response.end(); return; }
    const req = { headers: request.headers, body: JSON.parse(raw) };
    const res = { status: (code) => ({ send: (text) => {
      report(code); response.writeHead(code); response.end(text);
    } }) };
    handler(req, res);
  });
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
"""


class NodeReceiver:
    """The spec's Express receiver under Node, on a free loopback port."""

    def __init__(self, secret: str, fail_first: int = 0):
        import os
        import queue
        import subprocess
        import tempfile
        import threading

        with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as script:
            script.write(RECEIVER_JS)
        self._script = script
        environment = {**os.environ, "WEBHOOK_SECRET": secret, "FAIL_FIRST": str(fail_first)}
        self.process = subprocess.Popen(["node", self._script.name], stdout=subprocess.PIPE, text=True, env=environment)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self.lines.get(timeout=10)
        assert first.startswith("LISTENING "), first
        self.port = int(first.split()[1])
        self.received: list[dict[str, Any]] = []

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/agent-events"

    def requests(self) -> list[dict[str, Any]]:
        """Every request so far (status, webhook-id, raw body...), oldest first."""
        import queue

        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return self.received
            if line.startswith("RECEIVED "):
                self.received.append(json.loads(line[len("RECEIVED ") :]))

    def close(self) -> None:
        import os

        self.process.terminate()
        self.process.wait(timeout=10)
        os.unlink(self._script.name)


def main() -> None:
    """``python -m tests.support.realestate receiver [secret]``: the spec's Express receiver on a free
    port (Node), printing each delivery it accepts or refuses, for trying webhooks with ``make dev``."""
    import sys
    import time

    if len(sys.argv) < 2 or sys.argv[1] != "receiver":
        print("usage: python -m tests.support.realestate receiver [secret]", file=sys.stderr)
        raise SystemExit(2)
    secret = sys.argv[2] if len(sys.argv) > 2 else "your-webhook-secret-token"
    receiver = NodeReceiver(secret)
    print(f"Receiver (the spec's Express handler) at {receiver.url}  secret: {secret}", flush=True)
    seen = 0
    try:
        while True:
            requests = receiver.requests()
            for request in requests[seen:]:
                body = json.loads(request["raw"])
                verdict = "verified" if request["status"] == 200 else f"refused ({request['status']})"
                print(f"{body.get('event')} {request['id']} {verdict}: {request['raw'][:160]}", flush=True)
            seen = len(requests)
            time.sleep(0.2)
    except KeyboardInterrupt:
        receiver.close()


if __name__ == "__main__":
    main()

"""Real Estate figures (issue 7): a user message answered and stored, the lists at 10,000
conversations and 10,000 leads in one organisation, and document processing throughput.

* **Message -> stored agent reply**: ``POST /conversations/{id}/messages`` through the local
  runtime (routing, the API Gateway event, Mangum, FastAPI, the offline responder over an agent
  with 20 documents / 400 passages, DynamoDB in moto), timed per request; "w/o moto" subtracts
  the time moto spent answering. Also the reply's own work in-process (retrieval over the warm
  index plus composing the reply), without HTTP or storage.
* **Lists**: one organisation seeded with 10,000 conversations and 10,000 leads (their list
  entries and counters written directly, 25 items a request), then pages of each list with and
  without filters: p95 and the DynamoDB requests each call makes (no scans).
* **Documents**: a 40-page PDF extracted, split and indexed in-process (the worker's CPU work),
  and the same upload end to end through S3, the queue and the worker.
"""

import random
import statistics
import time
import uuid
from functools import partial
from typing import Any

from bench.harness import DynamoDBCalls, MotoClock, log
from bench.report import Table, dynamodb_table, warm_table
from bench.warm import EndpointRun, Timer
from tests.support.realestate import BASE, RealEstateDriver, simple_pdf

NOTE_MOTO = (
    "w/o moto = each request's time minus the time moto spent answering its AWS calls (moto stands in for DynamoDB)"
)
TOPICS = ["parking", "schools", "pets", "hoa fees", "garage", "pool", "gym", "transit", "taxes", "views"]
QUESTIONS = [
    "Is parking included with the condos?",
    "Which schools are near the three-bedroom homes?",
    "Are pets allowed in the downtown rentals?",
    "How much are the HOA fees?",
    "Do the townhouses have a garage and a pool?",
]


class RequestMotoClock:
    """Time moto spends answering the requests being timed: like bench.harness.MotoClock, but
    without SQS receives, which the runtime's queue pollers long-poll in the background (counting
    them made "w/o moto" negative)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def install(self) -> "RequestMotoClock":
        from moto.core.models import botocore_stubber

        answer = botocore_stubber.process_request

        def timed(request: Any) -> Any:
            target = str(request.headers.get("X-Amz-Target", "")) + str(request.body or "")[:64]
            started = time.perf_counter()
            try:
                return answer(request)
            finally:
                if "ReceiveMessage" not in target:
                    self.seconds += time.perf_counter() - started

        botocore_stubber.process_request = timed
        return self


def _passage(rng: random.Random, topic: str, number: int) -> str:
    words = " ".join(rng.choice(["bright", "quiet", "modern", "spacious", "renovated", "sunny"]) for _ in range(20))
    return f"Listing {number}: the {topic} details. Units are {words}. Prices start at ${rng.randint(300, 900)},000."


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(round(q / 100 * len(ordered)) - 1, 0)] * 1000


def measure_replies(
    driver: RealEstateDriver, calls: DynamoDBCalls, clock: MotoClock, count: int
) -> tuple[list[EndpointRun], Table]:
    rng = random.Random(5)
    admin = driver.register("Bench Realty")
    agent = driver.create_agent(admin)
    for document in range(20):
        paragraphs = "\n\n".join(_passage(rng, TOPICS[(document + n) % len(TOPICS)], n) for n in range(20))
        driver.upload(admin, agent["id"], f"guide-{document}.txt", paragraphs.encode(), "text/plain")
    driver.settle()
    conversation = driver.start_conversation(admin, agent["id"])
    timer = Timer(calls, clock)
    url = f"{BASE}/conversations/{conversation['id']}/messages"
    warm = [partial(driver.client.post, url, json={"content": QUESTIONS[0], "sender": "user"}, headers=admin.headers)]
    timer.run("warm-up", warm * 5, 201)
    sends = [
        partial(
            driver.client.post,
            url,
            json={"content": QUESTIONS[n % len(QUESTIONS)], "sender": "user"},
            headers=admin.headers,
        )
        for n in range(count)
    ]
    run, responses = timer.run("user message -> stored agent reply", sends, 201)
    assert all(r.json()["data"]["reply"]["metadata"]["grounded"] for r in responses)

    # the reply's own work, in-process: retrieval over the warm index and composing the answer
    with driver.runtime.function_environment("RealEstateConversationsFunction"):
        from realestate_agent import dependencies
        from realestate_agent.logic import bant, retrieval
        from realestate_agent.providers.responder import OfflineResponder

        stored = dependencies.agents().get(admin.organization_id, agent["id"])
        from realestate_agent.dal.documents import DocumentRepository
        from realestate_agent.logic.knowledge import KnowledgeCache
        from realestate_agent.settings import get_realestate_settings

        settings = get_realestate_settings()
        cache = KnowledgeCache(DocumentRepository(settings.table, settings.documents_bucket))
        index = cache.index(stored)
        samples = []
        responder = OfflineResponder()
        for n in range(1000):
            question = QUESTIONS[n % len(QUESTIONS)]
            started = time.perf_counter()
            hits = index.search(retrieval.weighted_query(question, stored["settings"]["systemPrompt"]))
            suggestion = bant.merge_suggestion(None, question, "now")
            responder.respond(stored["settings"], question, hits, [], bant.missing_criteria(suggestion), str(n))
            samples.append(time.perf_counter() - started)
    inprocess = Table(
        f"Agent reply work in-process over {len(index.passages)} passages (1,000 replies, ms)",
        ["stage", "p50", "p99"],
        [["retrieval + BANT + offline reply", f"{_percentile(samples, 50):.2f}", f"{_percentile(samples, 99):.2f}"]],
        ["goal (issue 7): p50 at most 10 ms for a stored reply without the provider (a fifth of Cosmic's 50 ms)"],
    )
    return [run], inprocess


def seed_lists(driver: RealEstateDriver, admin: Any, agent_ids: list[str], count: int) -> None:
    """``count`` conversations and ``count`` leads in the admin's organisation, with their list
    entries and counters, written 25 items a request (as a backfill would)."""
    from realestate_agent.dal.conversations import CONVERSATIONS
    from realestate_agent.dal.leads import LEADS
    from realestate_agent.settings import get_realestate_settings
    from shared import aws
    from shared.dynamo import to_item

    with driver.runtime.function_environment("RealEstateConversationsFunction"):
        table = get_realestate_settings().table
    rng = random.Random(3)
    items: list[dict[str, Any]] = []
    counters: dict[str, int] = {}
    start = time.time() - count
    for n in range(count):
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start + n)) + f".{n % 1000:03d}Z"
        conversation = {
            "id": f"conv_{n:013d}{uuid.uuid4().hex[:12]}",
            "agentId": agent_ids[n % len(agent_ids)],
            "userId": f"visitor-{n}",
            "organizationId": admin.organization_id,
            "source": rng.choice(["web", "web", "web", "sms", "whatsapp"]),
            "status": "ended" if n % 3 == 0 else "active",
            "metadata": {},
            "messageCount": 0,
            "startedAt": moment,
            "updatedAt": moment,
        }
        items.append({"pk": f"CONV#{conversation['id']}", "sk": "CONV", **conversation})
        scores = [rng.randint(0, 10) for _ in range(4)]
        lead = {
            "id": f"lead_{n:013d}{uuid.uuid4().hex[:12]}",
            "organizationId": admin.organization_id,
            "contactInfo": {"email": f"lead{n}@example.com"},
            "source": {"channel": conversation["source"]},
            "sourceChannel": conversation["source"],
            "status": rng.choice(["new", "new", "contacted", "qualified", "lost"]),
            "bantScore": dict(zip(("budget", "authority", "need", "timeline"), scores, strict=True)),
            "qualificationScore": round(sum(scores) * 100 / 40),
            "statusHistory": [],
            "createdAt": moment,
            "updatedAt": moment,
            "version": 1,
        }
        items.append({"pk": f"LEAD#{lead['id']}", "sk": "LEAD", **lead})
        for view, entity in ((CONVERSATIONS, conversation), (LEADS, lead)):
            for write in view.writes(table, admin.organization_id, None, entity):
                if "Put" in write:
                    items.append({k: next(iter(v.values())) for k, v in write["Put"]["Item"].items()})
                else:
                    key = write["Update"]["Key"]["pk"]["S"]
                    counters[key] = counters.get(key, 0) + 1
    items += [{"pk": pk, "sk": "#COUNT", "n": n} for pk, n in counters.items()]
    log(f"realestate: seeding {len(items)} items ({count} conversations, {count} leads and their list entries)")
    client = aws.dynamodb()
    for offset in range(0, len(items), 25):
        pending = {table: [{"PutRequest": {"Item": to_item(item)}} for item in items[offset : offset + 25]]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def measure_lists(
    driver: RealEstateDriver, calls: DynamoDBCalls, clock: MotoClock, count: int, pages: int
) -> list[EndpointRun]:
    admin = driver.register("Big Brokerage")
    agents = [driver.create_agent(admin)["id"] for _ in range(4)]
    seed_lists(driver, admin, agents, count)
    timer = Timer(calls, clock)
    queries = {
        "list conversations (page 1)": "/conversations?limit=20",
        "list conversations (agent, status, source; page 5)": (
            f"/conversations?agentId={agents[1]}&status=active&source=web&page=5"
        ),
        "list conversations (page 200 of 500)": "/conversations?limit=20&page=200",
        "list leads (page 1, newest)": "/leads?limit=20",
        "list leads (status, source)": "/leads?status=new&source=web&limit=50",
        "list leads (score >= 70, by score)": "/leads?qualificationScore=70&sort=qualificationScore:desc",
        "list leads (score >= 70, newest)": "/leads?qualificationScore=70",
    }
    runs = []
    for name, path in queries.items():
        run, responses = timer.run(name, [partial(driver.client.get, BASE + path, headers=admin.headers)] * pages, 200)
        assert responses[0].json()["data"]["pagination"]["total"] > 0
        runs.append(run)
    return runs


def measure_documents(driver: RealEstateDriver, pages: int = 40, uploads: int = 5) -> Table:
    from realestate_agent.logic import extraction, retrieval
    from realestate_agent.logic.passages import split_passages

    rng = random.Random(9)
    text_pages = [" ".join(_passage(rng, TOPICS[n % len(TOPICS)], n).split()[:80]) for n in range(pages)]
    pdf = simple_pdf(text_pages)
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        extracted = extraction.extract(extraction.PDF, pdf)
        passages = split_passages(extracted.pages, paged=True)
        for passage in passages:
            retrieval.term_counts(passage.text)
        samples.append(time.perf_counter() - started)
    cpu = statistics.median(samples)
    admin = driver.register("Docs Realty")
    agent = driver.create_agent(admin)
    driver.settle()
    started = time.perf_counter()
    for n in range(uploads):
        driver.upload(admin, agent["id"], f"brochure-{n}.pdf", pdf, "application/pdf")
    driver.settle()
    elapsed = time.perf_counter() - started
    ready = [d for d in driver.documents(admin, agent["id"]) if d["status"] == "ready"]
    assert len(ready) == uploads
    return Table(
        f"Document processing: a {pages}-page PDF ({len(pdf) // 1024} KiB, one line of text a page)",
        ["path", "pages/s", "ms per document"],
        [
            ["extract + split + index, in-process", f"{pages / cpu:.0f}", f"{cpu * 1000:.0f}"],
            [
                f"upload -> S3 -> queue -> worker -> ready, {uploads} documents",
                f"{pages * uploads / elapsed:.0f}",
                f"{elapsed * 1000 / uploads:.0f}",
            ],
        ],
        ["end to end includes the upload request, S3 and SQS in moto, and the agent's knowledge update"],
    )


def run(runtime: Any, calls: DynamoDBCalls, _clock: MotoClock, messages: int, records: int) -> list[Table]:
    clock = RequestMotoClock().install()
    runtime.reconfigure(
        RealEstateRateLimitPerMinute="1000000",
        RealEstateUploadRateLimitPerMinute="1000000",
        RealEstateHealthRateLimitPerMinute="1000000",
    )
    with runtime.client("RealEstateHttpApi") as client:
        driver = RealEstateDriver(client, runtime)
        replies, inprocess = measure_replies(driver, calls, clock, messages)
        documents = measure_documents(driver)
        lists = measure_lists(driver, calls, clock, records, pages=10)
    list_table = warm_table(lists, 10, title=f"Real Estate lists at {records:,} conversations and {records:,} leads")
    list_table.notes = [
        NOTE_MOTO,
        "every list: a counter GetItem (or a COUNT Query for a score range), one Query of index keys, one BatchGetItem",
    ]
    reply_table = warm_table(replies, messages, title="Real Estate: user message -> stored agent reply")
    reply_table.notes = [
        NOTE_MOTO,
        "the reply is stored with the message in one TransactWriteItems (message, reply, conversation)",
    ]
    p95 = [
        [run.name, f"{run.percentile_ms(95):.1f}", f"{run.percentile_ms(95, without_moto=True):.1f}"] for run in lists
    ]
    return [
        reply_table,
        inprocess,
        documents,
        list_table,
        Table("Real Estate lists: p95 (ms)", ["list", "p95", "p95 w/o moto"], p95),
        dynamodb_table(replies + lists),
    ]

"""Real Estate rules that need no AWS: JavaScript-exact JSON (checked against Node itself), webhook
targets and retry schedule, BANT scoring and suggestions, extraction, passages, retrieval and the
offline responder, the error envelope."""

import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realestate_agent.errors import REALESTATE_STYLE
from realestate_agent.logic import bant, extraction, webhooks
from realestate_agent.logic.js_json import js_dumps
from realestate_agent.logic.passages import split_passages
from realestate_agent.logic.retrieval import Index, term_counts, weighted_query
from realestate_agent.providers.responder import OfflineResponder, count_tokens, fit
from shared.errors import NotFound, RateLimited, Unauthorized

# -- JSON exactly as JavaScript re-serialises it --------------------------------------------------

_numbers = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
_keys = st.one_of(
    st.text(max_size=6),
    st.integers(min_value=0, max_value=5_000_000_000).map(str),
    st.sampled_from(["01", "-1", "1.5"]),
)
_json = st.recursive(
    st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=12)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=4)),
    max_leaves=12,
)


def node_restringify(documents: list[str]) -> list[str]:
    script = (
        "const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);"
        "for (const line of lines) {"
        " process.stdout.write(JSON.stringify(JSON.stringify(JSON.parse(JSON.parse(line)))) + '\\n'); }"
    )
    sent = "\n".join(json.dumps(document) for document in documents) + "\n"
    output = subprocess.run(["node", "-e", script], input=sent, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in output.split("\n") if line]


@settings(max_examples=40, deadline=None)
@given(st.lists(_json, min_size=1, max_size=25))
def test_js_dumps_writes_what_javascript_writes_back(values):
    # Python's own JSON of the value is what a receiver gets from any sender; JavaScript parses
    # it and stringifies it again: that string must be exactly js_dumps of the same value.
    sent = [json.dumps(value, ensure_ascii=False) for value in values]
    assert node_restringify(sent) == [js_dumps(json.loads(text)) for text in sent]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7.0, "7"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (-0.0, "0"),
        (12345678901234567890, "12345678901234567000"),
        ({"b": 1, "10": 2, "2": 3, "a": 4}, '{"2":3,"10":2,"b":1,"a":4}'),
        ('é\u2028\x1f"\\', '"é\u2028\\u001f\\"\\\\"'),
    ],
)
def test_js_dumps_known_cases(value, expected):
    assert js_dumps(value) == expected


# -- webhook targets and retries -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://192.168.0.1/x",
        "https://172.16.5.4/x",
        "https://100.64.0.1/x",
        "https://169.254.169.254/latest",
        "https://[::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://[fe80::1]/x",
        "https://localhost/x",
        "https://printer.local/x",
        "https://metadata.google.internal/x",
        "https://intranet/x",
        "https://u:p@hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "https://hooks.example.com:99999/x",
    ],
)
def test_webhook_targets_that_could_reach_private_networks_are_refused_in_lambda(url):
    with pytest.raises(Exception) as refused:
        webhooks.check_target_url(url, allow_local=False)
    assert refused.value.details["field"] == "webhook.url"


def test_public_https_targets_are_accepted_and_local_ones_only_outside_lambda():
    assert webhooks.check_target_url("https://hooks.example.com/agent-events?x=1", allow_local=False)
    assert webhooks.check_target_url("https://8.8.8.8/x", allow_local=False)
    assert webhooks.check_target_url("http://127.0.0.1:8080/hook", allow_local=True)


def test_retries_span_more_than_a_day_and_never_exceed_the_visibility_limit():
    import random

    rng = random.Random(7)
    delays = [webhooks.retry_delay(attempt, rng) for attempt in range(1, webhooks.MAX_ATTEMPTS)]
    assert webhooks.retry_delay(webhooks.MAX_ATTEMPTS, rng) is None
    assert sum(delays) > 24 * 3600 * 1.05
    assert max(delays) <= 12 * 3600  # SQS ChangeMessageVisibility's limit per receive
    assert delays == sorted(delays)


def test_standard_webhooks_key_of_a_whsec_secret_is_its_base64_body():
    import base64
    import hashlib
    import hmac

    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    headers = webhooks.signature_headers(secret, "dlv_1", 1700000000, '{"a":1}')
    expected = hmac.new(b"k" * 24, b'dlv_1.1700000000.{"a":1}', hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()
    assert headers["X-Signature"] == "sha256=" + hmac.new(secret.encode(), b'{"a":1}', hashlib.sha256).hexdigest()


# -- BANT ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "expected"),
    [((8, 7, 9, 6), 75), ((8, 8, 9, 7), 80), ((0, 0, 0, 0), 0), ((10, 10, 10, 10), 100), ((1, 0, 0, 0), 3)],
)
def test_qualification_score_is_the_share_of_forty_points(scores, expected):
    assert bant.qualification_score(dict(zip(bant.CRITERIA, scores, strict=True))) == expected


@pytest.mark.parametrize(
    ("text", "criterion", "score"),
    [
        ("Our budget is around $500k", "budget", 8),
        ("We're pre-approved up to 650,000", "budget", 9),
        ("not sure what we can afford yet", "budget", 3),
        ("I'm the decision maker here", "authority", 9),
        ("I need to check with my husband", "authority", 4),
        ("looking for a 3-bedroom with a garage", "need", 9),
        ("just browsing", "need", 2),
        ("we need to move ASAP", "timeline", 9),
        ("hoping to move within 3 months", "timeline", 7),
        ("maybe next year, no rush", "timeline", 3),
    ],
)
def test_bant_signals(text, criterion, score):
    assert bant.analyse(text)[criterion][0] == score


def test_suggestions_keep_the_strongest_signal_and_its_evidence():
    first = bant.merge_suggestion(None, "Budget around $400k, just browsing", "t1")
    second = bant.merge_suggestion(first, "Actually we need a 2-bedroom asap", "t2")
    assert second["budget"] == 8 and second["need"] == 9 and second["timeline"] == 9  # two needs: 9
    assert "$400k" in second["evidence"]["budget"] and second["updatedAt"] == "t2"
    assert bant.merge_suggestion(None, "Hello there", "t") is None


# -- extraction, passages, retrieval, replies ----------------------------------------------------------


def test_html_and_markdown_lose_their_markup_and_keep_their_text():
    html = extraction.extract(
        extraction.HTML, b"<style>p{}</style><p>Open <b>house</b> &amp; tour</p><script>x()</script>"
    )
    assert html.pages == ["Open house & tour"]
    markdown = extraction.extract(extraction.MARKDOWN, b"## Fees\n\n* **HOA**: see [the list](http://x)\n")
    assert markdown.pages == ["Fees\n\nHOA: see the list"]


def test_empty_and_damaged_files_are_unreadable_with_a_reason():
    with pytest.raises(extraction.DocumentUnreadable, match="No text"):
        extraction.extract(extraction.TEXT, b"   \n ")
    with pytest.raises(extraction.DocumentUnreadable, match="PDF"):
        extraction.extract(extraction.PDF, b"%PDF-1.7 garbage")
    with pytest.raises(extraction.DocumentUnreadable, match=r"damaged|Word"):
        extraction.extract(extraction.DOCX, b"PK\x03\x04garbage")


def test_long_text_splits_into_passages_of_at_most_160_words_keeping_pages():
    words = " ".join(f"word{n}." for n in range(400))
    passages = split_passages([words, "Short page."], paged=True)
    assert all(len(p.text.split()) <= 160 for p in passages)
    assert {p.page for p in passages} == {1, 2}
    assert " ".join(p.text for p in passages).split() == (words + " Short page.").split()


def _index(*texts: str) -> Index:
    passages = [{"index": n, "page": None, "text": text, "terms": term_counts(text)} for n, text in enumerate(texts)]
    return Index.from_shards([{"documentId": "doc_1", "documentName": "faq.txt", "passages": passages}])


def test_bm25_prefers_the_passage_that_matches_the_question():
    index = _index(
        "Parking garages downtown cost $200 a month.",
        "Three-bedroom homes in Maple Park start at $520,000.",
        "Our office is open on weekdays.",
    )
    hits = index.search(weighted_query("How much is a 3 bedroom home?"))
    assert hits[0].passage["text"].startswith("Three-bedroom")
    assert index.search(weighted_query("the and of")) == []


def test_the_offline_reply_quotes_its_source_fits_the_budget_and_falls_back():
    index = _index("Three-bedroom homes in Maple Park start at $520,000. They have large yards.")
    settings_ = {"tone": "Formal", "fallbackPrompt": "Please hold.", "maxTokens": 40, "temperature": 0}
    hits = index.search(weighted_query("price of three-bedroom homes"))
    reply = OfflineResponder().respond(settings_, "price of three-bedroom homes", hits, [], ["budget"], "seed")
    assert reply.text.startswith("Thank you for your enquiry. Our faq states: Three-bedroom homes")
    assert reply.tokens <= 40 and reply.grounded and reply.sources[0]["documentName"] == "faq.txt"
    assert OfflineResponder().respond(settings_, "weather?", [], [], [], "s").text == "Please hold."
    assert count_tokens(fit("One two three. Four five six.", 5)) <= 5


# -- the envelope ---------------------------------------------------------------------------------------


def test_errors_use_only_the_spec_codes_and_always_carry_field_and_value():
    status, body = REALESTATE_STYLE.body(Unauthorized("bad", code="INVALID_CREDENTIALS"), "req-1")
    assert status == 401 and body["error"]["code"] == "UNAUTHORIZED"
    assert body["error"]["details"] == {"field": None, "value": None, "reason": "INVALID_CREDENTIALS"}
    status, body = REALESTATE_STYLE.body(NotFound("gone", {"field": "agentId", "value": "a1"}), "req-2")
    assert (status, body["error"]["details"]) == (404, {"field": "agentId", "value": "a1"})
    status, body = REALESTATE_STYLE.body(
        RateLimited("slow down", {"limit": 10, "remaining": 0, "resetAt": 1, "retryAfter": 5}), "r"
    )
    assert status == 429 and body["error"]["details"]["retryAfter"] == 5 and body["error"]["details"]["field"] is None
    assert body["metadata"]["requestId"] == "r" and body["metadata"]["version"] == "1.0.0"


# -- provider adapters ------------------------------------------------------------------------------


def test_the_openai_adapter_sends_the_agents_settings_and_falls_back_offline(monkeypatch):
    import io
    import urllib.request

    from realestate_agent.providers.responder import OpenAIResponder

    sent = {}

    def fake_urlopen(request, timeout):
        sent["url"], sent["body"], sent["auth"] = (
            request.full_url,
            json.loads(request.data),
            request.headers["Authorization"],
        )
        return io.BytesIO(json.dumps({"choices": [{"message": {"content": "From the guide: $520,000."}}]}).encode())

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    index = _index("Three-bedroom homes in Maple Park start at $520,000.")
    settings_ = {
        "tone": "Friendly",
        "systemPrompt": "You sell homes.",
        "fallbackPrompt": "Sorry.",
        "maxTokens": 300,
        "temperature": 0.2,
    }
    hits = index.search(weighted_query("three-bedroom price"))
    history = [{"sender": "user", "content": "hi"}, {"sender": "agent", "content": "Hello!"}]
    reply = OpenAIResponder("sk-test", "gpt-4o-mini").respond(settings_, "three-bedroom price", hits, history, [], "s")
    assert reply.text == "From the guide: $520,000." and reply.provider == "openai"
    assert sent["url"] == "https://api.openai.com/v1/chat/completions" and sent["auth"] == "Bearer sk-test"
    body = sent["body"]
    assert body["model"] == "gpt-4o-mini" and body["max_tokens"] == 300 and body["temperature"] == 0.2
    assert body["messages"][0]["role"] == "system" and "You sell homes." in body["messages"][0]["content"]
    assert "$520,000" in body["messages"][0]["content"] and "Sorry." in body["messages"][0]["content"]
    assert [m["role"] for m in body["messages"][1:]] == ["user", "assistant", "user"]

    def failing(request, timeout):
        raise OSError("network down")

    monkeypatch.setattr(urllib.request, "urlopen", failing)
    fallback = OpenAIResponder("sk-test", "gpt-4o-mini").respond(settings_, "three-bedroom price", hits, [], [], "s")
    assert (
        fallback.provider == "offline" and "$520,000" in fallback.text and fallback.extra == {"providerError": "openai"}
    )

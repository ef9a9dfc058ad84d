"""Loqua figures: user-token issuance, context served cached vs uncached, sessions, and progress
throughput through the queue's consumer.

Requests go through ``runtime.client("LoquaHttpApi")`` as in the warm JIGA figures (template
routing, an API Gateway event, Mangum, FastAPI, DynamoDB in moto). The consumer is invoked by the
runtime with SQS batches of 10 (the template's ``BatchSize``) taken from the queue the API filled;
its throughput is updates applied per second of consumer time, one consumer at a time.
"""

import uuid
from time import perf_counter

from bench.harness import DynamoDBCalls, MotoClock, log
from bench.report import Table, dynamodb_table, warm_table
from bench.warm import EndpointRun, Timer
from tests.support.loqua import LOQUA_RATE_LIMIT_GROUPS, LoquaDriver, progress_body, session_body

BATCH_SIZE = 10


def _driver(runtime, client) -> LoquaDriver:
    from local.seed import seed_local_secrets
    from shared import aws

    seed_local_secrets(runtime)  # the documented LiveKit credentials sign the benchmark's webhooks
    secrets = aws.client("secretsmanager")
    value = {
        name: secrets.get_secret_value(SecretId=runtime.arn(name))["SecretString"]
        for name in ("LoquaUserTokenSecret", "LiveKitApiSecret")
    }
    return LoquaDriver(client, runtime, value["LoquaUserTokenSecret"], value["LiveKitApiSecret"])


def measure_loqua(runtime, calls: DynamoDBCalls, clock: MotoClock, count: int) -> list[Table]:
    runtime.reconfigure(LoquaRateLimits=LOQUA_RATE_LIMIT_GROUPS)
    timer = Timer(calls, clock)
    with runtime.client("LoquaHttpApi") as client:
        loqua = _driver(runtime, client)
        agent = loqua.agent()
        log(f"loqua: {count} onboarded learners, each in a call with the agent")
        learners = [loqua.onboarded() for _ in range(count)]
        rooms = [loqua.call(agent, learner) for learner in learners]

        issue, responses = timer.run(
            "POST /agent/user-token",
            [
                lambda learner=learner, room=room: loqua.request_user_token(agent, learner, room)
                for learner, room in zip(learners, rooms, strict=True)
            ],
            200,
        )
        from tests.support.loqua import decrypt_cbc

        jwts = [decrypt_cbc(response.json()["encrypted_token"], loqua.user_token_secret) for response in responses]
        pairs = list(zip(learners, jwts, strict=True))
        uncached, _ = timer.run(
            "POST /agent/user/{id}/context (uncached)",
            [lambda pair=pair: loqua.context(pair[1], agent, pair[0]) for pair in pairs],
            200,
        )
        cached, answers = timer.run(
            "POST /agent/user/{id}/context (cached)",
            [lambda pair=pair: loqua.context(pair[1], agent, pair[0]) for pair in pairs],
            200,
        )
        assert all(answer.json()["cached"] for answer in answers)
        sessions, _ = timer.run(
            "POST /agent/sessions",
            [
                lambda pair=pair: loqua.session(pair[1], agent, session_body(pair[0], f"sess_{uuid.uuid4().hex}"))
                for pair in pairs
            ],
            200,
        )
        progress, _ = timer.run(
            "POST /agent/progress",
            [
                lambda pair=pair, n=n: loqua.progress(
                    pair[1], agent, progress_body(pair[0], f"sess_p{n % 3}", words_learned=n, phrases_practiced=n)
                )
                for n, pair in enumerate(pairs * 3)
            ],
            200,
        )
        consumer = _consume(loqua, calls, clock, [(learner.user_id, agent.agent_id) for learner in learners])
    runs = [issue, uncached, cached, sessions, progress]
    return [
        warm_table(runs, count, title="Loqua"),
        consumer,
        dynamodb_table([*runs, consumer.run]),  # type: ignore[attr-defined]
    ]


def _consume(loqua: LoquaDriver, calls: DynamoDBCalls, clock: MotoClock, learners: list[tuple[str, str]]) -> Table:
    """The consumer alone, invoked as the event source invokes it, with batches of queued updates
    (three per learner, of three sessions, as an agent sends them during calls)."""
    from loqua_agent.logic.progress import ProgressUpdate
    from tests.support.loqua import sqs_record

    records = [
        sqs_record(
            uuid.uuid4().hex,
            ProgressUpdate(
                learner,
                f"sess_c{n}",
                agent,
                f"2026-01-01T00:00:{n:02d}.000Z",
                uuid.uuid4().hex,
                words_learned=n + 1,
                phrases_practiced=n + 2,
            ).message(),
        )
        for n in range(3)
        for learner, agent in learners
    ]
    log(f"loqua: consuming {len(records)} progress updates in batches of {BATCH_SIZE}")
    run = EndpointRun(f"progress consumer, batch of {BATCH_SIZE}", [], [], [])
    for start in range(0, len(records), BATCH_SIZE):
        with calls.recording() as made:
            moto_before, started = clock.seconds, perf_counter()
            answer = loqua.consume(records[start : start + BATCH_SIZE])
            run.latency_s.append(perf_counter() - started)
            run.moto_s.append(clock.seconds - moto_before)
        assert answer == {"batchItemFailures": []}, answer
        run.calls.append(tuple(made))
    total = sum(run.latency_s)
    without_moto = total - sum(run.moto_s)
    table = Table(
        "Loqua progress through the queue's consumer",
        ["updates", "batch size", "batches", "updates/s", "updates/s w/o moto", "batch p50 (ms)", "batch p99 (ms)"],
        [
            [
                str(len(records)),
                str(BATCH_SIZE),
                str(len(run.latency_s)),
                f"{len(records) / total:.0f}",
                f"{len(records) / without_moto:.0f}",
                f"{run.percentile_ms(50):.1f}",
                f"{run.percentile_ms(99):.1f}",
            ]
        ],
        [
            "one consumer at a time; Lambda runs up to one per SQS batch in parallel (exact under concurrency: "
            "tests/integration/test_loqua_progress.py)",
            "a batch's updates of one session are applied in one transaction (snapshot + totals + audit entries)",
        ],
    )
    table.run = run  # type: ignore[attr-defined]
    return table

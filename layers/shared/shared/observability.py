"""Powertools Logger and Metrics, one set per API (the API name is the service).

Tracing: the functions run with Lambda's active X-Ray tracing (``Tracing: Active``), which records
each invocation and its cold start. The X-Ray SDK (Powertools Tracer) would add a subsegment per
AWS call, but importing it costs more than 100 ms of every cold start, so it is not used.
"""

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics

METRICS_NAMESPACE = "ServerlessPlatform"


@cache
def logger(service: str) -> Logger:
    return Logger(service=service)


@cache
def metrics(service: str) -> Metrics:
    return Metrics(namespace=METRICS_NAMESPACE, service=service)


def count(service: str, name: str, value: float = 1) -> None:
    from aws_lambda_powertools.metrics import MetricUnit

    metrics(service).add_metric(name=name, unit=MetricUnit.Count, value=value)


def log_exception(service: str, message: str, **extra: Any) -> None:
    logger(service).exception(message, extra=extra)

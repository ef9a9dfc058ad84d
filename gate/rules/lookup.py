"""Questions the project rules ask of a transformed template: what a value points at, who alarms on what."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gate.intrinsics import as_list, branches, references, single_reference

ALARM_TYPES = ("AWS::CloudWatch::Alarm",)


def resources(template: dict[str, Any], *types: str) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(logical id, resource, properties) of every resource of the given types, in template order."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        if isinstance(resource, dict) and (not types or resource.get("Type") in types):
            properties = resource.get("Properties")
            yield logical_id, resource, properties if isinstance(properties, dict) else {}


def resource_type(template: dict[str, Any], logical_id: str | None) -> str | None:
    resource = (template.get("Resources") or {}).get(logical_id) if logical_id else None
    return resource.get("Type") if isinstance(resource, dict) else None


def target_of(template: dict[str, Any], value: Any) -> str | None:
    """The logical id of the resource of this template that value denotes (`!GetAtt Q.Arn`, `!Ref T`)."""
    reference = single_reference(value)
    if reference is None or resource_type(template, reference.name) is None:
        return None
    return reference.name


@dataclass(frozen=True)
class Watched:
    """One metric an alarm watches: which resources its dimensions name, and the metric itself."""

    alarm: str
    namespace: Any
    metric_name: Any
    resources: frozenset[str]


def watched_metrics(template: dict[str, Any]) -> list[Watched]:
    """Every metric of every alarm (plain alarms and metric-math `Metrics` alike)."""
    names = set((template.get("Resources") or {}).keys())
    watched: list[Watched] = []
    for alarm_id, _, properties in resources(template, *ALARM_TYPES):
        metrics = [
            (properties.get("Namespace"), properties.get("MetricName"), properties.get("Dimensions")),
        ]
        for query in as_list(properties.get("Metrics")):
            metric = ((query or {}).get("MetricStat") or {}).get("Metric") or {}
            if isinstance(metric, dict) and metric:
                metrics.append((metric.get("Namespace"), metric.get("MetricName"), metric.get("Dimensions")))
        for namespace, metric_name, dimensions in metrics:
            named = frozenset(
                reference.name
                for dimension in as_list(dimensions)
                if isinstance(dimension, dict)
                for value in branches(dimension.get("Value"))
                for reference in references(value)
                if reference.name in names
            )
            if named:
                watched.append(Watched(alarm_id, namespace, metric_name, named))
    return watched


def alarms_on(template: dict[str, Any], logical_id: str) -> list[str]:
    """The alarms whose metric dimensions name this resource (any attribute: QueueName, TopicName...)."""
    return sorted({item.alarm for item in watched_metrics(template) if logical_id in item.resources})

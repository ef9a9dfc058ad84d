"""Schedules: EventBridge rules and EventBridge Scheduler schedules, fired on the runtime's clock.

* SAM ``Events: {Type: Schedule}`` and ``AWS::Events::Rule`` with a ``ScheduleExpression`` are
  rules: the target function gets the rule's ``Input`` (parsed JSON), or EventBridge's
  ``Scheduled Event`` (``detail-type``, ``source: aws.events``, ``time``: the scheduled moment on
  the clock, ``resources``: the rule ARN). ``InputPath``/``InputTransformer`` are not supported.
* SAM ``Events: {Type: ScheduleV2}`` and ``AWS::Scheduler::Schedule`` are created in moto's
  EventBridge Scheduler, beside the schedules code creates at run time
  (``scheduler.create_schedule``, e.g. ``at(2026-12-01T14:00:00)`` with ``ActionAfterCompletion:
  DELETE``): every schedule moto holds fires. A Lambda target (an ARN, qualified by an alias or
  not) gets the target's ``Input`` with ``<aws.scheduler.scheduled-time>``,
  ``<aws.scheduler.schedule-arn>``, ``<aws.scheduler.execution-id>`` and
  ``<aws.scheduler.attempt-number>`` replaced (``{}`` without one); Step Functions targets start an
  execution; SQS targets get a message. A completed one-time schedule with ``ActionAfterCompletion:
  DELETE`` is deleted, as in AWS.

Lambda targets are invoked asynchronously (Lambda's retries and destinations apply). Rates count
from when the runtime first sees the schedule (its ``StartDate`` if later); ``FlexibleTimeWindow``
is ignored (the schedule fires at the start of its window).
"""

import json
import logging
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local.functions import FUNCTION
from local.moto_fixes import MOTO_LOCK
from local.schedule_expressions import next_fire
from local.template import ACCOUNT_ID, REGION

LOCAL_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/local-scheduler"


@dataclass
class Rule:
    name: str
    expression: str
    target_arn: str
    input: Any = None  # the rule's Input, parsed; None sends the Scheduled Event
    enabled: bool = True
    start: float = 0.0
    next: float | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{self.name}"


@dataclass
class _Tracked:
    signature: str
    start: float
    next: float | None
    fired: list[float] = field(default_factory=list)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timestamp(value: Any) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


class Scheduler:
    def __init__(self, runtime: Any):
        self.runtime = runtime
        self.rules: list[Rule] = []
        self.log = logging.getLogger("local.schedules")
        self._tracked: dict[tuple[str, str], _Tracked] = {}
        self._lock = threading.RLock()
        self.fired: list[dict[str, Any]] = []  # (for tests) what fired: schedule, moment, target

    # -- from the template ----------------------------------------------------------------------

    def load(self) -> None:
        now = self.runtime.clock.now()
        for function in self.runtime.resources(FUNCTION).values():
            resolver = function.stack.resolver
            arn = str(resolver.get_att(function.logical_id, "Arn"))
            for event_name, event in (function.properties.get("Events") or {}).items():
                properties = resolver.resolve(event.get("Properties") or {})
                default_name = f"{function.physical_name}{event_name}"
                if event.get("Type") == "Schedule":
                    enabled = properties.get("Enabled", True) and properties.get("State", "ENABLED") == "ENABLED"
                    rule_input = json.loads(properties["Input"]) if properties.get("Input") else None
                    name = str(properties.get("Name") or default_name)
                    self.rules.append(Rule(name, properties["Schedule"], arn, rule_input, bool(enabled), now))
                elif event.get("Type") == "ScheduleV2":
                    self._create_schedule(properties, default_name, {"Arn": arn, "RoleArn": LOCAL_ROLE})
        for key, rule in self.runtime.resources("AWS::Events::Rule").items():
            properties = rule.resolved()
            if not properties.get("ScheduleExpression"):
                continue
            for target in properties.get("Targets") or []:
                if target.get("InputPath") or target.get("InputTransformer"):
                    raise NotImplementedError(f"{key}: InputPath and InputTransformer do not run locally")
                rule_input = json.loads(target["Input"]) if target.get("Input") else None
                enabled = properties.get("State", "ENABLED") == "ENABLED"
                name = str(properties.get("Name") or rule.physical_name)
                self.rules.append(Rule(name, properties["ScheduleExpression"], target["Arn"], rule_input, enabled, now))
        for schedule in self.runtime.resources("AWS::Scheduler::Schedule").values():
            properties = schedule.resolved()
            self._create_schedule(properties, schedule.physical_name, properties["Target"])
        for rule in self.rules:
            rule.next = next_fire(rule.expression, now, now)
        self.runtime.clock.add_source(self)

    def _create_schedule(self, properties: dict[str, Any], default_name: str, target: dict[str, Any]) -> None:
        from shared import aws

        target = {"RoleArn": LOCAL_ROLE, **target}
        if properties.get("Input") is not None:
            target["Input"] = properties["Input"]
        request = {
            "Name": str(properties.get("Name") or default_name),
            "ScheduleExpression": properties["ScheduleExpression"],
            "FlexibleTimeWindow": properties.get("FlexibleTimeWindow") or {"Mode": "OFF"},
            "Target": target,
            "State": properties.get("State", "ENABLED"),
        }
        for key in ("GroupName", "ScheduleExpressionTimezone", "StartDate", "EndDate", "ActionAfterCompletion"):
            if properties.get(key):
                request[key] = properties[key]
        aws.client("scheduler").create_schedule(**request)

    def stop(self) -> None:
        self.runtime.clock.remove_source(self)

    def busy(self) -> list[str]:
        return []

    # -- clock source ---------------------------------------------------------------------------

    def next_due(self, now: float) -> float | None:
        with self._lock:
            self._scan(now)
            moments = [rule.next for rule in self.rules if rule.enabled and rule.next is not None]
            moments += [tracked.next for tracked in self._tracked.values() if tracked.next is not None]
        return min((moment for moment in moments if moment > now), default=None)

    def wake(self) -> None:
        with self._lock:
            now = self.runtime.clock.now()
            self._scan(now)
            for rule in self.rules:
                while rule.enabled and rule.next is not None and rule.next <= now:
                    self._fire_rule(rule, rule.next)
                    rule.next = next_fire(rule.expression, rule.next, rule.start)
            for (group, name), tracked in list(self._tracked.items()):
                if tracked.next is not None and tracked.next <= now:
                    self._fire_schedule(group, name, tracked, now)

    def _moto_schedules(self) -> dict[tuple[str, str], Any]:
        from moto.scheduler.models import scheduler_backends

        backend = scheduler_backends[ACCOUNT_ID][REGION]
        with MOTO_LOCK:
            return {
                (group.name, schedule.name): schedule
                for group in list(backend.schedule_groups.values())
                for schedule in list(group.schedules.values())
            }

    def _scan(self, now: float) -> None:
        """Track the schedules moto holds: new or changed ones get their next moment."""
        schedules = self._moto_schedules()
        for key in list(self._tracked):
            if key not in schedules or not self._mine(schedules[key].target["Arn"]):
                del self._tracked[key]
        for key, schedule in schedules.items():
            details = schedule.to_dict()
            if not self._mine(details["Target"]["Arn"]):
                continue
            described = {k: v for k, v in details.items() if k not in ("CreationDate", "LastModificationDate")}
            signature = json.dumps(described, default=str, sort_keys=True)
            tracked = self._tracked.get(key)
            if tracked is not None and tracked.signature == signature:
                continue
            start = max(_timestamp(details.get("StartDate")) or now, now) if tracked is None else tracked.start
            self._tracked[key] = _Tracked(signature, start, self._next_of(details, now - 0.001, start))

    def _mine(self, target_arn: str) -> bool:
        """Runtimes of one process share moto's schedules: each fires those that target its own
        functions; the first runtime fires the others (state machines, queues)."""
        from local.hooks import ACTIVE_RUNTIMES, owner_of_function

        if target_arn.split(":")[2] == "lambda":
            owner = owner_of_function(target_arn)
            return owner is not None and owner[0] is self.runtime
        return bool(ACTIVE_RUNTIMES) and ACTIVE_RUNTIMES[0] is self.runtime

    @staticmethod
    def _next_of(details: dict[str, Any], after: float, start: float) -> float | None:
        if details.get("State", "ENABLED") != "ENABLED":
            return None
        timezone = details.get("ScheduleExpressionTimezone") or "UTC"
        expression = details["ScheduleExpression"]
        if expression.strip().startswith("at("):
            moment = next_fire(expression, float("-inf"), start, timezone)
            return None if moment is None else max(moment, after + 0.001)
        moment = next_fire(expression, after, start, timezone)
        end = _timestamp(details.get("EndDate"))
        return None if moment is None or (end is not None and moment > end) else moment

    # -- firing ---------------------------------------------------------------------------------

    def _fire_rule(self, rule: Rule, moment: float) -> None:
        payload = rule.input
        if payload is None:
            payload = {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": ACCOUNT_ID,
                "time": _iso(moment),
                "region": REGION,
                "resources": [rule.arn],
                "detail": {},
            }
        self.fired.append({"schedule": rule.arn, "time": moment, "target": rule.target_arn})
        self._deliver(rule.target_arn, payload)

    def _fire_schedule(self, group: str, name: str, tracked: _Tracked, now: float) -> None:
        schedules = self._moto_schedules()
        schedule = schedules.get((group, name))
        if schedule is None:
            self._tracked.pop((group, name), None)
            return
        details = schedule.to_dict()
        moment = tracked.next or now
        target = details["Target"]
        raw = target.get("Input")
        if raw:
            for placeholder, value in (
                ("<aws.scheduler.scheduled-time>", _iso(moment)),
                ("<aws.scheduler.schedule-arn>", details["Arn"]),
                ("<aws.scheduler.execution-id>", uuid.uuid4().hex[:16]),
                ("<aws.scheduler.attempt-number>", "1"),
            ):
                raw = raw.replace(placeholder, value)
        self.fired.append({"schedule": details["Arn"], "time": moment, "target": target["Arn"]})
        try:
            self._deliver(target["Arn"], raw, raw_input=True)
        finally:
            tracked.fired.append(moment)
            one_time = details["ScheduleExpression"].strip().startswith("at(")
            tracked.next = None if one_time else self._next_of(details, moment, tracked.start)
            if one_time and details.get("ActionAfterCompletion") == "DELETE":
                with MOTO_LOCK:
                    from moto.scheduler.models import scheduler_backends

                    scheduler_backends[ACCOUNT_ID][REGION].schedule_groups[group].schedules.pop(name, None)
                self._tracked.pop((group, name), None)

    def _deliver(self, target_arn: str, payload: Any, raw_input: bool = False) -> None:
        from shared import aws

        service = target_arn.split(":")[2]
        if service == "lambda":
            event = payload
            if raw_input:
                try:
                    event = json.loads(payload) if payload else {}
                except ValueError:
                    event = payload
            self.runtime.send_to(target_arn, event)
        elif service == "states":
            text = payload if isinstance(payload, str) else json.dumps(payload or {})
            aws.client("stepfunctions").start_execution(stateMachineArn=target_arn, input=text or "{}")
        elif service == "sqs":
            self.runtime.send_to(target_arn, payload if isinstance(payload, str) else json.dumps(payload))
        else:
            self.log.warning("schedule target %s does not run locally", target_arn)

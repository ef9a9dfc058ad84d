"""The WebSocket APIs a template declares: ``AWS::ApiGatewayV2::Api`` (WEBSOCKET) with its stage,
routes, integrations and route responses, and API Gateway's route selection
(``$request.body.<path>``). Served by ``local.websocket_api``."""

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.runtime import LocalRuntime


@dataclass
class WebSocketRoute:
    route_key: str
    function_id: str
    two_way: bool


@dataclass
class WebSocketApi:
    logical_id: str
    stage: str
    selection_expression: str
    routes: dict[str, WebSocketRoute]
    physical_id: str = ""


def _function_of_integration(uri: str, function_ids: dict[str, str]) -> str:
    found = re.search(r":function:([^:/]+)", uri)
    if not found or found.group(1) not in function_ids:
        raise ValueError(f"Integration URI {uri} does not name a function of this template")
    return function_ids[found.group(1)]


def load_websocket_apis(runtime: "LocalRuntime") -> dict[str, WebSocketApi]:
    """Read the WEBSOCKET ``AWS::ApiGatewayV2::Api`` resources with their stages, routes and integrations.

    Stages, routes and integrations name their API with ``!Ref``: they are matched within the
    API's own stack, by the physical id the runtime gave it."""
    apis: dict[str, WebSocketApi] = {}
    by_physical_id: dict[tuple[int, str], WebSocketApi] = {}
    for key, resource in runtime.resources("AWS::ApiGatewayV2::Api").items():
        properties = resource.resolved()
        if properties.get("ProtocolType") != "WEBSOCKET":
            continue
        physical_id = resource.stack.resolver.physical_ids[resource.logical_id]
        stages = [
            stage.resolved()
            for stage in runtime.resources("AWS::ApiGatewayV2::Stage").values()
            if stage.stack is resource.stack and stage.resolved()["ApiId"] == physical_id
        ]
        api = WebSocketApi(
            logical_id=key,
            stage=str(stages[0]["StageName"]) if stages else "$default",
            selection_expression=properties.get("RouteSelectionExpression", "$request.body.action"),
            routes={},
            physical_id=physical_id,
        )
        apis[key] = by_physical_id[(id(resource.stack), physical_id)] = api
    route_responses = {
        (id(response.stack), response.resolved()["RouteId"])
        for response in runtime.resources("AWS::ApiGatewayV2::RouteResponse").values()
    }
    integrations = runtime.resources("AWS::ApiGatewayV2::Integration")
    for route in runtime.resources("AWS::ApiGatewayV2::Route").values():
        properties = route.resolved()
        api = by_physical_id.get((id(route.stack), properties["ApiId"]))
        if api is None:
            continue
        if properties.get("AuthorizationType", "NONE") != "NONE":
            raise NotImplementedError(f"{route.key}: route authorizers do not run locally; authorize in $connect")
        target = properties.get("Target", "")
        integration_id = target.split("/", 1)[1] if target.startswith("integrations/") else ""
        integration_resource = next(
            (
                found
                for found in integrations.values()
                if found.stack is route.stack and found.logical_id == integration_id
            ),
            None,
        )
        if integration_resource is None:
            raise ValueError(f"{route.key}: Target must be integrations/<an AWS::ApiGatewayV2::Integration>")
        integration = integration_resource.resolved()
        if integration.get("IntegrationType") != "AWS_PROXY":
            raise NotImplementedError(f"{integration_id}: only AWS_PROXY (Lambda proxy) integrations run locally")
        function_id = _function_of_integration(integration["IntegrationUri"], runtime.function_ids_by_name)
        api.routes[properties["RouteKey"]] = WebSocketRoute(
            route_key=properties["RouteKey"],
            function_id=function_id,
            two_way=bool(properties.get("RouteResponseSelectionExpression"))
            or (id(route.stack), route.logical_id) in route_responses,
        )
    return apis


def select_route_key(expression: str, body: str) -> str | None:
    """Evaluate ``$request.body.<path>`` against a message, as API Gateway does (None: no key)."""
    if not expression.startswith("$request.body."):
        raise NotImplementedError(f"RouteSelectionExpression {expression} is not supported locally")
    try:
        value: Any = json.loads(body)
    except ValueError:
        return None
    for part in expression.removeprefix("$request.body.").split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, str) else json.dumps(value)

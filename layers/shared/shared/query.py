"""Query parameters a route does not take are refused, as bodies with ``extra="forbid"`` are.

A typo (``?sortby=``, ``?limt=``) is a 400 naming the parameter, as Stripe answers it, instead of
being silently ignored; and the OpenAPI document, which lists each route's parameters, then says
the whole truth about what the route accepts. A route's parameters are those FastAPI knows (its
own and its dependencies'), those its document declares through ``openapi_extra``, and the
``name[]`` spelling of the array ones (qs, axios).

    router = APIRouter(prefix="/v1", dependencies=[Depends(no_unknown_query_parameters)])

Give it to the router when it is created: FastAPI copies a router's dependencies into each route
as the route is declared, so one appended to ``router.dependencies`` afterwards never runs.
"""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from shared.errors import InvalidInput

_QUERY_NAMES: dict[int, frozenset[str]] = {}


def _declared_query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _declared_query_names(dependency)
    return names


def query_names(route: APIRoute) -> frozenset[str]:
    """The query parameters ``route`` takes."""
    names = _declared_query_names(route.dependant)
    for parameter in (route.openapi_extra or {}).get("parameters", []):
        if parameter.get("in") == "query":
            names.add(parameter["name"])
            if parameter.get("schema", {}).get("type") == "array":
                names.add(f"{parameter['name']}[]")
    return frozenset(names)


def no_unknown_query_parameters(request: Request) -> None:
    """FastAPI dependency: 400 (the API's ``invalid_input``) naming the parameters the route does
    not take, at most ten, each cut to 100 characters."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = _QUERY_NAMES.get(id(route))
    if names is None:
        names = _QUERY_NAMES[id(route)] = query_names(route)
    unknown = sorted(set(request.query_params) - names)
    if unknown:
        raise InvalidInput(
            "Unknown query parameter",
            [{"field": name[:100], "message": "not a parameter of this route"} for name in unknown[:10]],
        )

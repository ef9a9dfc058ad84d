"""One OpenAPI 3.1 document per HTTP API, built from the code that serves it.

Each endpoint group is its own FastAPI app (one Lambda function each), so no single app knows the
whole API. This module walks the template's routes for an API, loads the function each route goes
to (as the local runtime does), and takes that route's operation from the app's ``app.openapi()``.
The apps describe themselves fully: ``shared.auth`` declares the bearer scheme on the operations
that need a token, and ``shared.app.create_app`` declares the API's error envelope as every
operation's ``4XX`` and ``5XX`` responses.

A template route whose function's app has no such path is an error: API Gateway would send
requests there that FastAPI answers with 404.

    python -m local.openapi JigaHttpApi > docs/openapi/jiga.json   # one API to stdout
    python -m local.openapi --all docs/openapi                      # every HTTP API (make openapi)

``DOCUMENT_FILES`` names each API's file, in one place; an HTTP API missing from it fails
``--all``, so a new API cannot go undocumented.
"""

import copy
import importlib
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from local.runtime import DEFAULT_PORTS, ROOT, LocalRuntime

# HTTP API logical id -> its document under docs/openapi/
DOCUMENT_FILES = {
    "JigaHttpApi": "jiga.json",
    "RealEstateHttpApi": "realestate.json",
    "LoquaHttpApi": "loqua.json",
    "CosmicHttpApi": "cosmic.json",
    "BlueMarbleHttpApi": "bluemarble.json",
}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OpenApiError(Exception):
    """The template and the code disagree, so no truthful document can be built."""


def build_openapi(runtime: LocalRuntime, api_id: str) -> dict[str, Any]:
    """The merged OpenAPI document of every route the template gives ``api_id``."""
    routes = [route for route in runtime.routes if route.api_id == api_id and route.path != "$default"]
    if not routes:
        raise OpenApiError(f"The template routes nothing to {api_id}")
    resource = runtime.resource(api_id).properties
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": resource.get("Description") or api_id, "version": _project_version()},
        "paths": {},
        "components": {"schemas": {}},
    }
    if api_id in DEFAULT_PORTS:
        document["servers"] = [{"url": f"http://127.0.0.1:{DEFAULT_PORTS[api_id]}", "description": "make dev"}]
    for route in sorted(routes, key=lambda r: (r.path, r.method)):
        app = _app_of(runtime, route.function_id)
        source = app.openapi()
        operations = source.get("paths", {}).get(route.path)
        methods = _METHODS if route.method == "ANY" else (route.method.lower(),)
        found = {method: operations[method] for method in methods if operations and method in operations}
        if not found:
            raise OpenApiError(
                f"{route.method} {route.path} goes to {route.function_id}, whose app has no such operation"
            )
        for method, operation in found.items():
            document["paths"].setdefault(route.path, {})[method] = copy.deepcopy(operation)
        components = source.get("components", {})
        _merge_schemas(document, components.get("schemas", {}), route.function_id)
        _merge_schemas(document, components.get("securitySchemes", {}), route.function_id, "securitySchemes")
    _check_operation_ids(document)
    return document


def _project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


def _app_of(runtime: LocalRuntime, function_id: str) -> FastAPI:
    runtime.handler(function_id)  # imports the module from the function's CodeUri, as Lambda would
    module = importlib.import_module(runtime.functions[function_id].handler.rsplit(".", 1)[0])
    app = getattr(module, "app", None)
    if not isinstance(app, FastAPI):
        raise OpenApiError(f"{function_id} has no FastAPI app to describe")
    return app


def _merge_schemas(document: dict[str, Any], schemas: dict[str, Any], origin: str, kind: str = "schemas") -> None:
    merged = document["components"].setdefault(kind, {})
    for name, schema in schemas.items():
        if name in merged and merged[name] != schema:
            raise OpenApiError(f"Two different {kind} are named {name} (one from {origin}); rename one")
        merged[name] = schema


def _check_operation_ids(document: dict[str, Any]) -> None:
    seen: dict[str, str] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            operation_id = operation.get("operationId")
            if operation_id is None:
                continue
            if operation_id in seen:
                raise OpenApiError(f"operationId {operation_id} is used by {seen[operation_id]} and {method} {path}")
            seen[operation_id] = f"{method} {path}"


def write_all(runtime: LocalRuntime, directory: Path) -> list[Path]:
    """Write every HTTP API's document to ``directory`` under its DOCUMENT_FILES name."""
    missing = [api_id for api_id in runtime.http_api_ids() if api_id not in DOCUMENT_FILES]
    if missing:
        raise OpenApiError(f"Name a document file for {', '.join(missing)} in local/openapi.py DOCUMENT_FILES")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for api_id in runtime.http_api_ids():
        path = directory / DOCUMENT_FILES[api_id]
        path.write_text(json.dumps(build_openapi(runtime, api_id), indent=2, sort_keys=False) + "\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "--all":
        runtime = LocalRuntime().start()
        try:
            for path in write_all(runtime, Path(args[1])):
                print(f"wrote {path}", file=sys.stderr)
        finally:
            runtime.stop()
        return 0
    if len(args) != 1:
        print("usage: python -m local.openapi <HttpApi logical id> | --all <directory>", file=sys.stderr)
        return 2
    runtime = LocalRuntime().start()
    try:
        if args[0] not in runtime.http_api_ids():
            print(f"{args[0]} is not an HTTP API of the template: {', '.join(runtime.http_api_ids())}", file=sys.stderr)
            return 2
        document = build_openapi(runtime, args[0])
    finally:
        runtime.stop()
    json.dump(document, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

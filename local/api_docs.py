"""Browsable API documents for ``make dev``: ``<base>/openapi.json`` and ``<base>/docs`` (at the
server's root, and under the API's ``Metadata: {BasePath: ...}`` when it declares one).

The document is built from the code the way ``make openapi`` builds it (``local.openapi``), once
per API on first request. The page is Swagger UI 5 (OpenAPI 3.1) from the installed
``swagger-ui-py`` package, its assets served from ``<base>/docs/`` so that it works offline.
These paths are answered by the local server only when no route of the template names them: a real
route always wins (an API's ``$default`` catch-all, which answers unknown paths, does not count).
Nothing of this is deployed.
"""

import importlib.util
import json
import mimetypes
import threading
from pathlib import Path
from typing import Any

DOCUMENT_PATH = "/openapi.json"
PAGE_PATH = "/docs"
_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png")
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} (local)</title>
  <link rel="stylesheet" href="{prefix}/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="{prefix}/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{prefix}/docs/swagger-ui-bundle.js"></script>
  <script src="{prefix}/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{prefix}/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      displayRequestDuration: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    }});
  </script>
</body>
</html>
"""


def _assets_directory() -> Path | None:
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "static"


class ApiDocuments:
    """The documents and pages of one runtime's HTTP APIs."""

    def __init__(self, runtime: Any):
        self.runtime = runtime
        self._documents: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def answer(self, api_id: str, method: str, path: str) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """The local server's answer for a documentation path, or None (route the request)."""
        prefix = self._base_path(api_id)
        local_path = path.removeprefix(prefix) if prefix and path.startswith(prefix + "/") else path
        if method not in ("GET", "HEAD") or not self._is_docs_path(local_path):
            return None
        prefix = prefix if local_path != path else ""
        found = self.runtime.find_route(api_id, method, path)
        if found is not None and found[0].path != "$default":  # a real route wins; a catch-all does not
            return None
        if local_path == DOCUMENT_PATH:
            return self._document(api_id)
        if local_path in (PAGE_PATH, PAGE_PATH + "/"):
            title = self.runtime.resource(api_id).properties.get("Description") or api_id
            page = _PAGE.format(title=title, prefix=prefix)
            return 200, [("content-type", "text/html; charset=utf-8")], page.encode()
        return self._asset(local_path.removeprefix(PAGE_PATH + "/"))

    def _base_path(self, api_id: str) -> str:
        """The API's declared base path (``Metadata: {BasePath: ...}``): the pages answer under it too."""
        metadata = self.runtime.resource(api_id).definition.get("Metadata") or {}
        return str(metadata.get("BasePath", "")).rstrip("/")

    @staticmethod
    def _is_docs_path(path: str) -> bool:
        return path in (DOCUMENT_PATH, PAGE_PATH) or path.startswith(PAGE_PATH + "/")

    def _document(self, api_id: str) -> tuple[int, list[tuple[str, str]], bytes]:
        from local.openapi import OpenApiError, build_openapi

        with self._lock:
            if api_id not in self._documents:
                try:
                    document = build_openapi(self.runtime, api_id)
                except OpenApiError as error:
                    body = json.dumps({"message": f"No OpenAPI document for {api_id}: {error}"}).encode()
                    return 404, [("content-type", "application/json")], body
                document["servers"] = [{"url": self.runtime.base_url(api_id), "description": "make dev"}]
                self._documents[api_id] = json.dumps(document).encode()
        return 200, [("content-type", "application/json")], self._documents[api_id]

    @staticmethod
    def _asset(name: str) -> tuple[int, list[tuple[str, str]], bytes]:
        directory = _assets_directory()
        if name not in _ASSETS or directory is None or not (directory / name).is_file():
            message = b'{"message":"Not Found"}' if directory else b'{"message":"pip install swagger-ui-py"}'
            return 404, [("content-type", "application/json")], message
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return 200, [("content-type", kind), ("cache-control", "max-age=3600")], (directory / name).read_bytes()

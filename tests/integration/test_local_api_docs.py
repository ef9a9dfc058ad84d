"""``make dev``'s browsable documents: ``<base>/openapi.json`` and ``<base>/docs`` (Swagger UI from an
installed package, no CDN), answered by the local server only where the template routes nothing."""

import httpx
import pytest

from local.openapi import DOCUMENT_FILES, build_openapi
from local.server import LocalServer


@pytest.fixture(scope="module")
def jiga_url(runtime):
    server = LocalServer(runtime, ephemeral_ports=True)
    server.start()
    yield runtime.base_url("JigaHttpApi")
    server.stop()


def test_the_openapi_document_is_served_with_the_local_server_url(runtime, jiga_url):
    response = httpx.get(f"{jiga_url}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["paths"] == build_openapi(runtime, "JigaHttpApi")["paths"]
    assert document["servers"] == [{"url": jiga_url, "description": "make dev"}]


def test_the_docs_page_loads_swagger_ui_from_the_local_server_only(jiga_url):
    page = httpx.get(f"{jiga_url}/docs")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "https://" not in page.text and "http://" not in page.text
    for asset in ("/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui-standalone-preset.js"):
        assert asset in page.text
        response = httpx.get(f"{jiga_url}{asset}")
        assert response.status_code == 200
        assert len(response.content) > 10_000
    assert httpx.get(f"{jiga_url}/docs/../../etc/passwd").status_code == 404


def test_a_template_route_at_docs_wins_over_the_documentation_page(sample_runtime):
    base = sample_runtime.base_url("SampleHttpApi")

    page = httpx.get(f"{base}/docs", params={"ms": 0})
    document = httpx.get(f"{base}/openapi.json")

    assert page.status_code == 200
    assert page.json()["functionName"] == "SampleSlowFunction"
    assert document.status_code == 404  # plain functions describe no OpenAPI document


def test_every_http_api_of_the_template_has_a_document_file(runtime):
    assert set(runtime.http_api_ids()) <= set(DOCUMENT_FILES)

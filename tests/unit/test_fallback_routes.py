"""Each API's fallback function answers 404 or 405 from a literal route table (importing every
endpoint group would cost its cold start every app of the API): the table must say exactly what
the endpoint groups' routers serve, or a 405 would name the wrong methods."""

import importlib
import pkgutil

import pytest
from fastapi import APIRouter

from shared.fallback import Resource, allowed_methods, route_table

PACKAGES = ["jiga_store", "loqua_agent", "cosmic_ttt", "realestate_agent", "bluemarble_market"]


def endpoint_group_routers(package: str) -> list[APIRouter]:
    handlers = importlib.import_module(f"{package}.handlers")
    routers = []
    for module in pkgutil.iter_modules(handlers.__path__):
        if module.name == "fallback":
            continue
        router = getattr(importlib.import_module(f"{package}.handlers.{module.name}"), "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers


@pytest.mark.parametrize("package", PACKAGES)
def test_the_fallback_table_is_every_route_of_the_endpoint_groups(package):
    # Given the routes every endpoint group of the API serves
    served = route_table(endpoint_group_routers(package))
    # When the fallback's literal table is read
    fallback = importlib.import_module(f"{package}.handlers.fallback")
    # Then they are the same paths with the same methods
    assert {path: tuple(sorted(methods)) for path, methods in fallback.ROUTES.items()} == served, (
        f"update ROUTES in {package}/handlers/fallback.py to: {served}"
    )


def test_a_concrete_path_is_its_own_resource_and_get_allows_head():
    # Given a concrete path beside a templated sibling
    resources = [Resource("/transactions/purchase", ["POST"]), Resource("/transactions/{id}", ["GET"])]
    # Then each answers with its own methods, and GET brings HEAD
    assert allowed_methods(resources, "/transactions/purchase") == ["POST"]
    assert allowed_methods(resources, "/transactions/txn_1") == ["GET", "HEAD"]
    assert allowed_methods(resources, "/transactions/txn_1/extra") == []

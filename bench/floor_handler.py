"""The framework floor: the least a FastAPI + Mangum + boto3 Lambda can be.

``GET /ping`` is the floor the cold-start goal is measured against (import FastAPI, Mangum and
boto3, answer one request). ``GET /item`` is the same function reading one DynamoDB item with a
client built on first use, as ``shared.aws`` does: what touching DynamoDB at all costs a cold
start, so that part of a function's gap to the floor can be told apart from our own code.
"""

import os
from functools import cache
from typing import Any

import boto3
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@cache
def _dynamodb() -> Any:
    return boto3.client("dynamodb")


@app.get("/ping")
def ping() -> dict[str, bool]:
    return {"ok": True}


@app.get("/item")
def item() -> dict[str, bool]:
    found = _dynamodb().get_item(
        TableName=os.environ["FLOOR_TABLE"], Key={"pk": {"S": "FLOOR#item"}, "sk": {"S": "FLOOR"}}
    )
    return {"found": "Item" in found}


handler = Mangum(app, lifespan="off")

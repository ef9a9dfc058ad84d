"""Webhook delivery models."""

from typing import Any

from pydantic import BaseModel


class DeliveryAttempt(BaseModel):
    attempt: int
    at: str
    statusCode: int | None = None
    durationMs: int | None = None
    error: str | None = None


class DeliveryView(BaseModel):
    id: str
    agentId: str
    event: str
    eventId: str
    url: str
    status: str
    attempts: list[DeliveryAttempt]
    nextAttemptAt: str | None = None
    createdAt: str
    updatedAt: str
    payload: dict[str, Any] | None = None


class DeliveryData(BaseModel):
    delivery: DeliveryView

"""JIGA Store API: handlers (HTTP adapters) -> logic (pure rules) -> dal (DynamoDB)."""

"""Docker-free local runtime: reads template.yaml and runs its functions in-process against moto.

It serves the HTTP APIs and WebSocket APIs on localhost, executes the state machines' real ASL
with Lambda tasks dispatched to the in-process handlers, and creates tables and secrets. What it
supports and how it differs from AWS: docs/local-runtime.md.

A development tool, never deployed. In AWS the real API Gateway, Lambda, DynamoDB and Step
Functions run the same handlers from the same template.
"""

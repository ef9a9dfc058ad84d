"""A balance display built from the event stream's ``dof_update`` events never goes stale: every
change of a user's DOFs, whatever route moved them, sends one event with the new balance."""

import json

from tests.support.jiga import listing_payload


def dof_updates(jiga, user) -> list[dict]:
    stream = jiga.client.get("/api/v1/events/stream", params={"limit": 500}, headers=user.headers)
    assert stream.status_code == 200
    updates = []
    for block in stream.text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if lines.get("event") == "dof_update":
            updates.append(json.loads(lines["data"]))
    return updates


def wallet_history(jiga, user) -> list[dict]:
    return jiga.client.get("/api/v1/wallet", params={"limit": 100}, headers=user.headers).json()["history"]


def test_every_route_that_moves_dofs_tells_the_stream_the_new_balance(runtime, jiga, shopify):
    # Given a gamer and an owner whose displays follow the event stream only
    gamer, owner = jiga.register(), jiga.register()
    # When DOFs move every way the API moves them: a Shopify purchase, an operator grant, a
    # transfer (both sides), an agent creation fee, an owned session's escrow, a hire's escrow
    shopify.paid(gamer.email, {"bronze": 1})
    jiga.grant(owner, 5_000)
    transfer = jiga.client.post(
        "/api/v1/transactions/transfer", json={"toUserId": owner.user_id, "amount": 1_000}, headers=gamer.headers
    )
    assert transfer.status_code == 200, transfer.text
    agent = jiga.create_agent(owner)
    owned = jiga.client.post("/api/v1/sessions", json={"agentId": agent["id"], "type": "owned"}, headers=owner.headers)
    assert owned.status_code == 201, owned.text
    other_agent = jiga.create_agent(owner)
    listing = jiga.client.post(
        f"/api/v1/agents/{other_agent['id']}/publish", json=listing_payload(), headers=owner.headers
    ).json()
    hire = jiga.client.post(
        f"/api/v1/marketplace/{listing['listingId']}/hire", json={"dofAllocation": 1_000}, headers=gamer.headers
    )
    assert hire.status_code == 201, hire.text

    # Then each user's newest dof_update shows exactly the wallet's balance, and there is one
    # event per line of the wallet's history, with the same change and transaction
    for user in (gamer, owner):
        updates, history = dof_updates(jiga, user), wallet_history(jiga, user)
        assert updates[-1]["balance"] == jiga.balance(user)
        assert sorted((u["transactionId"], u["change"], u["balance"]) for u in updates) == sorted(
            (h["transactionId"], h["amount"], h["balanceAfter"]) for h in history
        )
    kinds = {update["kind"] for update in dof_updates(jiga, gamer) + dof_updates(jiga, owner)}
    assert {"purchase", "operator_grant", "transfer", "agent_creation", "owned_escrow", "hired_escrow"} <= kinds


def test_a_replayed_request_that_moves_nothing_sends_no_second_event(jiga):
    user = jiga.register()
    headers = {**jiga.operator.headers, "Idempotency-Key": f"grant-{user.user_id}"}
    body = {"userId": user.user_id, "amount": 700, "reason": "once"}
    for _ in range(2):
        assert jiga.client.post("/api/v1/admin/dof-grants", json=body, headers=headers).status_code == 201
    assert [update["balance"] for update in dof_updates(jiga, user)] == [700]

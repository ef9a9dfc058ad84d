"""A registration racing an ``orders/paid`` webhook: the held DOFs reach the user exactly once.

Driven at the logic level against the runtime's tables, with a user directory that plays the
race: the webhook's first lookup finds no user, the registration lands, the webhook's re-check
after writing the held credit finds it.
"""

import uuid

from jiga_store.dal.purchases import PurchaseRepository
from jiga_store.dal.shopify import ShopifyRepository
from jiga_store.logic.shopify import Delivery, Shopify, claim_pending_credits, handle_delivery
from shared.ledger import Ledger, user_account
from tests.support.shopify import order_payload


class RegistersMidWebhook:
    def __init__(self, user_id: str):
        self.user_id = user_id

    def credentials(self, email: str, consistent: bool = False):
        return {"userId": self.user_id} if consistent else None


def wiring(runtime, users) -> Shopify:
    table = runtime.physical_id("JigaTable")
    ledger = Ledger(runtime.physical_id("LedgerTable"), "jiga")
    return Shopify(ShopifyRepository(table), PurchaseRepository(table), users, ledger)


def paid(order) -> Delivery:
    return Delivery("orders/paid", order, webhook_id=str(uuid.uuid4()), event_id=str(uuid.uuid4()))


def test_a_user_registering_while_the_webhook_runs_gets_the_dofs_once(runtime):
    user_id = f"usr_{uuid.uuid4().hex[:12]}"
    email = f"racer-{uuid.uuid4().hex[:8]}@example.com"
    shopify = wiring(runtime, RegistersMidWebhook(user_id))
    # When the webhook holds the credit and then sees the new registration
    outcome = handle_delivery(paid(order_payload(email, {"silver": 1})), shopify)
    # Then it hands the DOFs over itself
    assert outcome["outcome"] == "credited"
    assert shopify.ledger.balance(user_account(user_id, "DOF")) == 25_000
    # and the registration's own claim, running late, finds nothing left to deliver
    assert claim_pending_credits(user_id, email, shopify) == 0
    assert shopify.ledger.balance(user_account(user_id, "DOF")) == 25_000


def test_claiming_twice_or_after_a_cancellation_delivers_nothing_more(runtime):
    user_id = f"usr_{uuid.uuid4().hex[:12]}"
    email = f"late-{uuid.uuid4().hex[:8]}@example.com"
    nobody = wiring(runtime, RegistersMidWebhook("unused"))
    nobody.users = type("NoUsers", (), {"credentials": lambda self, email, consistent=False: None})()
    kept, cancelled = order_payload(email, {"bronze": 1}), order_payload(email, {"gold": 1})
    assert handle_delivery(paid(kept), nobody)["outcome"] == "pending_credit"
    assert handle_delivery(paid(cancelled), nobody)["outcome"] == "pending_credit"
    assert handle_delivery(Delivery("orders/cancelled", cancelled, webhook_id="c1"), nobody)["outcome"] == "voided"
    assert claim_pending_credits(user_id, email, nobody) == 10_000
    assert claim_pending_credits(user_id, email, nobody) == 0
    assert nobody.ledger.balance(user_account(user_id, "DOF")) == 10_000

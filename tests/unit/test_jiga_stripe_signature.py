"""Our Stripe-Signature check agrees with Stripe's own library, both ways."""

import json
import time

import pytest
import stripe

from jiga_store.logic.stripe import signature_header, verify_signature

SECRET = "whsec_test_secret"
BODY = json.dumps({"id": "evt_1", "object": "event", "type": "checkout.session.completed"}).encode()


def test_stripes_own_signature_verifies_here():
    header = stripe.WebhookSignature.generate_signature_header(BODY.decode(), SECRET)
    assert verify_signature(BODY, header, SECRET)


def test_our_signature_verifies_with_stripes_library():
    assert stripe.WebhookSignature.verify_header(BODY, signature_header(BODY, SECRET), SECRET, tolerance=300)


def test_any_of_several_v1_signatures_may_match_during_a_secret_rotation():
    good = signature_header(BODY, SECRET)
    timestamp, signature = good.split(",")
    assert verify_signature(BODY, f"{timestamp},v1=00ff,{signature},v0=abc", SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "t=abc,v1=00",
        "v1=00",
        f"t={int(time.time())}",
        signature_header(BODY, "whsec_other"),
        signature_header(BODY, SECRET, int(time.time()) - 301),
    ],
)
def test_what_stripe_would_refuse_we_refuse(header):
    assert not verify_signature(BODY, header, SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(BODY, header, SECRET, tolerance=300)

"""shared.storable refuses exactly the numbers DynamoDB refuses (its range is narrower than boto3's context)."""

from decimal import Decimal

import pytest

from shared.storable import storable_problem


@pytest.mark.parametrize(
    "number",
    [
        1e126,
        -1e126,
        10**126,
        1e-131,
        Decimal("1E-200"),
        1e200,
        10**40,
        Decimal("1.00000000000000000000000000000000000001"),
    ],
)
def test_numbers_beyond_dynamodbs_range_or_precision_are_refused(number):
    assert storable_problem({"n": number}) is not None


@pytest.mark.parametrize("number", [0, -0.0, 1, 2.5, 1e125, 9.99e125, 1e-130, -1e-130, 10**37])
def test_numbers_dynamodb_keeps_are_accepted(number):
    assert storable_problem({"n": number}) is None

"""The JIGA agent rules, run as plain Python: creation cost, pricing, eligibility, review, configuration."""

from typing import Any

import pytest

from jiga_store.logic import agents as rules
from jiga_store.models.agents import CreateAgentRequest, Listing
from jiga_store.models.common import Pricing
from jiga_store.models.configuration import AgentConfiguration
from shared.errors import Forbidden, Unprocessable
from shared.ledger import Posting, system_account, user_account
from tests.support.jiga import agent_payload

# -- fakes -------------------------------------------------------------------------------------


class RecordingLedger:
    """Remembers what would have been posted."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []

    def post(self, transaction_id: str, postings: list[Posting], description: str, **kwargs: Any) -> None:
        self.posted.append({"id": transaction_id, "postings": postings, "description": description, **kwargs})


class InMemoryAgents:
    def __init__(self) -> None:
        self.writes_requested: list[dict[str, Any]] = []

    def new_agent_writes(self, agent: dict[str, Any]) -> list:
        self.writes_requested.append(agent)
        return ["the agent's own writes"]


def create_request(**overrides: Any) -> CreateAgentRequest:
    return CreateAgentRequest.model_validate(agent_payload(**{"name": "Flank Master", **overrides}))


def listing(hourly: int, daily: int, weekly: int) -> Listing:
    """A listing with these prices, even ones the request model refuses (the rules must hold alone)."""
    valid = Listing.model_validate(
        {
            "title": "Coach",
            "description": "Coaching",
            "category": ["Gaming"],
            "pricing": {"hourly": 1, "daily": 1, "weekly": 1},
        }
    )
    return valid.model_copy(update={"pricing": Pricing.model_construct(hourly=hourly, daily=daily, weekly=weekly)})


def stored_agent(**overrides: Any) -> dict[str, Any]:
    agent = {
        "agentId": "agt_1",
        "ownerId": "usr_1",
        "rank": "Bronze",
        "configuration": rules.initial_configuration(create_request()),
        "marketplaceStatus": {"isPublished": False, "isHirable": False},
        "achievements": [],
    }
    agent.update(overrides)
    return agent


def problems_of(error: pytest.ExceptionInfo) -> list[str]:
    return error.value.details["problems"]


# -- creation cost -----------------------------------------------------------------------------


@pytest.mark.parametrize(("rank", "cost"), [("Bronze", 500), ("Silver", 2_000), ("Gold", 10_000), ("Platinum", 25_000)])
def test_creating_an_agent_charges_its_rank_cost_to_the_platform_with_the_agent_in_the_same_transaction(rank, cost):
    # Given an owner and a ledger
    ledger, store = RecordingLedger(), InMemoryAgents()
    # When they create an agent of this rank
    agent = rules.create_agent("usr_1", create_request(rank=rank), store, ledger, "https://assets.example")
    # Then exactly one transaction moves the rank's cost from the owner to the platform
    (posted,) = ledger.posted
    assert posted["postings"] == [
        Posting(user_account("usr_1", "DOF"), -cost),
        Posting(system_account("platform", "DOF"), cost),
    ]
    # And the agent's own writes commit inside that transaction, keyed by the agent id
    assert posted["extra_writes"] == ["the agent's own writes"]
    assert store.writes_requested == [agent]
    assert posted["id"] == f"agent-create-{agent['agentId']}"
    assert agent["marketplaceStatus"] == {"isPublished": False, "isHirable": False}


def test_a_new_agent_keeps_its_identity_and_starts_from_the_default_runtime_settings():
    configuration = rules.initial_configuration(create_request(voiceId="uk_female"))
    assert configuration["provider"] == "gemini"
    assert configuration["selected_voice_name"] == "uk_female"
    assert configuration["voice_enabled"] is True
    assert configuration["target_fps"] == rules.DEFAULT_RUNTIME_CONFIGURATION["target_fps"]
    assert "specialization" not in configuration  # absent, not null


# -- pricing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("rank", "minimum"), list(rules.MIN_HOURLY.items()))
def test_hourly_price_may_equal_the_rank_minimum_but_not_fall_below_it(rank, minimum):
    rules.check_pricing(rank, listing(minimum, minimum, minimum))
    with pytest.raises(Unprocessable) as refused:
        rules.check_pricing(rank, listing(minimum - 1, minimum, minimum))
    assert refused.value.code == "PRICING_VALIDATION_FAILED"
    assert any("hourly must be at least" in problem for problem in problems_of(refused))


def test_hourly_price_may_reach_the_maximum_but_not_exceed_it():
    top = rules.MAX_HOURLY
    rules.check_pricing("Bronze", listing(top, top, top))
    with pytest.raises(Unprocessable) as refused:
        rules.check_pricing("Bronze", listing(top + 1, top + 1, top + 1))
    assert problems_of(refused) == [f"hourly must be at most {top} DOFs"]


@pytest.mark.parametrize(
    ("daily", "accepted"),
    [(499, False), (500, True), (24 * 500, True), (24 * 500 + 1, False)],
)
def test_daily_price_lies_between_one_hour_and_twenty_four_hours(daily, accepted):
    weekly = daily  # the weekly rule holds at its lower bound
    if accepted:
        rules.check_pricing("Bronze", listing(500, daily, weekly))
    else:
        with pytest.raises(Unprocessable) as refused:
            rules.check_pricing("Bronze", listing(500, daily, weekly))
        assert "daily must be between hourly and 24 x hourly" in problems_of(refused)


@pytest.mark.parametrize(
    ("weekly", "accepted"),
    [(9_999, False), (10_000, True), (70_000, True), (70_001, False)],
)
def test_weekly_price_lies_between_one_day_and_seven_days(weekly, accepted):
    if accepted:
        rules.check_pricing("Bronze", listing(500, 10_000, weekly))
    else:
        with pytest.raises(Unprocessable) as refused:
            rules.check_pricing("Bronze", listing(500, 10_000, weekly))
        assert "weekly must be between daily and 7 x daily" in problems_of(refused)


def test_zero_or_negative_prices_are_refused_with_every_problem_listed():
    with pytest.raises(Unprocessable) as refused:
        rules.check_pricing("Silver", listing(0, -1, 0))
    problems = problems_of(refused)
    assert "prices must be positive whole DOFs" in problems
    assert any("at least 250" in problem for problem in problems)
    assert len(problems) >= 3


@pytest.mark.parametrize(("hourly", "status"), [(50_000, "active"), (50_001, "pending_review")])
def test_listings_priced_above_the_review_threshold_wait_for_review(hourly, status):
    assert rules.listing_status(listing(hourly, hourly, hourly)) == status


# -- eligibility -------------------------------------------------------------------------------

EXPERIENCE = {"games": ["CS2"], "focus": "clutches", "specialistType": "Experience"}


def test_an_experience_specialist_without_the_achievement_cannot_be_listed():
    agent = stored_agent(configuration={"specialization": EXPERIENCE})
    with pytest.raises(Forbidden) as refused:
        rules.check_eligibility(agent, published_count=0)
    assert refused.value.code == "AGENT_NOT_ELIGIBLE"
    assert refused.value.details["requiredAchievement"] == rules.EXPERIENCE_ACHIEVEMENT


def test_an_experience_specialist_with_the_achievement_and_a_trained_specialist_can_be_listed():
    rules.check_eligibility(
        stored_agent(configuration={"specialization": EXPERIENCE}, achievements=[rules.EXPERIENCE_ACHIEVEMENT]), 0
    )
    trained = {**EXPERIENCE, "specialistType": "Trained"}
    rules.check_eligibility(stored_agent(configuration={"specialization": trained}), 0)


def test_an_owner_at_the_published_limit_cannot_list_another_agent_but_may_update_a_listed_one():
    limit = rules.MAX_PUBLISHED_PER_OWNER
    rules.check_eligibility(stored_agent(), published_count=limit - 1)
    with pytest.raises(Forbidden) as refused:
        rules.check_eligibility(stored_agent(), published_count=limit)
    assert refused.value.details == {"limit": limit}
    already_listed = stored_agent(marketplaceStatus={"isPublished": True, "isHirable": True})
    rules.check_eligibility(already_listed, published_count=limit)


# -- configuration -----------------------------------------------------------------------------


def configuration(**values: Any) -> AgentConfiguration:
    return AgentConfiguration.model_validate({"high_speed_vision": True, **values})


def test_sensible_configuration_has_no_warnings():
    assert rules.configuration_warnings(configuration(target_fps=4.0, voice_enabled=True), stored_agent()) == []


@pytest.mark.parametrize(
    ("values", "agent_has_voice", "warning"),
    [
        ({"high_speed_vision": False, "high_speed_mode": "ultra_fast"}, True, "high_speed_mode has no effect"),
        ({"voice_enabled": True}, False, "voice_enabled has no effect"),
        ({"voice_enabled": False, "selected_voice_name": "us_male"}, True, "selected_voice_name is ignored"),
        ({"target_fps": 8.0, "analysis_interval": 0.2}, True, "consumes DOFs quickly"),
        ({"team_messaging": {"enabled": False, "propagation_mode": "broadcast"}}, True, "propagation_mode is ignored"),
    ],
)
def test_settings_that_will_be_ignored_or_are_expensive_produce_a_warning(values, agent_has_voice, warning):
    agent = stored_agent(
        configuration=rules.initial_configuration(
            create_request(features={"hasVoiceChat": agent_has_voice, "hasCommentator": False, "hasMemory": False})
        )
    )
    (only,) = rules.configuration_warnings(configuration(**values), agent)
    assert warning in only


def test_replacing_the_configuration_keeps_identity_and_fills_defaults():
    agent = stored_agent()
    merged = rules.merged_configuration(agent, configuration(target_fps=5.0, custom_option="kept"))
    assert merged["provider"] == agent["configuration"]["provider"]
    assert merged["toolkit"] == agent["configuration"]["toolkit"]
    assert merged["target_fps"] == 5.0
    assert merged["custom_option"] == "kept"
    assert merged["max_concurrent_analyses"] == rules.DEFAULT_RUNTIME_CONFIGURATION["max_concurrent_analyses"]


@pytest.mark.parametrize("identity_key", rules.IDENTITY_KEYS)
def test_identity_chosen_at_creation_cannot_be_changed_through_the_configuration(identity_key):
    with pytest.raises(Unprocessable) as refused:
        rules.merged_configuration(stored_agent(), configuration(**{identity_key: "something else"}))
    assert refused.value.code == "INVALID_CONFIGURATION"
    assert refused.value.details == {"fields": [identity_key]}

"""Cached wiring shared by the Loqua handlers: repositories, the queue, secrets, the context cache.

Each getter imports what it builds when it is first called: every Loqua function imports this
module and uses one or two of the getters, so importing every repository up front was paid by
every cold start (docs/performance.md, section 1).
"""

from functools import lru_cache
from typing import TYPE_CHECKING

from loqua_agent.settings import get_loqua_settings
from shared import aws
from shared.errors import ServiceUnavailable

if TYPE_CHECKING:
    from loqua_agent.dal.agents import AgentTokenRepository
    from loqua_agent.dal.learners import LearnerRepository
    from loqua_agent.dal.queue import ProgressQueue
    from loqua_agent.dal.rooms import RoomRepository
    from loqua_agent.logic.context import ContextCache
    from shared.identity import UserDirectory


@lru_cache(maxsize=1)
def users() -> "UserDirectory":
    from shared.identity import UserDirectory

    return UserDirectory(get_loqua_settings().loqua_table)


@lru_cache(maxsize=1)
def agent_tokens() -> "AgentTokenRepository":
    from loqua_agent.dal.agents import AgentTokenRepository

    return AgentTokenRepository(get_loqua_settings().loqua_table)


@lru_cache(maxsize=1)
def learners() -> "LearnerRepository":
    from loqua_agent.dal.learners import LearnerRepository

    return LearnerRepository(get_loqua_settings().loqua_table)


@lru_cache(maxsize=1)
def rooms() -> "RoomRepository":
    from loqua_agent.dal.rooms import RoomRepository

    return RoomRepository(get_loqua_settings().loqua_table)


@lru_cache(maxsize=1)
def progress_queue() -> "ProgressQueue":
    from loqua_agent.dal.queue import ProgressQueue

    url = get_loqua_settings().progress_queue_url
    if not url:
        raise ServiceUnavailable("The progress queue is not configured")
    return ProgressQueue(url)


@lru_cache(maxsize=1)
def context_cache() -> "ContextCache":
    """Kept for the life of the warm instance (see logic/context.py)."""
    from loqua_agent.logic.context import ContextCache

    return ContextCache(get_loqua_settings().context_cache_seconds)


def _secret(arn: str, what: str) -> str:
    if not arn:
        raise ServiceUnavailable(f"The {what} is not configured")
    return aws.secret(arn, max_age=get_loqua_settings().secrets_cache_seconds)


def user_token_secret() -> str:
    """The stage's user-token secret (the spec's <STAGE>_JWT_SECRET)."""
    return _secret(get_loqua_settings().user_token_secret_arn, "user-token secret")


def livekit_credentials() -> tuple[str, str]:
    """(API key, API secret) of the LiveKit project, kept as "<key>:<secret>"."""
    key, _, secret = _secret(get_loqua_settings().livekit_secret_arn, "LiveKit API secret").partition(":")
    if not key or not secret:
        raise ServiceUnavailable("The LiveKit API secret must be stored as <api key>:<api secret>")
    return key, secret

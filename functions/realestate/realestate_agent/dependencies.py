"""Cached wiring shared by the Real Estate handlers: repositories, queues, storage and providers."""

from functools import lru_cache
from typing import TYPE_CHECKING

from realestate_agent.dal.organizations import OrganizationRepository
from realestate_agent.settings import get_realestate_settings
from shared.errors import ServiceUnavailable

if TYPE_CHECKING:
    from realestate_agent.dal.agents import AgentRepository
    from realestate_agent.dal.conversations import ConversationRepository
    from realestate_agent.dal.deliveries import DeliveryRepository
    from realestate_agent.dal.documents import DocumentRepository
    from realestate_agent.dal.leads import LeadRepository
    from realestate_agent.dal.queues import JobQueue
    from realestate_agent.dal.webhook_secrets import WebhookSecrets
    from realestate_agent.logic.conversations import ConversationServices
    from realestate_agent.logic.leads import LeadServices
    from realestate_agent.providers.responder import Responder


@lru_cache(maxsize=1)
def organizations() -> OrganizationRepository:
    return OrganizationRepository(get_realestate_settings().table)


@lru_cache(maxsize=1)
def agents() -> "AgentRepository":
    from realestate_agent.dal.agents import AgentRepository

    return AgentRepository(get_realestate_settings().table)


@lru_cache(maxsize=1)
def webhook_secrets() -> "WebhookSecrets":
    from realestate_agent.dal.webhook_secrets import WebhookSecrets

    settings = get_realestate_settings()
    if not settings.webhook_key_id:
        raise ServiceUnavailable("The webhook secret key is not configured")
    return WebhookSecrets(settings.webhook_key_id)


@lru_cache(maxsize=1)
def document_jobs() -> "JobQueue":
    from realestate_agent.dal.queues import JobQueue

    return JobQueue(get_realestate_settings().document_queue_url)


@lru_cache(maxsize=1)
def webhook_jobs() -> "JobQueue":
    from realestate_agent.dal.queues import JobQueue

    return JobQueue(get_realestate_settings().webhook_queue_url)


@lru_cache(maxsize=1)
def conversations() -> "ConversationRepository":
    from realestate_agent.dal.conversations import ConversationRepository

    return ConversationRepository(get_realestate_settings().table)


@lru_cache(maxsize=1)
def documents() -> "DocumentRepository":
    from realestate_agent.dal.documents import DocumentRepository

    settings = get_realestate_settings()
    return DocumentRepository(settings.table, settings.documents_bucket)


@lru_cache(maxsize=1)
def deliveries() -> "DeliveryRepository":
    from realestate_agent.dal.deliveries import DeliveryRepository

    return DeliveryRepository(get_realestate_settings().table)


@lru_cache(maxsize=1)
def responder() -> "Responder":
    """OpenAI when a key is configured, else Bedrock when a model id is, else the offline responder."""
    from realestate_agent.providers import responder as providers

    settings = get_realestate_settings()
    key = settings.openai_api_key
    if not key and settings.openai_secret_arn:
        from shared import aws

        key = aws.secret(settings.openai_secret_arn, max_age=settings.secrets_cache_seconds)
    if key:
        return providers.OpenAIResponder(key, settings.openai_model)
    if settings.bedrock_model_id:
        return providers.BedrockResponder(settings.bedrock_model_id)
    return providers.OfflineResponder()


@lru_cache(maxsize=1)
def conversation_services() -> "ConversationServices":
    from realestate_agent.logic.conversations import ConversationServices
    from realestate_agent.logic.knowledge import KnowledgeCache

    return ConversationServices(
        conversations=conversations(),
        agents=agents(),
        deliveries=deliveries(),
        webhook_jobs=webhook_jobs(),
        knowledge=KnowledgeCache(documents()),
        responder=responder(),
    )


@lru_cache(maxsize=1)
def leads() -> "LeadRepository":
    from realestate_agent.dal.leads import LeadRepository

    return LeadRepository(get_realestate_settings().table)


@lru_cache(maxsize=1)
def lead_services() -> "LeadServices":
    from realestate_agent.logic.leads import LeadServices

    return LeadServices(
        leads=leads(),
        conversations=conversations(),
        agents=agents(),
        organizations=organizations(),
        deliveries=deliveries(),
        webhook_jobs=webhook_jobs(),
    )

"""Webhook signing secrets, encrypted with this API's KMS key.

The table holds only ciphertext (bound to the agent by the encryption context) and the last four
characters for display, so a read of the table or a backup does not reveal any receiver's secret;
only the functions granted ``kms:Decrypt`` (the webhook worker) can sign.
"""

import base64
from functools import lru_cache

from shared import aws


class WebhookSecrets:
    def __init__(self, key_id: str):
        self.key_id = key_id

    def seal(self, organization_id: str, agent_id: str, secret: str) -> str:
        response = aws.client("kms").encrypt(
            KeyId=self.key_id,
            Plaintext=secret.encode(),
            EncryptionContext={"organizationId": organization_id, "agentId": agent_id},
        )
        return base64.b64encode(response["CiphertextBlob"]).decode()

    def open(self, organization_id: str, agent_id: str, ciphertext: str) -> str:
        return _decrypt(ciphertext, organization_id, agent_id)


@lru_cache(maxsize=256)
def _decrypt(ciphertext: str, organization_id: str, agent_id: str) -> str:
    response = aws.client("kms").decrypt(
        CiphertextBlob=base64.b64decode(ciphertext),
        EncryptionContext={"organizationId": organization_id, "agentId": agent_id},
    )
    return response["Plaintext"].decode()

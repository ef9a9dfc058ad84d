"""The encrypted user-token passthrough: the formats an agent decrypts.

Key: the stage's user-token secret (the spec's ``<STAGE>_JWT_SECRET``) as UTF-8 bytes, cut or
zero-padded to 32 bytes, exactly as the spec's ``decrypt_user_token`` derives it.

* ``aes-256-cbc`` (the spec's format, the default): base64 of a random 16-byte IV followed by the
  AES-256-CBC ciphertext of the JWT with PKCS7 padding. The spec's function decrypts it as is.
  CBC is not authenticated: a token altered in transit decrypts to garbage (the JWT inside then
  fails its signature check at the API), but the agent cannot tell tampering from corruption.
* ``aes-256-gcm`` (ask with ``"encryption": "aes-256-gcm"``): base64 of a random 12-byte nonce
  followed by the AES-256-GCM ciphertext and its 16-byte tag, with the associated data
  ``"<agent_id>:<user_id>"``: any change to the token, or presenting it as another agent's or
  learner's, fails decryption. Decrypt with
  ``AESGCM(key).decrypt(data[:12], data[12:], f"{agent_id}:{user_id}".encode())``.
"""

import base64
import os

CBC, GCM = "aes-256-cbc", "aes-256-gcm"
ALGORITHMS = (CBC, GCM)


def stage_key(secret: str) -> bytes:
    return secret.encode("utf-8")[:32].ljust(32, b"\0")


def encrypt_cbc(plaintext: str, secret: str, iv: bytes | None = None) -> str:
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    iv = iv or os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(stage_key(secret)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode("ascii")


def gcm_associated_data(agent_id: str, user_id: str) -> bytes:
    return f"{agent_id}:{user_id}".encode()


def encrypt_gcm(plaintext: str, secret: str, associated_data: bytes) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(stage_key(secret)).encrypt(nonce, plaintext.encode("utf-8"), associated_data)
    return base64.b64encode(nonce + sealed).decode("ascii")


def decrypt_gcm(token: str, secret: str, associated_data: bytes) -> str:
    """What an agent runs for the authenticated format (raises ``cryptography``'s InvalidTag on tampering)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = base64.b64decode(token)
    return AESGCM(stage_key(secret)).decrypt(data[:12], data[12:], associated_data).decode("utf-8")

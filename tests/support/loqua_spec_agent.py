"""The spec's own agent-side Python code, copied verbatim from its "Environment Detection" and
"Token Decryption" sections (what real agents run). Tests use it unchanged against the API;
``test_the_spec_code_here_is_the_spec_s`` fails if it drifts from the spec."""

# ruff: noqa
# fmt: off
import os

def detect_environment():
    env = os.getenv("NODE_ENV", "").lower()
    
    # Production detection
    if env == "production" or os.getenv("VERCEL_ENV") == "production":
        return "production"
    
    # Staging detection  
    if env == "staging" or os.getenv("VERCEL_ENV") == "preview":
        return "staging"
    
    # Default to development
    return "development"

def get_agent_secret():
    environment = detect_environment()
    secrets = {
        "development": os.getenv("DEV_AGENT_SECRET"),
        "staging": os.getenv("STAGING_AGENT_SECRET"),
        "production": os.getenv("PROD_AGENT_SECRET")
    }
    
    return secrets.get(environment) or os.getenv("AGENT_TOKEN_SECRET")

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.backends import default_backend
import base64

def decrypt_user_token(encrypted_token: str, secret: str) -> str:
    """
    Decrypt AES-256-CBC encrypted user JWT token
    
    Args:
        encrypted_token: Base64 encoded encrypted token from API
        secret: Environment-specific decryption secret
        
    Returns:
        Decrypted JWT token string
    """
    try:
        # Decode base64 encrypted data
        encrypted_data = base64.b64decode(encrypted_token)
        
        # Extract IV (first 16 bytes) and ciphertext
        iv = encrypted_data[:16]
        ciphertext = encrypted_data[16:]
        
        # Create cipher and decrypt
        key = secret.encode('utf-8')[:32].ljust(32, b'\0')  # Ensure 32 bytes
        cipher = Cipher(algorithms.AES(key), modes.CBC(iv), backend=default_backend())
        decryptor = cipher.decryptor()
        
        decrypted = decryptor.update(ciphertext) + decryptor.finalize()
        
        # Remove PKCS7 padding
        padding_length = decrypted[-1]
        return decrypted[:-padding_length].decode('utf-8')
        
    except Exception as e:
        raise ValueError(f"Token decryption failed: {str(e)}")
# fmt: on

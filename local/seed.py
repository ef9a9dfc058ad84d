"""Local-only operator accounts, so a newcomer can grant DOFs without an AWS console.

In AWS, operators are promoted with ``python -m ops.grant_role`` against the deployed table.
"""

import os

from local.runtime import LocalRuntime
from shared.identity import UserDirectory

LOCAL_OPERATORS = [
    # (API name, table logical id, operator email)
    ("jiga", "JigaTable", "admin@jiga.local"),
]


def seed_operators(runtime: LocalRuntime) -> list[str]:
    password = os.environ.get("LOCAL_ADMIN_PASSWORD", "local-admin-password")
    lines = []
    for api_name, table_id, email in LOCAL_OPERATORS:
        if table_id not in runtime.resolver.physical_ids:
            continue
        UserDirectory(runtime.resolver.physical_ids[table_id]).create(
            email, password, f"{api_name} operator", ["admin"]
        )
        lines.append(f"OPERATOR {api_name} {email} {password}")
    return lines

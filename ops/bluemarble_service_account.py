"""Mint a BlueMarble game-server service account in a deployed stack.

    python -m ops.bluemarble_service_account --table <BlueMarbleTableName output> --name "EU game server"

Prints the ``clientId`` and ``clientSecret`` once (only a scrypt hash is stored). The game server
exchanges them at ``POST /api/auth/token`` for a one-hour service token that may grant coin and
items (``POST /api/game/grants``) and manage item types, memberships and sea routes. There is no
API to mint one: service accounts are an operator's decision.
"""

import argparse
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "layers" / "shared", ROOT / "functions" / "bluemarble"):
    sys.path.insert(0, str(path))  # the layer and the package are not installed for operators

from bluemarble_market.dal.players import ServiceAccounts  # noqa: E402
from shared import passwords  # noqa: E402


def mint(table: str, name: str, client_id: str | None = None, secret: str | None = None) -> tuple[str, str]:
    client_id = client_id or f"gs_{secrets.token_hex(8)}"
    secret = secret or secrets.token_urlsafe(32)
    ServiceAccounts(table).create(client_id, name, passwords.hash_password(secret))
    return client_id, secret


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="the BlueMarble table name (stack output BlueMarbleTableName)")
    parser.add_argument("--name", required=True, help="who the account is for (shown in grant descriptions)")
    args = parser.parse_args(argv)
    client_id, secret = mint(args.table, args.name)
    print(f"clientId:     {client_id}\nclientSecret: {secret}\n(store the secret now: it is not shown again)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

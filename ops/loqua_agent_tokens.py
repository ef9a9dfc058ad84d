"""Mint, list and revoke Loqua agent service tokens in a deployed stack (or a local one).

    python -m ops.loqua_agent_tokens mint --stage dev --table <LoquaTableName> \\
        --agent-secret-arn <LoquaAgentTokenSecretArn> --agent spanish-tutor-v1 \\
        --permissions user.progress,session.create,user.context,user.token [--days 90]
    python -m ops.loqua_agent_tokens list --table <LoquaTableName> --agent spanish-tutor-v1
    python -m ops.loqua_agent_tokens revoke --table <LoquaTableName> --agent spanish-tutor-v1 [--token atk_...]

The stack outputs name the table and the stage's agent secret. ``mint`` prints the agent JWT once
(give it to the agent as its <STAGE>_AGENT_SECRET); ``revoke`` without ``--token`` revokes every
token of the agent. Revocation applies to the agent's next request, and to every user token it
obtained with a revoked token. The same rules serve ``/api/v1/admin/agents/...`` (logic/agent_tokens.py).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "layers" / "shared", ROOT / "functions" / "loqua"):  # not installed for operators
    sys.path.insert(0, str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    mint = commands.add_parser("mint", help="mint a token (printed once)")
    mint.add_argument("--stage", required=True, choices=["dev", "staging", "prod"])
    mint.add_argument("--agent-secret-arn", required=True, help="the stack's LoquaAgentTokenSecretArn output")
    mint.add_argument("--permissions", required=True, help="comma-separated: user.progress,session.create,...")
    mint.add_argument("--days", type=int, default=90, help="lifetime, 1-365 days")
    listing = commands.add_parser("list", help="the agent's tokens and their status")
    revoke = commands.add_parser("revoke", help="revoke one token, or all of the agent's")
    revoke.add_argument("--token", help="the token id (atk_...); all tokens of the agent without it")
    for command in (mint, listing, revoke):
        command.add_argument("--table", required=True, help="the stack's LoquaTableName output")
        command.add_argument("--agent", required=True, help="agent id, e.g. spanish-tutor-v1")
    args = parser.parse_args(argv)

    os.environ["LOQUA_TABLE"] = args.table
    if args.command == "mint":
        os.environ["STAGE"] = args.stage
        os.environ["LOQUA_AGENT_SECRET_ARN"] = args.agent_secret_arn
    from loqua_agent import dependencies, identity
    from loqua_agent.logic import agent_tokens
    from loqua_agent.settings import get_loqua_settings
    from shared.errors import DomainError

    for cached in (get_loqua_settings, identity.agent_policy, identity._agent_key, dependencies.agent_tokens):
        cached.cache_clear()
    store = dependencies.agent_tokens()
    operator = f"ops:{os.environ.get('USER', 'operator')}"
    try:
        if args.command == "mint":
            permissions = [item.strip() for item in args.permissions.split(",") if item.strip()]
            minted = agent_tokens.mint_agent_token(
                identity.agent_policy(), store, args.agent, permissions, args.days, operator
            )
            print(f"token_id {minted.token_id}\nexpires_at {minted.expires_at}\ntoken {minted.token}")
        elif args.command == "list":
            for record in store.list(args.agent):
                view = agent_tokens.token_view(record)
                print(view["token_id"], view["status"], ",".join(view["permissions"]), "expires", view["expires_at"])
        elif args.token:
            agent_tokens.revoke_agent_token(store, args.agent, args.token, operator)
            print(f"revoked {args.token}")
        else:
            revoked = agent_tokens.revoke_all_agent_tokens(store, args.agent, operator)
            print(f"revoked {len(revoked)} token(s) of {args.agent}")
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

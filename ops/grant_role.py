"""Give a registered user a role (e.g. ``admin`` for DOF grants) in a deployed stack.

    python -m ops.grant_role --table <JigaTableName output> --email ops@example.com --role admin

Roles are never self-assigned through the API; this is the operator's way in. The user's next
login carries the role in its token.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "shared"))

from shared.identity import UserDirectory  # the layer is not installed for operators


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="the API's table name (stack output)")
    parser.add_argument("--email", required=True)
    parser.add_argument("--role", required=True, choices=["admin"])
    args = parser.parse_args(argv)
    try:
        UserDirectory(args.table).grant_role(args.email, args.role)
    except KeyError:
        print(f"No user registered with {args.email}", file=sys.stderr)
        return 1
    print(f"{args.email} now has the {args.role} role; it applies from their next login")
    return 0


if __name__ == "__main__":
    sys.exit(main())

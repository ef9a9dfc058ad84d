"""The islands, the sea routes between them, and inventory space on each.

Spec-silent rules, decided here:

* Five islands (``ISLANDS``). A player has a home island, chosen at registration (Aethermoor by
  default); purchases are delivered there. Items may sit on any island (a game server grants them
  where they are), and a listing sells from the island its items are on.
* Transport between two islands costs ``base + per_unit * quantity`` coin and takes the route's
  minutes (``ROUTES``, symmetric). The buyer pays it on top of price and marketplace fee. Same
  island: no cost, delivered at once.
* Inventory space: every player holds at most ``ISLAND_CAPACITY`` units of items on each island.
  A listed item keeps its space on the seller's island until its sale is delivered (so cancelling
  or expiry can always put it back); a purchase reserves the space on the buyer's home island when
  it is made (so a delivery can never fail for lack of room) - 422 ``INSUFFICIENT_SPACE`` otherwise.
"""

from dataclasses import dataclass

from shared.errors import InvalidInput

ISLANDS = ("Aethermoor", "Brinehold", "Cinderreach", "Duskmere", "Emberfall")
DEFAULT_HOME_ISLAND = ISLANDS[0]
ISLAND_CAPACITY = 10_000  # units per player per island


@dataclass(frozen=True)
class Route:
    minutes: int
    base_cents: int
    per_unit_cents: int


_ROUTES = {
    ("Aethermoor", "Brinehold"): Route(10, 200, 2),
    ("Aethermoor", "Cinderreach"): Route(20, 300, 3),
    ("Aethermoor", "Duskmere"): Route(30, 400, 4),
    ("Aethermoor", "Emberfall"): Route(45, 500, 5),
    ("Brinehold", "Cinderreach"): Route(15, 250, 2),
    ("Brinehold", "Duskmere"): Route(25, 350, 3),
    ("Brinehold", "Emberfall"): Route(35, 450, 4),
    ("Cinderreach", "Duskmere"): Route(15, 250, 2),
    ("Cinderreach", "Emberfall"): Route(25, 350, 3),
    ("Duskmere", "Emberfall"): Route(10, 200, 2),
}
ROUTES = {**_ROUTES, **{(b, a): route for (a, b), route in _ROUTES.items()}}
SAME_ISLAND = Route(0, 0, 0)


def route(origin: str, destination: str) -> Route:
    return SAME_ISLAND if origin == destination else ROUTES[(origin, destination)]


def transport_cost(origin: str, destination: str, quantity: int) -> int:
    """Cents to ship ``quantity`` units from ``origin`` to ``destination`` (0 on the same island)."""
    leg = route(origin, destination)
    return 0 if origin == destination else leg.base_cents + leg.per_unit_cents * quantity


def canonical_island(name: str, field: str = "island") -> str:
    """The island's canonical spelling (case-insensitive), or a 400 naming the valid ones."""
    for island in ISLANDS:
        if island.casefold() == name.strip().casefold():
            return island
    raise InvalidInput("Unknown island", [{"field": field, "message": f"Must be one of {', '.join(ISLANDS)}"}])

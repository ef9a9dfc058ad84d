"""Shapes every Cosmic endpoint group shares: strict request bodies, the spec's enumerations."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.numbers import WholeNumbers

# Usernames (logic/accounts.py): 3 to 20 ASCII letters, digits, ``_`` and ``-``.
USERNAME_PATTERN = r"^[A-Za-z0-9_-]{3,20}$"

Tier = Literal["void_novice", "echoing_acolyte", "grid_walker", "force_adept", "the_eternal"]
Symbol = Literal["o", "x"]
Outcome = Literal["win", "draw", "loss"]
Currency = Literal[
    "cosmic_essence", "starlight_orbs", "shadow_shards", "void_fragments", "alignment_crystals", "primordial_sparks"
]


class SpecModel(WholeNumbers):
    """Request bodies as the spec types them: strict (``"amount": "5"`` is a 400, not a 5) and
    closed (an unknown field is a 400). A whole number written ``5.0`` is read as 5."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Pagination(BaseModel):
    total: int
    limit: int
    offset: int
    has_more: bool

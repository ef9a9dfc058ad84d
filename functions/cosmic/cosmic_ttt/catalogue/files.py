"""Where the catalogue's data files are, and how one is read."""

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data"
CURRENCIES = (
    "cosmic_essence",
    "starlight_orbs",
    "shadow_shards",
    "void_fragments",
    "alignment_crystals",
    "primordial_sparks",
)
RESONANCE = "cosmic_resonance"  # experience, not a currency: it lives in the player's progress
OUTCOMES = ("win", "draw", "loss")
SYMBOLS = ("o", "x")


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())

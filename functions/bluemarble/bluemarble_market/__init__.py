"""BlueMarble Marketplace: player trading of island goods for coin (spec: bluemarble-marketplace.md)."""

"""Cosmic Tic-Tac-Toe: matches against five AI tiers, a six-currency economy, progression, cosmetics, trading."""

"""Loqua Agent API: the backend LiveKit tutor agents call while they teach a learner."""

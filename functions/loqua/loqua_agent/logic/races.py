"""What the data access layer raises when a write loses a race, for logic to decide what to do."""


class VersionConflict(Exception):
    """Someone changed what a write was computed from; read again and retry."""


class SessionIdTaken(Exception):
    """The session id is already used."""

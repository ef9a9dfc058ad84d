"""Adapters for the outside world (payment providers), each with an offline default."""

"""Benchmarks behind ``make bench``: cold start against the framework floor, warm latency through
the local runtime, and the DynamoDB requests each operation makes (see docs/performance.md).

Kept empty of imports: the cold-start child runs as ``python -m bench.cold_start_child`` and must
reach the timed handler import with as little already loaded as possible.
"""

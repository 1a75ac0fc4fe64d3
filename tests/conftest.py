"""Test tiers: the default run is the fast tier; SOLUTIONS_TEST_TIER=full runs the full one."""

import os

from hypothesis import HealthCheck, settings

FULL = os.environ.get("SOLUTIONS_TEST_TIER", "fast") == "full"

settings.register_profile("fast", max_examples=300, deadline=None)
settings.register_profile("full", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("full" if FULL else "fast")


def tier(fast: int, full: int) -> int:
    """How many random cases a loop-based test draws in this tier."""
    return full if FULL else fast

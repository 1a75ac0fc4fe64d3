"""Test tiers: the default run is the fast tier; SOLUTIONS_TEST_TIER=full runs the full one."""

import os

from hypothesis import HealthCheck, settings

FULL = os.environ.get("SOLUTIONS_TEST_TIER", "fast") == "full"

settings.register_profile("fast", max_examples=100, deadline=None)  # the full tier draws 10,000
settings.register_profile("full", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The mutation run (benchmarks/mutation/run.py) runs each module's tests once per mutant: fewer
# random examples there; the hand-worked pins decide most kills.
settings.register_profile("mutation", max_examples=40, deadline=None)
TIER = os.environ.get("SOLUTIONS_TEST_TIER", "fast")
settings.load_profile("full" if FULL else "mutation" if TIER == "mutation" else "fast")


def tier(fast: int, full: int) -> int:
    """How many random cases a loop-based test draws in this tier."""
    return full if FULL else fast

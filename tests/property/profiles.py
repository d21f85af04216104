"""Hypothesis budgets for the property suite: fast by default, ``HYPOTHESIS_PROFILE=slow`` for long runs.

Every property test states its example count for the default profile through ``examples(n)``; the
``slow`` profile multiplies it by ``SLOW_FACTOR``. Explicit ``@settings(max_examples=...)`` values
override a loaded profile, which is why the scaling is done here rather than in the profile itself.

The default profile does not shrink failures: shrinking a generated OVF document takes minutes,
and each failure the suite has found has a minimal reproduction as a plain test next to its
property. The slow profile shrinks.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

#: How many more examples each test runs under the slow profile.
SLOW_FACTOR = 20

settings.register_profile(
    "slow",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


def slow() -> bool:
    """True when the slow profile was asked for."""
    return os.environ.get("HYPOTHESIS_PROFILE") == "slow"


def examples(default: int) -> int:
    """The example count for a test that runs ``default`` examples in the default profile."""
    return default * SLOW_FACTOR if slow() else default


_FAST_PHASES = (Phase.explicit, Phase.reuse, Phase.generate)

#: Settings every property test shares: no deadline (generation time varies with document size),
#: and shrinking only in the slow profile.
COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "phases": tuple(Phase) if slow() else _FAST_PHASES,
}

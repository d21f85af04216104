"""Hypothesis profiles of the fuzz tests: ``fuzz-ci`` (default, about a minute) and ``fuzz-long``.

Choose with ``HYPOTHESIS_PROFILE=fuzz-long``; ``FUZZ_EXAMPLES_SCALE`` multiplies the example counts
of whichever profile is used. The profiles apply to ``tests/fuzz`` only.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "fuzz-ci", max_examples=1, deadline=None, suppress_health_check=_CHECKS, derandomize=True, database=None
)
settings.register_profile("fuzz-long", max_examples=1, deadline=None, suppress_health_check=_CHECKS)

#: The profile the fuzz tests run under.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci")
if PROFILE not in ("fuzz-ci", "fuzz-long"):
    PROFILE = "fuzz-ci"

#: How many more examples ``fuzz-long`` runs than ``fuzz-ci``, times ``FUZZ_EXAMPLES_SCALE``.
SCALE = (50 if PROFILE == "fuzz-long" else 1) * float(os.environ.get("FUZZ_EXAMPLES_SCALE", "1"))


def fuzz_settings(examples: int) -> settings:
    """The settings of one fuzz test: the profile, with ``examples`` scaled for it."""
    return settings(settings.get_profile(PROFILE), max_examples=max(1, int(examples * SCALE)))

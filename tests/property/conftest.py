"""Property suite set-up: the hypothesis profiles (``HYPOTHESIS_PROFILE=slow`` selects the long run)."""

from __future__ import annotations

from hypothesis import settings

from tests.property import profiles

if profiles.slow():
    settings.load_profile("slow")

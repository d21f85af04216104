"""Property suite set-up: the hypothesis profiles (``HYPOTHESIS_PROFILE=slow`` selects the long run).

Under ``CI`` hypothesis would load its own profile, whose fixed seed makes one generated envelope
explode in size; the suite keeps its ordinary random generation there too.
"""

from __future__ import annotations

import os

from hypothesis import settings

from tests.property import profiles

settings.register_profile("ovfkit-ci", derandomize=False, database=None, print_blob=True)

if profiles.slow():
    settings.load_profile("slow")
elif os.environ.get("CI"):
    settings.load_profile("ovfkit-ci")

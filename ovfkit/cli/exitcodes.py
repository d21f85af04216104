"""Exit codes of the ``ovfkit`` command; never a count.

- ``OK`` (0): done; for checks, nothing wrong was found (warnings allowed).
- ``FINDINGS`` (1): a check found errors, two descriptors differ, or a package failed to verify.
- ``ERROR`` (2): usage error, unreadable or missing input, or an internal failure.
"""

from __future__ import annotations

OK = 0
FINDINGS = 1
ERROR = 2

"""Benchmarks of ovfkit (not part of the test suite): run ``python -m bench``."""

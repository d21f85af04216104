"""Errors of the hardware diff: a comparison that cannot be made as asked."""

from __future__ import annotations

from ovfkit.errors import OvfError

__all__ = ["OvfDiffError"]


class OvfDiffError(OvfError, ValueError):
    """A diff cannot be made as asked: an unknown virtual system, deployment profile or snapshot, an
    input that is not a descriptor (an OVF environment document), or a snapshot without configuration."""

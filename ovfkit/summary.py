"""The summary of a descriptor or environment: what ``ovfkit show`` prints and ``to_summary`` holds."""

from __future__ import annotations

from typing import Any

from ovfkit.dialects import detect_dialect, ovf_version
from ovfkit.hardware import disk_capacity_bytes, hardware_views
from ovfkit.model.base import LAYOUT_FIELDS
from ovfkit.model.envelope import Envelope
from ovfkit.model.environment import Environment
from ovfkit.model.sections import DeploymentOptionSection, DiskSection, NetworkSection, ProductSection

__all__ = ["summary_data"]


def _msg(value: Any) -> str | None:
    return value.value if value is not None else None


def summary_data(model: Envelope | Environment, profile: str | None = None) -> dict[str, Any]:
    """The facts people and dashboards look at: products, files, disks, networks, each system's hardware.

    For an environment document: its id, platform and property values. This is the data of
    ``ovfkit show --format json``.
    """
    if isinstance(model, Environment):
        return {
            "kind": "environment",
            "id": model.id,
            "platform": model.platform.model_dump(exclude={*LAYOUT_FIELDS, "extensions", "attributes"})
            if model.platform
            else None,
            "properties": model.properties,
        }
    envelope = model
    products: list[dict[str, Any]] = []
    properties: list[dict[str, Any]] = []
    holders: list[Any] = [envelope, *envelope.contents()]
    for holder in holders:
        for section in holder.sections:
            if not isinstance(section, ProductSection):
                continue
            products.append(
                {
                    "product": _msg(section.product),
                    "vendor": _msg(section.vendor),
                    "version": section.version,
                    "full_version": section.full_version,
                    "class": section.class_,
                    "instance": section.instance,
                }
            )
            for prop in section.properties:
                properties.append(
                    {
                        "key": section.full_key(prop),
                        "type": prop.type,
                        "default": prop.value,
                        "user_configurable": prop.user_configurable,
                        "label": _msg(prop.label),
                    }
                )
    disks: list[dict[str, Any]] = []
    networks: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    for section in envelope.sections:
        if isinstance(section, DiskSection):
            for disk in section.disks:
                disks.append(
                    {
                        "id": disk.disk_id,
                        "capacity": disk.capacity,
                        "capacity_units": disk.capacity_allocation_units,
                        "capacity_bytes": disk_capacity_bytes(disk),
                        "file": disk.file_ref,
                        "format": disk.format,
                    }
                )
        elif isinstance(section, NetworkSection):
            for network in section.networks:
                networks.append({"name": network.name, "description": _msg(network.description)})
        elif isinstance(section, DeploymentOptionSection):
            for configuration in section.configurations:
                profiles.append(
                    {
                        "id": configuration.id,
                        "default": bool(configuration.default),
                        "label": _msg(configuration.label),
                    }
                )
    files = [
        {"id": f.id, "href": f.href, "size": f.size, "compression": f.compression}
        for f in (envelope.references.files if envelope.references else [])
    ]
    systems = [
        {"id": view.system, "name": view.name, "hardware": view.model_dump()}
        for view in hardware_views(envelope, profile)
    ]
    return {
        "kind": "descriptor",
        "ovf_version": ovf_version(envelope),
        "dialect": detect_dialect(envelope),
        "products": products,
        "files": files,
        "disks": disks,
        "networks": networks,
        "profiles": profiles,
        "properties": properties,
        "systems": systems,
        "warnings": list(envelope.document.warnings),
    }

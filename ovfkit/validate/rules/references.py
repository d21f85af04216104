"""R rules: references within a descriptor (files, disks, Items, configurations) resolve; ids are unique."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ovfkit.model.base import Node, OvfModel
from ovfkit.model.envelope import Strings, VirtualSystem, VirtualSystemCollection
from ovfkit.model.sections import DeploymentOptionSection, EnvironmentFilesSection, ProductSection
from ovfkit.model.values import ResourceType
from ovfkit.validate.context import Context, HardwareItem
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import rule
from ovfkit.validate.rules._common import ALL_ZERO_GUID, HostReference, describe, host_reference, is_guid, q

__all__: list[str] = []


@rule(
    "R101",
    "dangling-file-ref",
    Severity.ERROR,
    "A Disk's ovf:fileRef names a File that References does not define.",
    scope="standard",
)
def dangling_file_ref(ctx: Context) -> Iterator[Diagnostic]:
    """Disk/@ovf:fileRef must be the ovf:id of a File."""
    for disk in ctx.disks:
        if disk.file_ref and disk.file_ref not in ctx.file_ids:
            yield ctx.emit(
                "R101",
                disk,
                f'Disk "{q(disk.disk_id)}" names File "{q(disk.file_ref)}", which References does not define',
                attribute="fileRef",
            )


HostResourceUse = tuple[HardwareItem, int, str, HostReference | None]


@dataclass(frozen=True, slots=True)
class _HostResources:
    """The HostResources of every Item, parsed once and shared by the rules about them.

    ``unusual`` holds ``(Item, index, text, parsed reference)`` of every HostResource that is not
    written exactly ``ovf:/disk/ID`` or ``ovf:/file/ID`` for a defined Disk or File; the others
    (almost all, in a good descriptor) cannot dangle and are not malformed, so the rules skip them.
    ``files`` holds the ids of the Files those well-written references name.
    """

    unusual: list[HostResourceUse]
    files: set[str]


def _collect_host_resources(ctx: Context) -> _HostResources:
    resolved: dict[str, str | None] = {f"ovf:/disk/{disk_id}": None for disk_id in ctx.disk_ids}
    resolved.update((f"ovf:/file/{file_id}", file_id) for file_id in ctx.file_ids)
    for file in ctx.files:  # a File whose href is such a text is matched by href (R110): keep it unusual
        if file.href is not None:
            resolved.pop(file.href, None)
    unusual: list[HostResourceUse] = []
    files: set[str] = set()
    uses = ctx.item_index.host_resources
    if ctx.allocation_items:
        uses = [*uses, *((entry, entry.item.host_resource) for entry in ctx.allocation_items)]
    for entry, texts in uses:
        for index, text in enumerate(texts):
            if text in resolved:
                file_id = resolved[text]
                if file_id is not None:
                    files.add(file_id)
            else:
                unusual.append((entry, index, text, host_reference(text)))
    return _HostResources(unusual, files)


def _host_resources(ctx: Context) -> _HostResources:
    """Every Item's HostResources, parsed once (see ``_HostResources``)."""
    return ctx.shared("host-resources", _collect_host_resources)


def _names_a_file_ref(ctx: Context, reference: str, volume: str) -> bool:
    """Whether an oVirt HostResource is a Disk's fileRef (virt-v2v's ``-o vdsm`` output names volumes so)."""
    file_refs = ctx.shared("disk-file-refs", lambda c: {d.file_ref for d in c.disks if d.file_ref})
    return reference in file_refs or volume in file_refs


@rule(
    "R102",
    "dangling-disk-host-resource",
    Severity.ERROR,
    "An Item's HostResource names a disk that no DiskSection defines.",
)
def dangling_disk_host_resource(ctx: Context) -> Iterator[Diagnostic]:
    """``ovf:/disk/ID`` (and oVirt's ``imageGroupId/volumeId``) must name a Disk."""
    disk_ids = ctx.disk_ids
    for entry, index, text, reference in _host_resources(ctx).unusual:
        item = entry.item
        if reference is not None and reference.kind == "disk":
            if reference.target not in disk_ids:
                yield ctx.emit(
                    "R102",
                    item,
                    f"{describe(item)} uses disk {q(reference.target)}, which no DiskSection defines",
                    leaf="HostResource",
                    occurrence=index,
                )
        elif reference is None and ctx.is_ovirt and item.resource_type == ResourceType.DISK_DRIVE:
            volume = text.strip().rpartition("/")[2]
            if volume and volume not in disk_ids and not _names_a_file_ref(ctx, text.strip(), volume):
                yield ctx.emit(
                    "R102",
                    item,
                    f"{describe(item)} uses volume {q(volume)}, which no Disk of the DiskSection describes",
                    leaf="HostResource",
                    occurrence=index,
                )


@rule(
    "R103",
    "dangling-file-host-resource",
    Severity.ERROR,
    "An Item's HostResource names a file (ovf:/file/ID) that References does not define.",
)
def dangling_file_host_resource(ctx: Context) -> Iterator[Diagnostic]:
    """``ovf:/file/ID`` must name a File."""
    file_ids = ctx.file_ids
    for entry, index, _, reference in _host_resources(ctx).unusual:
        if reference is not None and reference.kind == "file" and reference.target not in file_ids:
            yield ctx.emit(
                "R103",
                entry.item,
                f"{describe(entry.item)} uses file {q(reference.target)}, which References does not define",
                leaf="HostResource",
                occurrence=index,
            )


@rule(
    "R104",
    "dangling-parent",
    Severity.ERROR,
    "An Item's Parent names an InstanceID that no Item of the same section has.",
)
def dangling_parent(ctx: Context) -> Iterator[Diagnostic]:
    """rasd:Parent must be the InstanceID of another Item of the same VirtualHardwareSection."""
    is_ovirt = ctx.is_ovirt
    ovirt_ova = ctx.dialect == "ovirt-ova"
    for entry, parent, target in ctx.item_index.parent_links:
        if target is not None or not parent:
            continue
        item = entry.item
        if is_ovirt and (item.resource_type == ResourceType.DISK_DRIVE or parent == ALL_ZERO_GUID):
            continue  # an oVirt disk's Parent is its parent volume, not an Item
        if ovirt_ova and item.resource_type == ResourceType.DISK_DRIVE and is_guid(parent):
            continue  # the engine's OVA export writes the image's parent volume there too
        yield ctx.emit(
            "R104",
            item,
            f"{describe(item)} has Parent {q(parent)}, which is the InstanceID of no Item of its section",
            leaf="Parent",
        )


@rule("R105", "parent-cycle", Severity.ERROR, "Items are their own Parent, directly or through other Items.")
def parent_cycle(ctx: Context) -> Iterator[Diagnostic]:
    """Following Parent from any Item must end at an Item without Parent.

    Only an Item that has a Parent and is named as a Parent can be on a cycle, so the search looks
    at those alone: in most descriptors (drives on controllers) there is none.
    """
    links = ctx.item_index.parents
    named: dict[int, set[str]] = defaultdict(set)
    for entry, parent, _, _, _ in links:
        named[id(entry.section)].add(parent)
    by_section: dict[int, list[tuple[HardwareItem, str, str]]] = defaultdict(list)
    for entry, parent, iid, _, _ in links:
        if iid is not None and iid in named[id(entry.section)]:
            by_section[id(entry.section)].append((entry, parent, iid))
    for candidates in by_section.values():
        parents: dict[str, set[str]] = defaultdict(set)
        first: dict[str, HardwareItem] = {}
        for entry, parent, iid in candidates:
            parents[iid].add(parent)
            first.setdefault(iid, entry)
        reported: set[str] = set()
        for start in first:
            if start in reported:
                continue
            cycle = _find_cycle(start, parents)
            if cycle:
                reported.update(cycle)
                entry = first[cycle[0]]
                chain = " -> ".join(q(i, 40) for i in [*cycle, cycle[0]])
                yield ctx.emit(
                    "R105",
                    entry.item,
                    f"{describe(entry.item)} is its own ancestor: Parent chain {chain}",
                    leaf="Parent",
                )


def _find_cycle(start: str, parents: dict[str, set[str]]) -> list[str]:
    """The cycle reachable from ``start`` through Parent links that passes through ``start``, if any."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for parent in parents.get(node, ()):
            if parent == start:
                return path
            if parent in parents and parent not in seen:
                seen.add(parent)
                stack.append((parent, [*path, parent]))
    return []


def _same_configurations(first: list[str], second: list[str]) -> str | None:
    """Where two Items with one InstanceID both apply alike (a message phrase), or None.

    An Item limited to some configurations overrides (is merged into) an Item with the same
    InstanceID for those configurations; two Items for exactly the same configurations are two
    devices with one id, and one of them is lost.
    """
    if set(first) != set(second):
        return None
    if not first:
        return "every configuration"
    return "configurations " + " ".join(f'"{q(c, 40)}"' for c in sorted(set(first)))


@rule(
    "R106",
    "duplicate-instance-id",
    Severity.ERROR,
    "Two Items of one section have the same InstanceID for the same configurations and the same ovf:bound.",
)
def duplicate_instance_id(ctx: Context) -> Iterator[Diagnostic]:
    """InstanceIDs are unique per configuration; an Item may override another for named configurations."""
    candidates = [entry for group in ctx.item_index.repeated_ids for entry in group]
    groups: dict[tuple[int, str, str], list[HardwareItem]] = defaultdict(list)
    for entry in [*candidates, *ctx.allocation_items]:
        iid = entry.item.instance_id
        if iid is None:
            continue
        groups[(id(entry.section), iid.strip(), entry.item.bound or "normal")].append(entry)
    for (_, iid, _), entries in groups.items():
        if len(entries) < 2:
            continue
        entries.sort(key=lambda e: e.item.line or 0)
        for index, later in enumerate(entries[1:], start=1):
            for earlier in entries[:index]:
                where = _same_configurations(earlier.item.configuration, later.item.configuration)
                if where is not None:
                    line = ctx.locator.of_model(earlier.item, ctx.envelope, "InstanceID", 0, None).line
                    after = f" (first at line {line})" if line else ""
                    yield ctx.emit(
                        "R106",
                        later.item,
                        f"InstanceID {q(iid)} is used twice in {where}{after}",
                        leaf="InstanceID",
                    )
                    break


@rule(
    "R107",
    "undefined-configuration",
    Severity.ERROR,
    "An Item's ovf:configuration names a configuration the DeploymentOptionSection does not define.",
)
def undefined_configuration(ctx: Context) -> Iterator[Diagnostic]:
    """Every id in ovf:configuration is a Configuration of the DeploymentOptionSection."""
    for entry in [*ctx.item_index.with_configuration, *ctx.allocation_items]:
        for name in entry.item.configuration:
            if name not in ctx.configurations:
                known = (
                    "there is no DeploymentOptionSection" if not ctx.configurations else "it is not defined"
                )
                yield ctx.emit(
                    "R107",
                    entry.item,
                    f'{describe(entry.item)} is limited to configuration "{q(name, 60)}", but {known}',
                    attribute="configuration",
                )


def _duplicates(values: list[tuple[str | None, OvfModel]]) -> Iterator[tuple[str, OvfModel]]:
    seen: set[str] = set()
    for value, obj in values:
        if value is None:
            continue
        if value in seen:
            yield value, obj
        seen.add(value)


@rule("R108", "duplicate-file-id", Severity.ERROR, "Two Files of References have the same ovf:id.")
def duplicate_file_id(ctx: Context) -> Iterator[Diagnostic]:
    """File ids are unique."""
    for value, file in _duplicates([(f.id, f) for f in ctx.files]):
        yield ctx.emit("R108", file, f'File id "{q(value)}" is defined twice', attribute="id")


@rule("R109", "duplicate-disk-id", Severity.ERROR, "Two Disks have the same ovf:diskId.")
def duplicate_disk_id(ctx: Context) -> Iterator[Diagnostic]:
    """Disk ids are unique."""
    for value, disk in _duplicates([(d.disk_id, d) for d in ctx.disks]):
        yield ctx.emit("R109", disk, f'Disk id "{q(value)}" is defined twice', attribute="diskId")


def _node_file_refs(nodes: list[object], found: set[str]) -> None:
    stack = [n for n in nodes if isinstance(n, Node)]
    while stack:
        node = stack.pop()
        for qname, value in node.attributes:
            local = qname.rpartition(":")[2]
            if local == "fileRef":
                found.add(value)
            elif "ovf:/file/" in value:
                found.add(value.rpartition("ovf:/file/")[2])
        text = node.text
        if "ovf:/file/" in text:
            found.add(text.strip().rpartition("ovf:/file/")[2])
        stack.extend(c for c in node.children if isinstance(c, Node))


def _referenced_files(ctx: Context) -> set[str]:
    found: set[str] = set()
    hrefs = {f.href: f.id for f in ctx.files if f.href and f.id}
    for disk in ctx.disks:
        if disk.file_ref:
            found.add(disk.file_ref)
            if disk.file_ref in hrefs:  # oVirt: fileRef is the File's href
                found.add(hrefs[disk.file_ref])
    host_resources = _host_resources(ctx)
    found.update(host_resources.files)
    for _, _, text, reference in host_resources.unusual:
        if reference is not None and reference.kind == "file":
            found.add(reference.target)
        elif text.strip() in hrefs:
            found.add(hrefs[text.strip()])
    if set(ctx.file_ids) <= found:
        return found  # everything is used already: no need to search vendor elements
    for entry in [*ctx.items, *ctx.allocation_items]:
        _node_file_refs(list(entry.item.extensions), found)
    for strings in ctx.envelope.strings:
        if strings.file_ref:
            found.add(strings.file_ref)
    for _, section in ctx.sections:
        if isinstance(section, ProductSection):
            found.update(icon.file_ref for icon in section.icons if icon.file_ref)
        elif isinstance(section, EnvironmentFilesSection):
            found.update(f.file_ref for f in section.files if f.file_ref)
        _node_file_refs(list(section.extensions), found)
    for owner in [ctx.envelope, *ctx.contents]:
        _node_file_refs(list(owner.extensions), found)
    return found


@rule(
    "R110",
    "unreferenced-file",
    Severity.WARNING,
    "A File of References is used by no Disk, HostResource, Icon, Strings or environment file.",
)
def unreferenced_file(ctx: Context) -> Iterator[Diagnostic]:
    """Every File is used somewhere; an unused one is dead weight or a sign of a broken reference."""
    if not ctx.files:
        return
    used = _referenced_files(ctx)
    for file in ctx.files:
        if file.id is not None and file.id not in used:
            yield ctx.emit(
                "R110", file, f'File "{q(file.id)}" ({q(file.href or "", 60)}) is not used by anything'
            )


@rule(
    "R111",
    "dangling-parent-disk",
    Severity.ERROR,
    "A Disk's ovf:parentRef names a Disk that no DiskSection defines.",
    scope="standard",
)
def dangling_parent_disk(ctx: Context) -> Iterator[Diagnostic]:
    """Disk/@ovf:parentRef (a delta disk's base) must be another Disk's ovf:diskId."""
    for disk in ctx.disks:
        parent = (disk.parent_ref or "").strip()
        if parent and parent not in ctx.disk_ids:
            yield ctx.emit(
                "R111",
                disk,
                f'Disk "{q(disk.disk_id)}" has parentRef "{q(parent)}", which no DiskSection defines',
                attribute="parentRef",
            )


@rule(
    "R112",
    "dangling-other-file-ref",
    Severity.ERROR,
    "A Strings bundle, Icon or environment File names a File that References does not define.",
)
def dangling_other_file_ref(ctx: Context) -> Iterator[Diagnostic]:
    """ovf:fileRef on Strings, Icon and EnvironmentFile must name a File."""
    refs: list[tuple[OvfModel, str]] = []
    for strings in ctx.envelope.strings:
        if strings.file_ref:
            refs.append((strings, strings.file_ref))
    for _, section in ctx.sections:
        if isinstance(section, ProductSection):
            refs.extend((icon, icon.file_ref) for icon in section.icons if icon.file_ref)
        elif isinstance(section, EnvironmentFilesSection):
            refs.extend((f, f.file_ref) for f in section.files if f.file_ref)
    for obj, ref in refs:
        if ref not in ctx.file_ids:
            kind = "Strings bundle" if isinstance(obj, Strings) else type(obj).__name__
            yield ctx.emit(
                "R112",
                obj,
                f'{kind} names File "{q(ref)}", which References does not define',
                attribute="fileRef",
            )


@rule(
    "R113",
    "malformed-host-resource",
    Severity.WARNING,
    "A HostResource is not written ovf:/disk/ID or ovf:/file/ID (a typo such as ovf://disk/, or "
    "no ovf: prefix).",
)
def malformed_host_resource(ctx: Context) -> Iterator[Diagnostic]:
    """HostResource references into the package use the ovf:/disk/ and ovf:/file/ forms."""
    for entry, index, text, reference in _host_resources(ctx).unusual:
        if reference is None or reference.standard:
            continue
        if reference.kind == "malformed":
            hint = "expected ovf:/disk/ID or ovf:/file/ID"
        else:
            hint = f"write it ovf:/{reference.kind}/{q(reference.target, 60)}"
        yield ctx.emit(
            "R113",
            entry.item,
            f"{describe(entry.item)} has HostResource {q(text.strip())}: {hint}",
            leaf="HostResource",
            occurrence=index,
        )


@rule(
    "R114",
    "duplicate-content-id",
    Severity.ERROR,
    "Two VirtualSystems or VirtualSystemCollections have the same ovf:id.",
)
def duplicate_content_id(ctx: Context) -> Iterator[Diagnostic]:
    """Content ids are unique in the envelope (StartupSection and the environment refer to them).

    A collection may share its id with content inside it: ovftool exports a vCloud Director vApp
    that way (the vApp and its one VM named alike), vSphere imports it, and a StartupSection names
    only the collection's own children, so the id stays unambiguous where it is used.
    """
    # the id() of the collections around each content (a collection comes before what it holds)
    around: dict[int, frozenset[int]] = {}
    first: dict[str, list[VirtualSystem | VirtualSystemCollection]] = {}
    for content in ctx.contents:
        ancestors = around.get(id(content), frozenset())
        if isinstance(content, VirtualSystemCollection):
            inside = ancestors | {id(content)}
            around.update((id(child), inside) for child in content.contents)
        value = content.id
        if value is None:
            continue
        earlier = first.setdefault(value, [])
        clashes = [other for other in earlier if id(other) not in ancestors]
        earlier.append(content)
        if not clashes:
            continue
        clash = next((other for other in clashes if type(other) is type(content)), clashes[0])
        kind, other_kind = type(content).__name__, type(clash).__name__
        also = "is used twice" if kind == other_kind else f"is also the id of a {other_kind}"
        yield ctx.emit("R114", content, f'{kind} id "{q(value)}" {also}', attribute="id")


@rule(
    "R115",
    "undefined-property-configuration",
    Severity.ERROR,
    "A Property's Value names a configuration the DeploymentOptionSection does not define.",
)
def undefined_property_configuration(ctx: Context) -> Iterator[Diagnostic]:
    """Property/Value/@ovf:configuration names a Configuration."""
    for section, prop in ctx.properties:
        for value in prop.values:
            name = value.configuration
            if name is not None and name not in ctx.configurations:
                yield ctx.emit(
                    "R115",
                    value,
                    f'property "{q(section.full_key(prop))}" has a value for configuration "{q(name, 60)}", '
                    "which the DeploymentOptionSection does not define",
                    attribute="configuration",
                )


@rule(
    "R116",
    "duplicate-configuration-id",
    Severity.ERROR,
    "Two Configurations of the DeploymentOptionSection have the same ovf:id.",
)
def duplicate_configuration_id(ctx: Context) -> Iterator[Diagnostic]:
    """Configuration ids are unique."""
    entries: list[tuple[str | None, OvfModel]] = []
    for section in ctx.sections_of(DeploymentOptionSection):
        assert isinstance(section, DeploymentOptionSection)
        entries.extend((c.id, c) for c in section.configurations)
    for value, configuration in _duplicates(entries):
        yield ctx.emit(
            "R116", configuration, f'configuration id "{q(value)}" is defined twice', attribute="id"
        )


@rule(
    "R117",
    "multiple-default-configurations",
    Severity.ERROR,
    'More than one Configuration is marked ovf:default="true".',
)
def multiple_default_configurations(ctx: Context) -> Iterator[Diagnostic]:
    """At most one deployment option is the default."""
    for section in ctx.sections_of(DeploymentOptionSection):
        assert isinstance(section, DeploymentOptionSection)
        defaults = [c for c in section.configurations if c.default]
        for configuration in defaults[1:]:
            yield ctx.emit(
                "R117",
                configuration,
                f'configuration "{q(configuration.id)}" is a second default (the first is '
                f'"{q(defaults[0].id)}")',
                attribute="default",
            )

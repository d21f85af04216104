"""The model against the bundled XSDs: what it types, what it keeps as generic nodes, where it drifts.

Every model class is compared with the XSD type it stands for (``xsd_type``, or the anonymous type of
the element its parent binds it to): each typed attribute and child element must be declared there,
with a matching simple type (``xs:boolean``/``cimBoolean`` for ``bool``, integer types for ``int``,
strings for ``str``), a matching cardinality (a list field for ``maxOccurs > 1``), and child fields in
the order of the XSD sequence (for the CIM types, alphabetical). Deliberate deviations are listed in
``DEVIATIONS`` with their reason; anything else is ``Drift``. What the XSD declares and the model does
not type is kept generic (``attributes`` and ``extensions``): ``coverage()`` reports both.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from ovfkit.model.base import LAYOUT_FIELDS, OvfModel
from ovfkit.model.binding import BOOL, INT, RESOURCE_TYPE, STR, TOKENS, FieldSpec, binding_of
from ovfkit.model.envelope import CONTENT_CLASSES, SECTION_CLASSES, Envelope
from ovfkit.model.environment import Environment
from ovfkit.namespaces import FAMILY_OF

__all__ = [
    "DEFAULT_SCHEMAS",
    "DEVIATIONS",
    "CoverageReport",
    "Drift",
    "TypeCoverage",
    "XsdMember",
    "compare",
    "coverage",
    "xsd_members",
]

#: The bundled schemas the model is proved against (the two envelope versions and the environment).
DEFAULT_SCHEMAS = ("dsp8023_1.1.1", "dsp8023_2.0.1", "dsp8027_1.1.0")

#: Where the model knowingly differs from the XSDs, by (model class, field): the one list of them.
DEVIATIONS: dict[tuple[str, str], str] = {
    ("Envelope", "version"): "ovf:version is written by real tools (ovftool, VirtualBox, oVirt) on the "
    "Envelope but no DSP8023 version declares it; it is typed so that it is easy to read",
    **{
        (cls, "instance_id"): "InstanceId (lower-case d) is also read as InstanceID: the oVirt engine, "
        "virt-v2v and OVF 0.9-era VMware and VirtualBox files write it; the XSD declares only InstanceID"
        for cls in ("Item", "StorageItem", "EthernetPortItem", "System")
    },
    **{
        (cls, "configuration"): "ovf:configuration is xs:string in the XSD but DSP0243 defines it as a "
        "space-separated list of Configuration ids; it is typed as that list"
        for cls in ("Item", "StorageItem", "EthernetPortItem")
    },
    **{
        (cls, field_name): "the environment XSD allows any number of Section elements; the model types "
        "the first PlatformSection and the first PropertySection (DSP8027 has one of each), later ones "
        "are kept as generic nodes"
        for cls in ("Environment", "Entity")
        for field_name in ("platform", "property_section")
    },
}

_INTEGERS = frozenset(
    {
        "integer",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    }
)
_STRINGS = frozenset(
    {"string", "normalizedString", "token", "anyURI", "language", "Name", "NCName", "NMTOKEN", "ID", "IDREF"}
)
_XS = "http://www.w3.org/2001/XMLSchema"
#: Model fields that stand for no XML name: what is left over, the layout, the union tag, the document.
_UNBOUND_FIELDS = LAYOUT_FIELDS | {"attributes", "extensions", "kind"}

#: The XSD simple-type kinds each value codec stands for.
_CODEC_KINDS = {
    STR.name: {"string", "any"},
    INT.name: {"integer"},
    BOOL.name: {"boolean"},
    RESOURCE_TYPE.name: {"integer"},
    TOKENS.name: {"list"},
}


@dataclass(frozen=True, slots=True)
class XsdMember:
    """An attribute or child element an XSD type declares (or its text content, or a wildcard).

    ``name`` is prefixed by family (``ovf:capacity``, ``rasd:Address``); ``simple`` is the kind of its
    simple type (``string``, ``integer``, ``boolean``, ``list``, ``union``, ``any``) or ``complex``;
    ``max_occurs`` counts the groups around an element (None: unbounded); elements of one repeated
    choice share a ``position``. ``field`` is the model field that types it, None when it is generic.
    """

    kind: Literal["attribute", "element", "text", "any-element", "any-attribute"]
    name: str
    family: str | None
    local: str
    simple: str
    max_occurs: int | None = 1
    position: int = 0
    field: str | None = None
    type_name: str | None = None
    element: Any = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def typed(self) -> bool:
        """True when a model field stands for this member."""
        return self.field is not None


@dataclass(frozen=True, slots=True)
class Drift:
    """A disagreement between a model field and an XSD type that ``DEVIATIONS`` does not explain."""

    model: str
    field: str
    schema: str
    xsd_type: str
    problem: str

    def __str__(self) -> str:
        return f"{self.model}.{self.field} vs {self.xsd_type} ({self.schema}): {self.problem}"


@dataclass(frozen=True, slots=True)
class TypeCoverage:
    """One model class against one XSD type of one bundled schema."""

    model: str
    xsd_type: str
    schema: str
    members: tuple[XsdMember, ...]
    #: Typed fields (by XML name) this XSD type does not declare: deviations or other XSD versions.
    model_only: tuple[str, ...] = ()

    @property
    def typed(self) -> list[XsdMember]:
        """The XSD members the model types."""
        return [m for m in self.members if m.field is not None]

    @property
    def generic(self) -> list[XsdMember]:
        """The XSD members kept generic: in ``attributes``, or as nodes in ``extensions``."""
        return [m for m in self.members if m.field is None]


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Every model class against every XSD type it stands for, the drift, and unused deviations."""

    types: tuple[TypeCoverage, ...]
    drift: tuple[Drift, ...]
    #: Entries of ``DEVIATIONS`` no comparison needed (stale: remove them).
    unused_deviations: tuple[tuple[str, str], ...]


# -- reading XSD types -----------------------------------------------------------------------------


def _local(name: str | None) -> str:
    return (name or "").rpartition("}")[2]


def _namespace(name: str | None) -> str | None:
    if name and name.startswith("{"):
        return name[1:].partition("}")[0]
    return None


def _qualified(name: str | None) -> tuple[str | None, str]:
    """(family, local name) of an XSD Clark name; a foreign namespace keeps its URI as family."""
    uri = _namespace(name)
    if uri is None:
        return None, _local(name)
    return FAMILY_OF.get(uri, uri), _local(name)


def _display(family: str | None, local: str) -> str:
    if family is None:
        return local
    if family.startswith("http"):
        return f"{{{family}}}{local}"
    return f"{family}:{local}"


def simple_kind(xsd_type: Any) -> str:
    """The kind of an XSD type's values: ``string``, ``integer``, ``boolean``, ``list``, ``union``,
    ``any``, ``decimal``, ``other`` (another builtin) or ``complex`` (element content)."""
    current = xsd_type
    for _ in range(64):
        if current is None:
            return "string"  # an attribute whose type the XSD leaves open (xml:lang in some versions)
        if current.is_complex():
            if current.has_simple_content():
                current = current.content
                continue
            return "any" if _local(current.name) == "anyType" else "complex"
        if current.is_union():
            member_types = getattr(current, "member_types", None)
            if member_types is None:  # a restriction of a union
                current = current.base_type
                continue
            kinds = {simple_kind(member) for member in member_types}
            return kinds.pop() if len(kinds) == 1 else "union"
        if current.is_list():
            return "list"
        if _namespace(current.name) == _XS:
            local = _local(current.name)
            if local in _INTEGERS:
                return "integer"
            if local == "boolean":
                return "boolean"
            if local in _STRINGS:
                return "string"
            if local == "anySimpleType":
                return "any"
            if local == "decimal":
                return "decimal"
            if current.base_type is None or _local(current.base_type.name) == "anySimpleType":
                return "other"
        current = current.base_type
    return "other"


def _max(outer: int | None, inner: int | None) -> int | None:
    if outer is None or inner is None:
        return None
    return outer * inner


def _substitutes(schema: Any, element: Any) -> list[Any]:
    """The global elements that may stand for an (abstract) head element."""
    groups = schema.maps.substitution_groups
    found = list(groups.get(element.name) or [])
    return found


def _walk_group(
    schema: Any, group: Any, outer: int | None, members: list[XsdMember], state: list[int]
) -> None:
    """Collect the elements of a content model with effective maxOccurs and sequence positions."""
    in_choice = group.model == "choice" and len(group) > 1
    if in_choice:
        state[0] += 1
    for particle in group:
        if not in_choice:
            state[0] += 1
        position = state[0]
        if hasattr(particle, "model") and hasattr(particle, "iter_elements"):
            if in_choice:
                # everything inside a repeated choice shares the choice's position
                saved = state[0]
                _walk_group(schema, particle, _max(outer, particle.max_occurs), members, state)
                state[0] = saved
            else:
                _walk_group(schema, particle, _max(outer, particle.max_occurs), members, state)
            continue
        occurs = _max(_max(outer, group.max_occurs), particle.max_occurs)
        if particle.name is None:  # an xs:any wildcard
            namespaces = " ".join(getattr(particle, "namespace", []) or [])
            members.append(
                XsdMember("any-element", f"<any {namespaces}>", None, "*", "any", occurs, position)
            )
            continue
        family, local = _qualified(particle.name)
        type_name = _local(particle.type.name) if particle.type is not None and particle.type.name else None
        members.append(
            XsdMember(
                "element",
                _display(family, local),
                family,
                local,
                simple_kind(particle.type),
                occurs,
                position,
                type_name=type_name,
                element=particle,
            )
        )
        for substitute in _substitutes(schema, particle):
            sub_family, sub_local = _qualified(substitute.name)
            members.append(
                XsdMember(
                    "element",
                    _display(sub_family, sub_local),
                    sub_family,
                    sub_local,
                    simple_kind(substitute.type),
                    occurs,
                    position,
                    type_name=_local(substitute.type.name) if substitute.type.name else None,
                    element=substitute,
                )
            )


def xsd_members(schema: Any, xsd_type: Any) -> list[XsdMember]:
    """The attributes, text content and elements an XSD complex type declares, in order."""
    members: list[XsdMember] = []
    for name, attribute in xsd_type.attributes.items():
        if name is None:
            members.append(XsdMember("any-attribute", "<any attribute>", None, "*", "any"))
            continue
        family, local = _qualified(name)
        members.append(
            XsdMember("attribute", _display(family, local), family, local, simple_kind(attribute.type))
        )
    if xsd_type.has_simple_content():
        members.append(XsdMember("text", "(text)", None, "", simple_kind(xsd_type)))
    elif xsd_type.content is not None and hasattr(xsd_type.content, "model"):
        _walk_group(schema, xsd_type.content, 1, members, [0])
    return members


# -- comparing one model class with one XSD type ---------------------------------------------------


def _find(members: list[XsdMember], kind: str, family: str | None, local: str) -> XsdMember | None:
    for member in members:
        if member.kind == kind and member.family == family and member.local == local:
            return member
    return None


def _check_value(spec: FieldSpec, member: XsdMember) -> str | None:
    assert spec.codec is not None
    if member.simple not in _CODEC_KINDS[spec.codec.name]:
        return f"typed as {spec.codec.name}, but the XSD type of {member.name} is {member.simple}"
    return None


def _check_cardinality(spec: FieldSpec, member: XsdMember) -> str | None:
    repeated = member.max_occurs is None or member.max_occurs > 1
    if spec.is_list and not repeated:
        return f"a list field, but {member.name} occurs at most {member.max_occurs} time"
    if not spec.is_list and repeated:
        return f"a single field, but {member.name} may occur {member.max_occurs or 'unbounded'} times"
    return None


def _check_model_type(spec: FieldSpec, member: XsdMember) -> str | None:
    model = spec.model
    if model is None or member.type_name is None:
        return None  # a polymorphic field, or an anonymous XSD type: compared member by member
    if model.xsd_type and model.xsd_type != member.type_name:
        return f"binds {model.__name__} ({model.xsd_type}), but {member.name} is of type {member.type_name}"
    if not model.xsd_type:
        return (
            f"binds {model.__name__} (no xsd_type), but {member.name} is of the named type {member.type_name}"
        )
    return None


def compare(
    cls: type[OvfModel], schema: Any, xsd_type: Any, schema_key: str = "", label: str = ""
) -> tuple[TypeCoverage, list[Drift], dict[str, XsdMember]]:
    """Compare one model class with one XSD complex type (no recursion into children).

    Returns the coverage, every problem found (``DEVIATIONS`` not applied: ``coverage()`` does that)
    and the XSD member each field binds to, by field name. Tests call this with made-up classes.
    """
    label = label or _local(xsd_type.name) or cls.__name__
    binding = binding_of(cls)
    members = xsd_members(schema, xsd_type)
    problems: list[Drift] = []
    bound: dict[str, XsdMember] = {}
    typed_names: dict[tuple[str, str | None, str], str] = {}
    model_only: list[str] = []

    def problem(spec_name: str, text: str) -> None:
        problems.append(Drift(cls.__name__, spec_name, schema_key, label, text))

    bound_names = {spec.name for spec in (*binding.attr_fields, *binding.child_fields)}
    if binding.text is not None:
        bound_names.add(binding.text.name)
    for name in cls.model_fields:
        if name not in bound_names and name not in _UNBOUND_FIELDS:
            problem(
                name, "has no XML binding (Attr, Leaf, Child or Text): it would be neither read nor written"
            )
    specs: list[FieldSpec] = list(binding.attr_fields)
    if binding.text is not None:
        specs.append(binding.text)
    specs.extend(binding.child_fields)
    for spec in specs:
        meta = spec.binding
        if meta.kind == "text":
            member = _find(members, "text", None, "")
            if member is None:
                problem(spec.name, "typed as the element's text, but the XSD type has no simple content")
            else:
                typed_names[("text", None, "")] = spec.name
                message = _check_value(spec, member)
                if message:
                    problem(spec.name, message)
            continue
        kind = "attribute" if meta.kind == "attr" else "element"
        if meta.polymorphic:
            head = "Section" if meta.polymorphic == "section" else "Content"
            member = _find(members, "element", meta.family, head)
            if member is None:
                problem(spec.name, f"takes {head} elements, but the XSD type has no {head} element")
                continue
            typed_names[("element", meta.family, head)] = spec.name
            for sub in members:
                if sub.kind == "element" and sub.position == member.position and sub is not member:
                    typed_names[("element", sub.family, sub.local)] = spec.name
            bound[spec.name] = member
            message = _check_cardinality(spec, member)
            if message:
                problem(spec.name, message)
            continue
        for index, local in enumerate(meta.names):
            member = _find(members, kind, meta.family, local)
            if member is None:
                model_only.append(_display(meta.family, local))
                what = "an alias " if index else ""
                problem(
                    spec.name, f"{what}{kind} {_display(meta.family, local)} is not declared in this XSD type"
                )
                continue
            typed_names[(kind, meta.family, local)] = spec.name
            if index:
                continue
            bound[spec.name] = member
            checks = []
            if meta.kind == "child":
                checks.append(_check_model_type(spec, member))
                if (
                    spec.model is not None
                    and binding_of(spec.model).text is None
                    and member.simple != "complex"
                ):
                    name = spec.model.__name__
                    checks.append(f"binds {name}, which has no text, but {member.name} has simple content")
            else:
                checks.append(_check_value(spec, member))
            if kind == "element":
                checks.append(_check_cardinality(spec, member))
            for message in checks:
                if message:
                    problem(spec.name, message)
    # Child fields follow the XSD sequence (the binding sorts the CIM classes alphabetically).
    last: tuple[int, str] | None = None
    for spec in binding.child_fields:
        member = bound.get(spec.name)
        if member is None:
            continue
        if last is not None and member.position < last[0]:
            problem(spec.name, f"comes after {last[1]} in the model, but before it in the XSD sequence")
        last = (member.position, spec.name)
    resolved = tuple(
        XsdMember(
            m.kind,
            m.name,
            m.family,
            m.local,
            m.simple,
            m.max_occurs,
            m.position,
            typed_names.get((m.kind, m.family, m.local)),
            m.type_name,
            m.element,
        )
        for m in members
    )
    return TypeCoverage(cls.__name__, label, schema_key, resolved, tuple(model_only)), problems, bound


# -- the whole model -------------------------------------------------------------------------------


def _roots(schema: Any) -> list[tuple[type[OvfModel], Any]]:
    found: list[tuple[type[OvfModel], Any]] = []
    for cls, name in ((Envelope, "Envelope"), (Environment, "Environment")):
        element = schema.elements.get(name)
        if element is not None:
            found.append((cls, element.type))
    return found


def _children(
    cls: type[OvfModel], schema: Any, bound: dict[str, XsdMember], label: str
) -> list[tuple[type[OvfModel], Any, str]]:
    """The model classes below ``cls`` with the XSD types they stand for in this schema."""
    found: list[tuple[type[OvfModel], Any, str]] = []
    binding = binding_of(cls)
    for spec in binding.child_fields:
        if spec.codec is not None:
            continue
        if spec.binding.polymorphic:
            classes: dict[str, type[Any]] = (
                dict(SECTION_CLASSES) if spec.binding.polymorphic == "section" else dict(CONTENT_CLASSES)
            )
            for name, child_cls in classes.items():
                element = schema.elements.get(name)
                if element is not None:
                    found.append((child_cls, element.type, _local(element.type.name) or name))
            continue
        member = bound.get(spec.name)
        if member is None or member.element is None or spec.model is None:
            continue
        xsd_type = member.element.type
        child_label = member.type_name or f"{label}/{member.local}"
        found.append((spec.model, xsd_type, child_label))
    return found


def coverage(schemas: tuple[str, ...] = DEFAULT_SCHEMAS) -> CoverageReport:
    """Compare every model class reachable from ``Envelope`` and ``Environment`` with the bundled XSDs.

    A typed name must be declared by at least one of the schemas that have the type (checked when
    ``schemas`` includes all of ``DEFAULT_SCHEMAS``; otherwise such names are only listed as
    ``model_only``); type, cardinality and order must agree wherever it is declared. ``DEVIATIONS``
    excuses the fields it lists.
    """
    from ovfkit.schema.bundled import xmlschema_schema

    types: list[TypeCoverage] = []
    missing: dict[tuple[str, str], list[Drift]] = {}
    declared_somewhere: set[tuple[str, str]] = set()
    problems: list[Drift] = []
    used: set[tuple[str, str]] = set()
    for key in schemas:
        schema = xmlschema_schema(key)
        queue = [(cls, xsd_type, _local(xsd_type.name) or cls.__name__) for cls, xsd_type in _roots(schema)]
        seen: set[tuple[type, int]] = set()
        while queue:
            cls, xsd_type, label = queue.pop(0)
            if (cls, id(xsd_type)) in seen:
                continue
            seen.add((cls, id(xsd_type)))
            result, found, bound = compare(cls, schema, xsd_type, key, label)
            types.append(result)
            for spec_name in _field_names(cls):
                declared = not any(
                    p.field == spec_name and "is not declared" in p.problem and "alias" not in p.problem
                    for p in found
                )
                if declared:
                    declared_somewhere.add((cls.__name__, spec_name))
            for drift in found:
                pair = (drift.model, drift.field)
                if "is not declared" in drift.problem and "alias" not in drift.problem:
                    missing.setdefault(pair, []).append(drift)
                elif pair in DEVIATIONS:
                    used.add(pair)
                else:
                    problems.append(drift)
            queue.extend(_children(cls, schema, bound, label))
    # A name no compared schema declares is drift only when every version was compared.
    complete = set(DEFAULT_SCHEMAS) <= set(schemas)
    for pair, drifts in missing.items():
        if pair in declared_somewhere or not complete:
            continue  # declared by another version of the schema
        if pair in DEVIATIONS:
            used.add(pair)
        else:
            problems.append(drifts[0])
    unused = tuple(sorted(set(DEVIATIONS) - used))
    return CoverageReport(tuple(types), tuple(problems), unused)


def _field_names(cls: type[OvfModel]) -> list[str]:
    binding = binding_of(cls)
    names = [spec.name for spec in binding.attr_fields]
    if binding.text is not None:
        names.append(binding.text.name)
    names.extend(spec.name for spec in binding.child_fields)
    return names

"""Model foundations: the base class, binding metadata, lexical facts and generic XML nodes.

Every element model is an ``OvfModel``. Its typed fields carry binding metadata (``Attr``, ``Leaf``,
``Child``, ``Text``) naming the XML attribute or element they stand for; everything the model does not
type is kept in ``extensions`` (elements, comments, processing instructions) and ``attributes``, and
the facts needed to write the element back exactly as it was read (prefixes, namespace declarations,
attribute order, whitespace, original lexical forms) live in ``xml``. Models hold data only: no I/O.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "Attr",
    "Child",
    "Comment",
    "Extension",
    "LAYOUT_FIELDS",
    "LayoutTable",
    "Leaf",
    "Node",
    "OvfModel",
    "ProcessingInstruction",
    "READING_LAYOUTS",
    "SET_DICT",
    "SET_EXTRA",
    "SET_FIELDS_SET",
    "SET_PRIVATE",
    "SharedFieldSet",
    "Text",
    "XmlBinding",
    "XmlInfo",
]


@dataclass(frozen=True, slots=True)
class XmlBinding:
    """Which XML attribute or element a model field stands for.

    ``kind`` is ``attr`` (an attribute), ``text`` (the element's own text), ``leaf`` (a child element
    with simple content, one value per element) or ``child`` (a child element read as a model).
    ``family`` is the namespace family (see ``ovfkit.namespaces``), None for no namespace.
    ``aliases`` are other local names real writers use for the same thing (``InstanceId``).
    ``polymorphic`` marks a field that takes any registered section or content element.
    """

    kind: Literal["attr", "text", "leaf", "child"]
    name: str = ""
    family: str | None = "ovf"
    aliases: tuple[str, ...] = ()
    polymorphic: Literal["section", "content", ""] = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The local name first, then its aliases."""
        return (self.name, *self.aliases)


def Attr(name: str, family: str | None = "ovf", aliases: tuple[str, ...] = ()) -> XmlBinding:  # noqa: N802
    """Bind a field to an attribute (``ovf:`` by default)."""
    return XmlBinding("attr", name, family, aliases)


def Leaf(name: str, family: str | None = "ovf", aliases: tuple[str, ...] = ()) -> XmlBinding:  # noqa: N802
    """Bind a field to a child element with simple content (a list field: one value per element)."""
    return XmlBinding("leaf", name, family, aliases)


def Child(  # noqa: N802
    name: str,
    family: str | None = "ovf",
    aliases: tuple[str, ...] = (),
    polymorphic: Literal["section", "content", ""] = "",
) -> XmlBinding:
    """Bind a field to a child element read as a model (a list field: one model per element)."""
    return XmlBinding("child", name, family, aliases, polymorphic)


def Text() -> XmlBinding:  # noqa: N802
    """Bind a field to the element's own text content."""
    return XmlBinding("text", "", None)


class SharedFieldSet(set[str]):
    """The fields set of many models read alike (a reader's own, never changed in place).

    A model gets a set of its own before an assignment would add a name to this one.
    """

    __slots__ = ()


# The slot setters of pydantic's BaseModel, called directly: a model a reader builds gets its field
# values without validation (the reader typed them), faster than through object.__setattr__.
SET_DICT: Any = BaseModel.__dict__["__dict__"].__set__
SET_FIELDS_SET: Any = BaseModel.__dict__["__pydantic_fields_set__"].__set__
SET_EXTRA: Any = BaseModel.__dict__["__pydantic_extra__"].__set__
SET_PRIVATE: Any = BaseModel.__dict__["__pydantic_private__"].__set__


class _Base(BaseModel):
    """Shared pydantic configuration."""

    model_config = ConfigDict(
        validate_assignment=True, extra="forbid", revalidate_instances="never", defer_build=True
    )

    def __setattr__(self, name: str, value: Any) -> None:
        """Assign as pydantic does, after giving the model a fields set of its own if it shares one."""
        fields_set = self.__pydantic_fields_set__
        if fields_set.__class__ is SharedFieldSet and name not in fields_set:
            SET_FIELDS_SET(self, set(fields_set))
        super().__setattr__(name, value)

    def __eq__(self, other: object) -> bool:
        """Equal when of the same class with equal data; layout facts and line numbers do not count."""
        if type(self) is not type(other):
            return NotImplemented
        mine = {k: v for k, v in self.__dict__.items() if k not in LAYOUT_FIELDS}
        theirs = {k: v for k, v in other.__dict__.items() if k not in LAYOUT_FIELDS}
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]  # mutable models are not hashable


#: Fields that describe how a document was written, not what it says.
LAYOUT_FIELDS = frozenset({"xml", "line", "document"})


class Comment(_Base):
    """An XML comment, kept where it was. ``line`` is the source line it starts on, when it was read."""

    kind: Literal["comment"] = "comment"
    text: str
    line: int | None = Field(default=None, exclude=True, repr=False)


class ProcessingInstruction(_Base):
    """An XML processing instruction, kept where it was. ``line``: the source line it starts on, when read."""

    kind: Literal["pi"] = "pi"
    target: str
    text: str = ""
    line: int | None = Field(default=None, exclude=True, repr=False)


class Node(_Base):
    """An element ovfkit does not type (vendor extension, unknown section), kept whole and in order.

    ``name`` is the qualified name as written (``vmw:Config``), ``namespace`` its URI, ``ns`` the
    namespace declarations made on it, ``attributes`` its attributes as written (qualified name,
    value), ``children`` its element, comment and PI children, and ``gaps`` the text around them:
    ``gaps[0]`` before the first child, ``gaps[i + 1]`` after child ``i`` (so an element without
    children has its text in ``gaps[0]``).
    """

    kind: Literal["element"] = "element"
    name: str
    namespace: str | None = None
    ns: list[tuple[str, str]] = Field(default_factory=list)
    attributes: list[tuple[str, str]] = Field(default_factory=list)
    children: list[Extension] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list)
    line: int | None = Field(default=None, exclude=True, repr=False)

    @property
    def local_name(self) -> str:
        """The name without its prefix."""
        return self.name.rpartition(":")[2]

    @property
    def text(self) -> str:
        """All the text directly inside this element."""
        return "".join(self.gaps)

    def get(self, local_name: str, default: str | None = None) -> str | None:
        """Return the value of the first attribute with this local name (any prefix)."""
        for qname, value in self.attributes:
            if qname.rpartition(":")[2] == local_name:
                return value
        return default

    def elements(self, local_name: str | None = None) -> list[Node]:
        """Return the child elements, optionally only those with this local name."""
        return [
            c
            for c in self.children
            if isinstance(c, Node) and (local_name is None or c.local_name == local_name)
        ]


Extension = Annotated[Node | Comment | ProcessingInstruction, Field(discriminator="kind")]


class XmlInfo(_Base):
    """How an element was written, so that writing it back changes nothing.

    An XmlInfo is immutable (frozen; its dicts are never changed in place): a reader shares one
    between the many elements written alike, and one tuple between the many XmlInfos that hold it.
    To change an element's layout, give it a new one (``model.xml = info.model_copy(update=...)``).

    - ``name``: the qualified element name as written (``ovf:Section``, ``Item``).
    - ``ns``: namespace declarations made on the element, in order (``""`` is the default namespace).
    - ``attrs``: qualified names of all its attributes, in document order.
    - ``children``: one entry per child node in document order: the qualified name of a typed child,
      or ``"*"`` for the next entry of the model's ``extensions``.
    - ``gaps``: the text around the children (``len(children) + 1`` entries), or empty when there is
      none at all.
    - ``lexical``: original lexical forms that differ from how ovfkit would write the typed value;
      keys are attribute qualified names or child indexes as strings.
    - ``leaf_attrs``: attributes (and ``xmlns`` declarations) written on typed leaf children, by
      child index as a string.

    The source line of the element is the model's ``line``: elements written alike on different
    lines share their XmlInfo.
    """

    model_config = ConfigDict(frozen=True)
    __hash__ = None  # holds dicts

    name: str
    ns: tuple[tuple[str, str], ...] = ()
    attrs: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    lexical: dict[str, str] = Field(default_factory=dict)
    leaf_attrs: dict[str, list[tuple[str, str]]] = Field(default_factory=dict)


@dataclass(slots=True)
class LayoutTable:
    """The ``layouts`` of a JSON document being read, which its elements name by number.

    The JSON form writes each distinct ``XmlInfo`` once, in a table, and an element's ``xml`` as its
    index there (see ``ovfkit.convert``). While such a document is validated, ``READING_LAYOUTS``
    holds its table: ``numbered`` once its format version says ``xml`` values are numbers, and
    ``layouts`` once the table itself is read (it comes before the document).
    """

    numbered: bool = False
    layouts: list[XmlInfo] = dataclass_field(default_factory=list)
    #: the table is yet to be read, or could not be (its own errors are reported, not each number's)
    pending: bool = True


#: The layout table of the JSON document being validated in this context, or None.
READING_LAYOUTS: ContextVar[LayoutTable | None] = ContextVar("ovfkit_reading_layouts", default=None)


class OvfModel(_Base):
    """Base of every element model: typed fields plus what they leave over, plus layout facts.

    ``line`` is the source line of the element's start tag when it was read from a document (the
    line it ends on, as libxml2 reports it). Like ``xml`` it says how the document was written, not
    what it says: equality ignores it, and JSON leaves it out.
    """

    #: Section and content models set this to their element's local name (discriminator for JSON).
    xsd_type: ClassVar[str] = ""

    attributes: dict[str, str] = Field(default_factory=dict)
    extensions: list[Extension] = Field(default_factory=list)
    xml: XmlInfo | None = None
    line: int | None = Field(default=None, exclude=True, repr=False)

    @field_validator("xml", mode="before")
    @classmethod
    def _numbered_layout(cls, value: Any) -> Any:
        """In a JSON document with a layout table, ``xml`` is the index of its entry there."""
        table = READING_LAYOUTS.get()
        if table is None or value is None:
            return value
        if not table.numbered:
            # A format "1" document: the layout in place. A before-validator is handed the JSON
            # value as Python data, where strict validation would take no list for a tuple; the
            # lax validation of JSON data accepts nothing else strict JSON validation refuses.
            return XmlInfo.model_validate(value) if isinstance(value, dict) else value
        if type(value) is not int:
            raise ValueError("expected the number of an entry in the document's layouts")
        if table.pending:
            return None  # the table itself is wrong: its errors say why
        if not 0 <= value < len(table.layouts):
            raise ValueError(f"layout {value} is not in the document's {len(table.layouts)} layouts")
        return table.layouts[value]

    @classmethod
    def _fast(cls, values: dict[str, Any]) -> Any:
        """Build an instance from already-typed values without validation (reader use only)."""
        defaults = _defaults_of(cls)
        data = dict(defaults[0])
        for name in defaults[1]:
            data[name] = []
        for name in defaults[2]:
            data[name] = {}
        for name, factory in defaults[3]:
            if name not in values:
                data[name] = factory()
        data.update(values)
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", data)
        object.__setattr__(obj, "__pydantic_fields_set__", set(values))
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


_Defaults = tuple[dict[str, Any], list[str], list[str], list[tuple[str, Any]]]
_DEFAULTS: dict[type, _Defaults] = {}


def _defaults_of(cls: type[BaseModel]) -> _Defaults:
    """Return (plain defaults, list fields, dict fields, other factories) of a model class, cached."""
    found = _DEFAULTS.get(cls)
    if found is None:
        plain: dict[str, Any] = {}
        lists: list[str] = []
        dicts: list[str] = []
        factories: list[tuple[str, Any]] = []
        for name, info in cls.model_fields.items():
            if info.default_factory is list:
                lists.append(name)
            elif info.default_factory is dict:
                dicts.append(name)
            elif info.default_factory is not None:
                factories.append((name, info.default_factory))
            else:
                plain[name] = info.default
        found = (plain, lists, dicts, factories)
        _DEFAULTS[cls] = found
    return found

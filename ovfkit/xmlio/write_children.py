"""The children of an element read from a document, when it changed: slots kept, removed or added.

Every slot of the element's layout gets the value of its field that comes next; a value that is
gone leaves its slot empty (with the gap before it). Entries of list fields are matched to their
slots in order; new entries (models without a layout) are written next to the entry before them.
When a list has fewer entries read from the document than slots, the source lines of its entries
say which slots lost theirs. Values of fields that have no slot at all are written after the last
child of an earlier field (in schema order), else before the first child of a later one, else
last; new extensions go last. Everything new is laid out like its neighbours (``write_layout``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ovfkit.model.base import Node, OvfModel, XmlInfo
from ovfkit.model.binding import ClassBinding, FieldSpec, binding_of
from ovfkit.xmlio.write_layout import blank, child_gap, inner_layout
from ovfkit.xmlio.write_plan import EXT, LEAF, LEAF_LIST, MODEL, SKIP

if TYPE_CHECKING:
    from ovfkit.xmlio.writer import Scope, Writer

__all__ = ["Children"]


class _Queue:
    """The entries of one list field (or the extensions) while they are matched to their slots."""

    __slots__ = ("entries", "flat", "index", "read_left", "slots_left", "spread", "started")

    def __init__(self, entries: list[Any], slots: int, read: Callable[[Any], bool]) -> None:
        self.entries = entries
        self.index = 0
        self.slots_left = slots
        self.read_left = sum(1 for entry in entries if read(entry))
        self.started = False
        #: the longest start tag of an entry placed that was seen to fit on one line (0: none seen)
        self.flat = 0
        #: extra lines per attribute of the last start tag placed (0: one line; None: none seen)
        self.spread: float | None = None


def _is_read_model(entry: Any) -> bool:
    return not isinstance(entry, OvfModel) or entry.xml is not None


def _always_read(entry: Any) -> bool:
    # An extension's line is not kept by every copy (JSON leaves it out), so it is no mark of having
    # been read: extensions fill their slots in order, and lines, where known, tell which were removed.
    return True


def _start_tag_lines(entry: Any) -> int:
    """How many line breaks an entry's start tag may have held (one before each attribute at most)."""
    if isinstance(entry, OvfModel):
        return len(entry.xml.attrs) + len(entry.xml.ns) if entry.xml is not None else 0
    if isinstance(entry, Node):
        return len(entry.attributes) + len(entry.ns)
    return 0


def _start_tag_length(entry: Any) -> int:
    """About how long an entry's start tag is: writers wrap long ones over several lines."""
    if isinstance(entry, OvfModel):
        info = entry.xml
        if info is None:
            return 0
        data = entry.__dict__
        values = [data[spec.name] for spec in binding_of(type(entry)).attr_fields]
        return (
            len(info.name)
            + sum(len(name) + 4 for name in info.attrs)
            + sum(len(str(value)) for value in values if value is not None)
            + sum(len(value) for value in entry.attributes.values())
        )
    if isinstance(entry, Node):
        return len(entry.name) + sum(len(name) + len(value) + 4 for name, value in entry.attributes)
    return 0


def _last_descendant(entry: Any) -> tuple[int, str] | None:
    """The (line, name) of the descendant of an entry whose start tag ends furthest down."""
    best: tuple[int, str] | None = None
    stack: list[Any] = [entry]
    while stack:
        current = stack.pop()
        if current is not entry:
            line = _line_of(current)
            if line is not None and (best is None or line > best[0]):
                name = current.xml.name if isinstance(current, OvfModel) and current.xml else current.name
                best = (line, name)
        if isinstance(current, OvfModel):
            data = current.__dict__
            for spec in binding_of(type(current)).child_fields:
                if spec.codec is None:
                    value = data[spec.name]
                    if isinstance(value, list):
                        stack.extend(value)
                    elif value is not None:
                        stack.append(value)
            stack.extend(node for node in current.extensions if isinstance(node, Node))
        elif isinstance(current, Node):
            stack.extend(node for node in current.children if isinstance(node, Node))
    return best


def _line_of(entry: Any) -> int | None:
    """The source line of an entry's start tag, when it was read from a document and kept it."""
    line = getattr(entry, "line", None)  # models, nodes, comments and PIs read from a document
    return line if isinstance(line, int) else None


class Children:
    """Writes the children of one element read from a document (see the module docstring)."""

    def __init__(
        self, writer: Writer, model: OvfModel, binding: ClassBinding, scope: Scope, info: XmlInfo, indent: str
    ) -> None:
        self.w = writer
        self.model = model
        self.binding = binding
        self.scope = scope
        self.info = info
        self.indent = indent
        self.gaps = writer.layout_gaps(info)
        self.plan = writer.plan_for(binding, info.children, scope, info)
        self.data = model.__dict__
        #: the gap before the last child written (None until one is)
        self.last_gap: str | None = None
        self.fallback: str | None = None
        # source line tracking: the line of the last child written that knows its line
        self.sync_line: int | None = None
        self.sync_pos = 0
        self.new_lines = 0
        self.tracking = False
        #: whether some values have no slot (so where each child went is noted)
        self.pending = False
        #: typed children written: (field order, start and end in the output, gap before)
        self.placed: list[tuple[int, int, int, str]] = []

    # -- layout ------------------------------------------------------------------------------

    def copy_gap(self, gap: str | None) -> str:
        """The gap to put beside a new child: ``gap`` when it is indentation, else the usual one."""
        if gap is not None and blank(gap):
            return gap
        if self.fallback is None:
            found = child_gap(self.gaps)
            self.fallback = found if found is not None else inner_layout(self.indent, self.w.unit)[0]
        return self.fallback

    def predicted_line(self) -> int | None:
        """The source line the next slot starts on, as far as the output so far tells."""
        if self.sync_line is None:
            return None
        written = "".join(self.w.out[self.sync_pos :]).count("\n")
        return self.sync_line + written - self.new_lines

    def vacate(self, gap_after: str) -> None:
        """Leave a slot empty: its child is gone, and so is the gap before it."""
        self.w.out[-1] = gap_after
        self.sync_line = None  # the lines of what was removed are unknown

    def resync(self, entry: Any, start: int) -> None:
        """After writing a child read from the document: the source line its end is on.

        Its own line and the lines written give it when its descendants' start tags were each on
        one line; a descendant's line further down than that moves it (from the last one).
        """
        line = _line_of(entry)
        if line is None or not self.tracking:
            return
        written = "".join(self.w.out[start:])
        end = line + written.count("\n")
        last = _last_descendant(entry)
        if last is not None and last[0] > line:
            position = written.rfind("<" + last[1])
            if position >= 0:
                end = max(end, last[0] + written.count("\n", position))
        self.sync_line = end
        self.sync_pos = len(self.w.out)
        self.new_lines = 0

    # -- writing -----------------------------------------------------------------------------

    def write(self) -> None:
        """Write the children and the gaps between them (the start tag is written, the end tag not)."""
        out, data, plan, gaps = self.w.out, self.data, self.plan, self.gaps
        info = self.info
        model = self.model
        extensions = model.extensions
        queues: dict[str, _Queue] = {}
        for field in self.binding.child_list_fields:
            slots = plan.occurrences.get(field.name, 0)
            if slots:
                read = _is_read_model if field.codec is None else _always_read
                queues[field.name] = _Queue(data[field.name], slots, read)
        ext_queue = _Queue(extensions, plan.extension_count, _always_read)
        # Source lines are followed only when a list lost entries (to tell which slots they had).
        self.tracking = any(q.slots_left > q.read_left for q in (ext_queue, *queues.values()))
        pending = self.leftovers(queues)
        self.pending = bool(pending)
        if self.model.line is not None:
            # A start tag's line is the line it ends on (as libxml2 reports it).
            self.sync_line = self.model.line
            self.sync_pos = len(out)
        lexical = info.lexical
        special = set(lexical) | set(info.leaf_attrs) if lexical or info.leaf_attrs else ()
        out.append(gaps[0])
        for index, (entry, name, kind, fmt, spec) in enumerate(plan.steps):
            gap_after = gaps[index + 1]
            if kind == SKIP:
                self.vacate(gap_after)
                continue
            if kind == EXT:
                self.aligned_slot(ext_queue, None, index, gap_after, extension=True)
                continue
            assert spec is not None
            if kind in (LEAF, MODEL):
                value = data[name]
                if value is None:
                    original = lexical.get(str(index)) if kind == LEAF else None
                    if original is None or spec.codec is None or spec.codec.parse(original) is not None:
                        self.vacate(gap_after)  # removed (an untypeable leaf, None with its text kept, stays)
                        continue
                if (
                    kind == MODEL
                    or (special and str(index) in special)
                    or not self.plain_leaf(entry, spec.order, fmt, value)
                ):
                    self.write_at_slot(spec, value, entry, index)
                out.append(gap_after)
            elif kind == LEAF_LIST:
                queue = queues[name]
                if queue.index >= len(queue.entries):
                    queue.slots_left -= 1
                    self.vacate(gap_after)
                    continue
                before = out[-1]
                value = queue.entries[queue.index]
                if lexical and self.spelled_further_on(queue, spec, value, index):
                    queue.slots_left -= 1
                    self.vacate(gap_after)  # this slot's entry is the one removed
                    continue
                if (special and str(index) in special) or not self.plain_leaf(entry, spec.order, fmt, value):
                    self.write_at_slot(spec, value, entry, index)
                queue.index += 1
                queue.slots_left -= 1
                if queue.slots_left == 0:
                    while queue.index < len(queue.entries):
                        self.write_new(spec, queue.entries[queue.index], self.copy_gap(before), after=True)
                        queue.index += 1
                out.append(gap_after)
            else:
                self.aligned_slot(queues[name], spec, index, gap_after, extension=False)
        # Values the layout has no slot for, then extensions beyond the last one read.
        if pending:
            self.place_leftovers(pending)
        if ext_queue.index < len(extensions):
            self.flush_at_end([(None, ext) for ext in extensions[ext_queue.index :]])

    def spelled_further_on(self, queue: _Queue, spec: FieldSpec, value: Any, index: int) -> bool:
        """Whether a leaf list lost an entry at slot ``index``: its own spelling no longer means
        ``value``, and the spelling of one of the next slots of the list (as many as entries were
        removed) does. Slots written canonically keep no spelling, so they cannot tell.
        """
        surplus = queue.slots_left - (len(queue.entries) - queue.index)
        lexical = self.info.lexical
        own = lexical.get(str(index))
        codec = spec.codec
        if surplus <= 0 or own is None or codec is None or codec.means(own, value):
            return False
        steps = self.plan.steps
        for later in range(index + 1, min(index + 1 + surplus, len(steps))):
            if steps[later][1] != spec.name or steps[later][2] != LEAF_LIST:
                return False
            spelled = lexical.get(str(later))
            if spelled is not None and codec.means(spelled, value):
                return True
        return False

    def aligned_slot(
        self, queue: _Queue, spec: FieldSpec | None, index: int, gap_after: str, extension: bool
    ) -> None:
        """Fill one slot of a model list or of the extensions (see the class docstring)."""
        out = self.w.out
        entries = queue.entries
        read = _always_read if extension else _is_read_model
        gap = out[-1]
        if not queue.started:
            # New entries before the first one read go before this slot's child.
            while queue.index < len(entries) and not read(entries[queue.index]):
                self.write_new(spec, entries[queue.index], self.copy_gap(gap), after=False)
                queue.index += 1
        if queue.index >= len(entries) or queue.read_left == 0:
            queue.slots_left -= 1
            self.vacate(gap_after)
            return
        entry = entries[queue.index]
        line = _line_of(entry) if self.tracking else None
        predicted = self.predicted_line() if line is not None else None
        if (
            queue.slots_left > queue.read_left
            and line is not None
            and predicted is not None
            and self.removed_here(queue, spec, entry, line - predicted, gap_after)
        ):
            queue.slots_left -= 1
            self.vacate(gap_after)
            return
        if line is not None and predicted is not None and line >= predicted:
            queue.spread = (line - predicted) / max(1, _start_tag_lines(entry))
            if line == predicted:
                queue.flat = max(queue.flat, _start_tag_length(entry))
        queue.started = True
        if extension:
            self.last_gap = gap
            start = len(out)
            self.w.write_extension(entry, self.scope)
            self.resync(entry, start)
        else:
            assert spec is not None
            self.write_at_slot(spec, entry, None, index)
        queue.index += 1
        queue.read_left -= 1
        queue.slots_left -= 1
        # New entries up to the next one read follow this one; for the extensions, only those that
        # come before a later one read (the others go last).
        while queue.index < len(entries) and not read(entries[queue.index]):
            if extension and queue.read_left == 0:
                break
            self.write_new(spec, entries[queue.index], self.copy_gap(gap), after=True)
            queue.index += 1
        if queue.slots_left == 0 and not extension:
            while queue.index < len(entries):
                self.write_new(spec, entries[queue.index], self.copy_gap(gap), after=True)
                queue.index += 1
        out.append(gap_after)

    def removed_here(
        self, queue: _Queue, spec: FieldSpec | None, entry: Any, below: int, gap_after: str
    ) -> bool:
        """Whether this slot's own child is the one removed, ``entry`` starting ``below`` lines lower.

        An entry's line is where its start tag ends, so it may lie below the slot's first line by
        as many lines as its start tag spans: at most one per attribute, and as many per attribute
        as the last entry placed in this list took (none if it was on one line, unless this tag is
        much longer than any this list had on one line). Without that to go by, the entry is taken
        to belong here (its tag spanning lines).
        """
        if below <= 0:
            return False
        lines = _start_tag_lines(entry)
        if below > lines:
            return True
        if queue.spread == 0:
            return _start_tag_length(entry) <= 1.2 * queue.flat
        if queue.spread is not None:
            return below > round(lines * queue.spread)
        return False

    def plain_leaf(self, qname: str, order: int, fmt: Callable[[Any], str] | None, value: Any) -> bool:
        """Write a leaf read without attributes or another lexical form; False to leave it to write_child."""
        if fmt is None:
            if not isinstance(value, str):
                return False
            text = value
        else:
            try:
                text = fmt(value)
            except (TypeError, ValueError):
                return False
        writer = self.w
        scope = self.scope
        if qname not in scope.names_ok:
            writer.check_name(qname)
            scope.uri_of(qname, element=True)
            scope.names_ok.add(qname)
        out = writer.out
        self.last_gap = gap = out[-1]
        if text:
            out.append(f"<{qname}>{writer.escape_text(text)}</{qname}>")
        else:
            out.append(f"<{qname}{writer.end_empty}")
        if self.pending:
            self.placed.append((order, len(out) - 1, len(out), gap))
        return True

    def write_at_slot(self, spec: FieldSpec, value: Any, qname: str | None, index: int) -> None:
        """Write one value in a laid-out slot (after the gap already written)."""
        out = self.w.out
        gap = out[-1]
        self.last_gap = gap
        start = len(out)
        if spec.codec is not None:
            self.w.write_child(self.model, spec, value, qname, index, self.scope, gap)
        else:
            self.w.write_child(
                self.model, spec, value, None, None, self.scope, gap, self.template(spec, value)
            )
            self.resync(value, start)
        self.placed.append((spec.order, start, len(out), gap))

    def template(self, spec: FieldSpec, value: Any) -> tuple[str, str] | None:
        """For a new model in a list: the inner layout of a neighbour of its kind read from the document."""
        if not isinstance(value, OvfModel) or value.xml is not None or not spec.is_list:
            return None
        for other in reversed(self.data[spec.name]):
            layout = other.xml if isinstance(other, OvfModel) and type(other) is type(value) else None
            if layout is not None and len(layout.gaps) >= 2:
                inner, closing = layout.gaps[0], layout.gaps[-1]
                if blank(inner) and blank(closing):
                    return inner, closing
        return None

    def write_new(self, spec: FieldSpec | None, value: Any, gap: str, after: bool) -> None:
        """Write a new child beside the last one: ``gap`` then the child, or the child then ``gap``."""
        out = self.w.out
        start = len(out)
        if after:
            out.append(gap)
        self.last_gap = gap
        if spec is None:
            self.w.write_extension(value, self.scope)
        else:
            begin = len(out)
            self.w.write_child(
                self.model, spec, value, None, None, self.scope, gap, self.template(spec, value)
            )
            self.placed.append((spec.order, begin, len(out), gap))
        if not after:
            out.append(gap)
        if self.sync_line is not None:
            self.new_lines += "".join(out[start:]).count("\n")

    def place_leftovers(self, pending: list[tuple[FieldSpec, list[Any]]]) -> None:
        """Insert the values of fields without a slot, each next to a child of a neighbouring field."""
        out = self.w.out
        inserts: list[tuple[int, int, list[str]]] = []  # (position, sequence, pieces)
        at_end: list[tuple[FieldSpec | None, Any]] = []
        for sequence, (spec, values) in enumerate(pending):
            earlier = [entry for entry in self.placed if entry[0] < spec.order]
            later = [entry for entry in self.placed if entry[0] > spec.order]
            pieces: list[str] = []
            if earlier:
                _, _, end, gap = max(earlier, key=lambda entry: entry[2])
                gap = self.copy_gap(gap)
                for value in values:
                    pieces += [gap, self.render_new(spec, value, gap)]
                inserts.append((end, sequence, pieces))
            elif later:
                _, start, _, gap = min(later, key=lambda entry: entry[1])
                gap = self.copy_gap(gap)
                for value in values:
                    pieces += [self.render_new(spec, value, gap), gap]
                inserts.append((start, sequence, pieces))
            else:
                at_end.extend((spec, value) for value in values)
        for position, _, pieces in sorted(inserts, key=lambda insert: (insert[0], insert[1]), reverse=True):
            out[position:position] = pieces
        if at_end:
            self.flush_at_end(at_end)

    def render_new(self, spec: FieldSpec, value: Any, gap: str) -> str:
        """A new child written on its own, to be inserted."""
        return self.w.render(
            lambda: self.w.write_child(
                self.model, spec, value, None, None, self.scope, gap, self.template(spec, value)
            )
        )

    def flush_at_end(self, items: list[tuple[FieldSpec | None, Any]]) -> None:
        """Write new children after the last one, before the end tag.

        Each gets the gap of the last child; an element that had no children gets its parent's
        indentation plus one unit, and its end tag its own indentation.
        """
        out = self.w.out
        final = out.pop()
        if self.last_gap is None and not final:
            final = inner_layout(self.indent, self.w.unit)[1]
        gap = self.copy_gap(self.last_gap)
        for spec, value in items:
            self.write_new(spec, value, gap, after=True)
        out.append(final)

    def leftovers(self, queues: dict[str, _Queue]) -> list[tuple[FieldSpec, list[Any]]]:
        """Typed values the layout has no slot for (new ones), per field in schema order.

        Scalar fields can only gain a value by assignment, which pydantic records in the model's
        fields set; list fields can grow in place, so each one is checked.
        """
        occurrences = self.plan.occurrences
        data = self.data
        found: list[tuple[FieldSpec, list[Any]]] = []
        for spec in self.binding.child_list_fields:
            if spec.name not in occurrences and data[spec.name]:
                found.append((spec, list(data[spec.name])))
        for name in self.model.__pydantic_fields_set__ & self.binding.child_scalar_names:
            if name not in occurrences and data[name] is not None:
                found.append((self.binding.child_by_name[name], [data[name]]))
        found.sort(key=lambda pair: pair[0].order)
        return found

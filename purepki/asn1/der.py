"""Strict DER decoding and encoding over pyasn1.

pyasn1's decoders accept BER forms that DER forbids (indefinite lengths,
long-form lengths for short values, padded integers). Signed data must be
DER, so :func:`decode` first checks every element of the input against the
rules of ITU-T X.690 section 10 and 11, then matches the element tree with
the pyasn1 schema so that a mismatch names the field, and only then lets
pyasn1 build the value. No pyasn1 exception escapes: each problem becomes a
:class:`~purepki.errors.DecodeError` with the byte offset and field path.

What is not checked: the ordering of SET OF elements (X.690 section 11.6)
and the omission of DEFAULT values (X.690 section 11.5). Both are common in
certificates that mainstream verifiers accept, and neither matters for
signature checks, which run over the bytes as received.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Callable, Optional

from pyasn1.codec.der import decoder as _pyasn1_decoder
from pyasn1.codec.der import encoder as _pyasn1_encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import univ

from purepki.errors import DecodeError, LimitExceeded

#: Largest input :func:`scan` accepts, in bytes. Certificates are a few
#: kilobytes; large CRLs reach some megabytes.
MAX_INPUT_SIZE = 16 * 1024 * 1024

#: Deepest nesting of constructed elements. X.509 structures nest about 12
#: levels deep (a directoryName inside a name constraint).
MAX_DEPTH = 64

#: Maximum number of arcs in one OBJECT IDENTIFIER. Registered OIDs have
#: fewer than 20.
MAX_OID_ARCS = 128

#: Maximum length of one encoded OID arc, in octets: 20 octets hold 140 bits,
#: enough for the 128-bit UUID arcs under 2.25 (ITU-T X.667).
MAX_OID_ARC_OCTETS = 20

CLASS_UNIVERSAL = 0
CLASS_APPLICATION = 1
CLASS_CONTEXT = 2
CLASS_PRIVATE = 3

_CLASS_NAMES = ("UNIVERSAL", "APPLICATION", "CONTEXT", "PRIVATE")

#: Names of the universal tags (X.680 section 8.4).
UNIVERSAL_NAMES = {
    1: "BOOLEAN",
    2: "INTEGER",
    3: "BIT STRING",
    4: "OCTET STRING",
    5: "NULL",
    6: "OBJECT IDENTIFIER",
    7: "ObjectDescriptor",
    8: "EXTERNAL",
    9: "REAL",
    10: "ENUMERATED",
    11: "EMBEDDED PDV",
    12: "UTF8String",
    13: "RELATIVE-OID",
    16: "SEQUENCE",
    17: "SET",
    18: "NumericString",
    19: "PrintableString",
    20: "TeletexString",
    21: "VideotexString",
    22: "IA5String",
    23: "UTCTime",
    24: "GeneralizedTime",
    25: "GraphicString",
    26: "VisibleString",
    27: "GeneralString",
    28: "UniversalString",
    29: "CHARACTER STRING",
    30: "BMPString",
}

# Universal types that DER encodes only in primitive form (X.690 section
# 10.2 for strings; the others have no constructed form at all).
_PRIMITIVE_ONLY = frozenset(
    {1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 13, *range(18, 31)}
)
_CONSTRUCTED_ONLY = frozenset({8, 11, 16, 17, 29})

_HIGH_OCTETS = bytes(range(0x80, 0x100))
_NON_MINIMAL_ARC = re.compile(rb"(?:^|[\x00-\x7f])\x80")
_LONG_ARC = re.compile(rb"[\x80-\xff]{%d,}" % MAX_OID_ARC_OCTETS)
_UTC_TIME = re.compile(rb"[0-9]{12}Z")
_GENERALIZED_TIME = re.compile(rb"[0-9]{14}(?:\.[0-9]*[1-9])?Z")
_OFFSET_TIME = re.compile(rb"([0-9]{10,14})(?:\.[0-9]+)?([+-][0-9]{4})")


class Node:
    """One DER element: its tag, where it sits, and its children.

    Attributes:
        tag_class: ``CLASS_UNIVERSAL`` to ``CLASS_PRIVATE``.
        constructed: Whether the element contains other elements.
        number: Tag number.
        offset: Offset of the first identifier octet.
        header_length: Octets of identifier and length.
        length: Octets of content.
        end: Offset just past the element.
        children: Child elements of a constructed element, else empty.
    """

    __slots__ = (
        "children",
        "constructed",
        "end",
        "header_length",
        "length",
        "number",
        "offset",
        "tag_class",
    )

    def __init__(
        self,
        tag_class: int,
        constructed: bool,
        number: int,
        offset: int,
        header_length: int,
        length: int,
    ) -> None:
        self.tag_class = tag_class
        self.constructed = constructed
        self.number = number
        self.offset = offset
        self.header_length = header_length
        self.length = length
        self.end = offset + header_length + length
        self.children: list[Node] = []

    @property
    def content_offset(self) -> int:
        """Offset of the first content octet."""
        return self.offset + self.header_length

    def content(self, data: bytes) -> bytes:
        """Return the content octets of this element within ``data``."""
        return data[self.content_offset : self.end]

    def describe(self) -> str:
        """Return the tag in ASN.1 notation (``[0]``, ``SEQUENCE``)."""
        return describe_tag(self.tag_class, self.number)

    def __repr__(self) -> str:
        return (
            f"Node({self.describe()}, offset={self.offset}, "
            f"length={self.length}, children={len(self.children)})"
        )


def describe_tag(tag_class: int, number: int) -> str:
    """Return a tag in ASN.1 notation: ``INTEGER``, ``[0]``,
    ``[APPLICATION 3]``."""
    if tag_class == CLASS_UNIVERSAL:
        return UNIVERSAL_NAMES.get(number, f"[UNIVERSAL {number}]")
    if tag_class == CLASS_CONTEXT:
        return f"[{number}]"
    return f"[{_CLASS_NAMES[tag_class]} {number}]"


class _ScanError(Exception):
    """A DER rule broken at ``offset``, with the open ancestors."""

    def __init__(
        self, reason: str, offset: int, stack: list[Node], limit: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset
        self.stack = stack
        self.limit = limit


def scan(
    data: bytes,
    *,
    allow_trailing: bool = False,
    max_size: int = MAX_INPUT_SIZE,
    max_depth: int = MAX_DEPTH,
) -> Node:
    """Check that ``data`` is one DER element and return its element tree.

    The checks: definite and minimal lengths, lengths within the input,
    minimal tag numbers, the primitive or constructed form that DER requires
    for each universal type, and the content rules of BOOLEAN, INTEGER,
    ENUMERATED, BIT STRING, NULL, OBJECT IDENTIFIER, UTF8String, BMPString,
    UniversalString, UTCTime and GeneralizedTime. Elements with other tags
    are checked only for their framing; :func:`decode` checks implicitly
    tagged values against their schema.

    Args:
        data: The encoded input.
        allow_trailing: Accept bytes after the first element; the caller
            finds where they start from the returned node's ``end``.
        max_size: Largest accepted input, in bytes.
        max_depth: Deepest accepted nesting.

    Raises:
        DecodeError: The input breaks a DER rule, without a field path.
        LimitExceeded: The input exceeds ``max_size`` or ``max_depth``.
    """
    try:
        return _scan(data, allow_trailing, max_size, max_depth)[0]
    except _ScanError as error:
        cls = LimitExceeded if error.limit else DecodeError
        raise cls(_malformed(error.reason), offset=error.offset) from None


def _malformed(reason: str) -> str:
    return f"malformed DER: {reason}"


def _scan(
    data: bytes, allow_trailing: bool, max_size: int, max_depth: int
) -> tuple[Node, bool]:
    """Scan ``data``; return the tree and whether it has a primitive
    element with a non-universal tag, whose content only the schema walk
    can check."""
    size = len(data)
    if size > max_size:
        reason = f"input of {size} bytes exceeds the limit of {max_size}"
        raise _ScanError(reason, 0, [], limit=True)
    if size == 0:
        raise _ScanError("input is empty", 0, [])

    stack: list[Node] = []
    root: Optional[Node] = None
    position = 0
    limit = size
    bad_forms = _BAD_UNIVERSAL_OCTETS
    checks = _CONTENT_CHECKS_BY_OCTET
    tagged_primitive = False
    while True:
        first = data[position] if position < limit else -1
        if first in bad_forms:
            _check_universal_form(
                first & 0x1F, bool(first & 0x20), position, stack
            )
        length = data[position + 1] if position + 1 < limit else 0x80
        if first & 0x1F != 0x1F and length < 0x80:
            # Fast path: a one-octet tag and a short-form length.
            if length > limit - position - 2:
                node = _read_header(data, position, limit, stack)
            node = Node(
                first >> 6,
                bool(first & 0x20),
                first & 0x1F,
                position,
                2,
                length,
            )
        else:
            node = _read_header(data, position, limit, stack)
        if stack:
            stack[-1].children.append(node)
        else:
            root = node
        if node.constructed:
            if len(stack) >= max_depth:
                reason = f"nesting deeper than {max_depth} levels"
                raise _ScanError(reason, node.offset, stack, limit=True)
            stack.append(node)
            position = node.offset + node.header_length
            limit = node.end
        else:
            if first & 0xC0:
                tagged_primitive = True
            checker = checks.get(first)
            if checker is not None:
                problem = checker(
                    data[position + node.header_length : node.end]
                )
                if problem is not None:
                    raise _ScanError(problem, node.offset, [*stack, node])
            position = node.end
        while stack and position == limit:
            stack.pop()
            limit = stack[-1].end if stack else size
        if not stack:
            break

    assert root is not None
    if position != size and not allow_trailing:
        reason = f"{size - position} bytes after the end of the element"
        raise _ScanError(reason, position, [])
    return root, tagged_primitive


def _read_header(
    data: bytes, position: int, limit: int, stack: list[Node]
) -> Node:
    start = position
    if position >= limit:
        raise _ScanError("element header is missing", position, stack)
    first = data[position]
    position += 1
    tag_class = first >> 6
    constructed = bool(first & 0x20)
    number = first & 0x1F
    if number == 0x1F:
        number, position = _read_high_tag(data, position, limit, stack)
        if tag_class == CLASS_UNIVERSAL:
            _check_universal_form(number, constructed, start, stack)

    if position >= limit:
        raise _ScanError("length octets are missing", start, stack)
    length_octet = data[position]
    position += 1
    if length_octet == 0x80:
        reason = "indefinite length (BER) is not allowed in DER"
        raise _ScanError(reason, start, stack)
    if length_octet == 0xFF:
        raise _ScanError("length octet 0xFF is reserved", start, stack)
    if length_octet < 0x80:
        length = length_octet
    else:
        count = length_octet & 0x7F
        if position + count > limit:
            raise _ScanError("length octets are truncated", start, stack)
        encoded = data[position : position + count]
        position += count
        length = int.from_bytes(encoded, "big")
        if encoded[0] == 0 or length < 0x80:
            reason = f"length {length} is not in its shortest form"
            raise _ScanError(reason, start, stack)

    available = limit - position
    if length > available:
        reason = (
            f"length {length} exceeds the {available} bytes available "
            "(truncated input?)"
        )
        raise _ScanError(reason, start, stack)
    return Node(
        tag_class, constructed, number, start, position - start, length
    )


def _read_high_tag(
    data: bytes, position: int, limit: int, stack: list[Node]
) -> tuple[int, int]:
    start = position - 1
    number = 0
    for count in range(5):
        if position >= limit:
            raise _ScanError("tag number is truncated", start, stack)
        octet = data[position]
        position += 1
        if count == 0 and octet == 0x80:
            reason = "tag number is not in its shortest form"
            raise _ScanError(reason, start, stack)
        number = (number << 7) | (octet & 0x7F)
        if not octet & 0x80:
            break
    else:
        raise _ScanError("tag number is too large", start, stack)
    if number < 0x1F:
        reason = f"tag number {number} must use the one-octet form"
        raise _ScanError(reason, start, stack)
    return number, position


def _check_universal_form(
    number: int, constructed: bool, offset: int, stack: list[Node]
) -> None:
    if number == 0:
        reason = "end-of-contents octets are not allowed in DER"
        raise _ScanError(reason, offset, stack)
    name = UNIVERSAL_NAMES.get(number, f"universal tag {number}")
    if constructed and number in _PRIMITIVE_ONLY:
        reason = f"{name} must use the primitive form in DER"
        raise _ScanError(reason, offset, stack)
    if not constructed and number in _CONSTRUCTED_ONLY:
        raise _ScanError(f"{name} must be constructed", offset, stack)


def check_content(number: int, content: bytes) -> Optional[str]:
    """Check the content octets of a primitive universal type.

    Args:
        number: The universal tag number of the type.
        content: The content octets.

    Returns:
        ``None`` when the content is valid DER, else the reason it is not.
    """
    checker = _CONTENT_CHECKS.get(number)
    if checker is None:
        return None
    return checker(content)


def _check_boolean(content: bytes) -> Optional[str]:
    if len(content) != 1:
        return f"BOOLEAN has {len(content)} content octets, expected 1"
    if content not in (b"\x00", b"\xff"):
        return f"BOOLEAN must be 00 or FF in DER, found {content.hex()}"
    return None


def _check_integer(content: bytes) -> Optional[str]:
    if not content:
        return "INTEGER has no content octets"
    if len(content) > 1:
        padded_zero = content[0] == 0 and content[1] < 0x80
        padded_ones = content[0] == 0xFF and content[1] >= 0x80
        if padded_zero or padded_ones:
            return (
                "INTEGER is not in its shortest form "
                f"(starts {content[:2].hex()})"
            )
    return None


def _check_bit_string(content: bytes) -> Optional[str]:
    if not content:
        return "BIT STRING has no content octets"
    unused = content[0]
    if unused > 7:
        return f"BIT STRING declares {unused} unused bits, at most 7"
    if len(content) == 1 and unused:
        return "empty BIT STRING declares unused bits"
    if unused and content[-1] & ((1 << unused) - 1):
        return "BIT STRING has nonzero unused bits"
    return None


def _check_null(content: bytes) -> Optional[str]:
    if content:
        return f"NULL has {len(content)} content octets, expected 0"
    return None


def _check_oid(content: bytes) -> Optional[str]:
    if not content:
        return "OBJECT IDENTIFIER has no content octets"
    if content[-1] & 0x80:
        return "OBJECT IDENTIFIER ends inside an arc"
    arcs = len(content.translate(None, _HIGH_OCTETS)) + 1
    if arcs > MAX_OID_ARCS:
        return (
            f"OBJECT IDENTIFIER has {arcs} arcs, more than the limit of "
            f"{MAX_OID_ARCS}"
        )
    if _NON_MINIMAL_ARC.search(content):
        return "OBJECT IDENTIFIER arc is not in its shortest form"
    if _LONG_ARC.search(content):
        return (
            f"OBJECT IDENTIFIER arc is longer than {MAX_OID_ARC_OCTETS} octets"
        )
    return None


def _check_utf8(content: bytes) -> Optional[str]:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"UTF8String is not valid UTF-8 at octet {error.start}"
    return None


def _check_ia5(content: bytes) -> Optional[str]:
    if not content.isascii():
        position = next(i for i, octet in enumerate(content) if octet > 0x7F)
        return (
            f"IA5String holds octet {content[position]:#04x} at position "
            f"{position}; IA5String is 7-bit ASCII (X.680 section 41)"
        )
    return None


def _check_bmp(content: bytes) -> Optional[str]:
    if len(content) % 2:
        return (
            f"BMPString has an odd length ({len(content)} octets); "
            "it holds 2-octet UTF-16BE code units"
        )
    return None


def _check_universal_string(content: bytes) -> Optional[str]:
    if len(content) % 4:
        return (
            f"UniversalString length {len(content)} is not a multiple of "
            "4; it holds 4-octet UTF-32BE characters"
        )
    return None


def _check_utc_time(content: bytes) -> Optional[str]:
    if not _UTC_TIME.fullmatch(content):
        return (
            "UTCTime must be YYMMDDHHMMSSZ in DER (X.690 section 11.8, "
            f"RFC 5280 section 4.1.2.5.1), found {_show_time(content)}"
        )
    year = int(content[0:2])
    year += 1900 if year >= 50 else 2000
    return _check_calendar(b"%d" % year + content[2:12], "UTCTime", content)


def _check_generalized_time(content: bytes) -> Optional[str]:
    if not _GENERALIZED_TIME.fullmatch(content):
        return (
            "GeneralizedTime must be YYYYMMDDHHMMSS[.fff]Z in DER (X.690 "
            f"section 11.7), found {_show_time(content)}"
        )
    return _check_calendar(content[:14], "GeneralizedTime", content)


def _check_calendar(digits: bytes, kind: str, content: bytes) -> Optional[str]:
    try:
        _parse_digits(digits)
    except ValueError:
        return f"{kind} {_show_time(content)} is not a valid date and time"
    return None


def _parse_digits(digits: bytes) -> datetime.datetime:
    """Parse YYYYMMDDHHMMSS digits as a UTC time."""
    return datetime.datetime(
        int(digits[0:4]),
        int(digits[4:6]),
        int(digits[6:8]),
        int(digits[8:10]),
        int(digits[10:12]),
        int(digits[12:14]),
        tzinfo=datetime.timezone.utc,
    )


def _show_time(content: bytes) -> str:
    """Quote a time value, and give its UTC reading when it has an offset."""
    text = content.decode("ascii", "backslashreplace")
    match = _OFFSET_TIME.fullmatch(content)
    if match is None or len(match.group(1)) not in (12, 14):
        return repr(text)
    digits, zone = match.group(1), match.group(2)
    if len(digits) == 12:
        year = int(digits[0:2])
        digits = b"%d" % (year + (1900 if year >= 50 else 2000)) + digits[2:]
    try:
        local = _parse_digits(digits)
    except ValueError:
        return repr(text)
    sign = 1 if zone[:1] == b"+" else -1
    shift = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    utc = local - sign * shift
    return f"{text!r} (which is {utc:%Y-%m-%d %H:%M:%S}Z)"


_CONTENT_CHECKS: dict[int, Callable[[bytes], Optional[str]]] = {
    1: _check_boolean,
    2: _check_integer,
    3: _check_bit_string,
    5: _check_null,
    6: _check_oid,
    10: _check_integer,
    12: _check_utf8,
    22: _check_ia5,
    23: _check_utc_time,
    24: _check_generalized_time,
    28: _check_universal_string,
    30: _check_bmp,
}

# The same checks keyed by the identifier octet of a primitive universal
# element, and the identifier octets of universal elements in a form DER
# forbids, so the scanner tests each element with one lookup.
_CONTENT_CHECKS_BY_OCTET = dict(_CONTENT_CHECKS)
_BAD_UNIVERSAL_OCTETS = frozenset(
    {0x00, 0x20}
    | {number | 0x20 for number in _PRIMITIVE_ONLY}
    | {number for number in _CONSTRUCTED_ONLY}
)


# --- Matching the element tree with a pyasn1 schema -----------------------
#
# A schema is compiled once into a _Plan: the explicit tag wrappers, the
# element's own tag, and the plans of its fields, elements or alternatives.
# Plans of nested schema objects are cached by object identity (the cache
# holds the objects, so an identity is never reused); the plan of the
# top-level schema, which callers create per call, is built fresh.

_ANY, _CHOICE, _FIELDS, _ELEMENTS, _PRIMITIVE = range(5)


class _Field:
    __slots__ = ("name", "optional", "plan")

    def __init__(self, name: str, plan: _Plan, optional: bool) -> None:
        self.name = name
        self.plan = plan
        self.optional = optional


class _Plan:
    __slots__ = (
        "alternatives",
        "content_number",
        "element",
        "fields",
        "kind",
        "own",
        "wrappers",
    )

    def __init__(self) -> None:
        self.kind = _ANY
        self.wrappers: tuple[tuple[int, int], ...] = ()
        self.own: Optional[tuple[int, int]] = None
        self.fields: tuple[_Field, ...] = ()
        self.element: Optional[_Plan] = None
        self.alternatives: tuple[tuple[str, _Plan], ...] = ()
        self.content_number: Optional[int] = None

    def accepts(self, tag: tuple[int, int]) -> bool:
        """Tell whether an element with ``tag`` can start this value."""
        if self.wrappers:
            return self.wrappers[0] == tag
        if self.own is not None:
            return self.own == tag
        if self.kind == _CHOICE:
            return any(plan.accepts(tag) for _, plan in self.alternatives)
        return True

    def expected(self) -> str:
        """Describe the tags this value can start with."""
        first = self.wrappers[0] if self.wrappers else self.own
        if first is not None:
            return describe_tag(*first)
        if self.kind == _CHOICE:
            return " or ".join(
                plan.expected() for _, plan in self.alternatives
            )
        return "any element"


_PLANS: dict[int, tuple[Any, _Plan]] = {}


def _plan_of(schema: Any) -> _Plan:
    cached = _PLANS.get(id(schema))
    if cached is not None:
        return cached[1]
    plan = _Plan()
    _PLANS[id(schema)] = (schema, plan)
    _fill_plan(plan, schema)
    return plan


def _fill_plan(plan: _Plan, schema: Any) -> None:
    tags = tuple((t.tagClass >> 6, t.tagId) for t in schema.tagSet.superTags)
    if isinstance(schema, (univ.Choice, univ.Any)):
        plan.wrappers = tuple(reversed(tags))
        if isinstance(schema, univ.Choice):
            plan.kind = _CHOICE
            plan.alternatives = tuple(
                (named.name, _plan_of(named.asn1Object))
                for named in schema.componentType.namedTypes
            )
        return
    plan.wrappers = tuple(reversed(tags[1:]))
    plan.own = tags[0]
    if isinstance(schema, (univ.SequenceOf, univ.SetOf)):
        plan.kind = _ELEMENTS
        plan.element = _plan_of(schema.componentType)
    elif isinstance(schema, (univ.Sequence, univ.Set)):
        plan.kind = _FIELDS
        plan.fields = tuple(
            _Field(
                named.name,
                _plan_of(named.asn1Object),
                bool(named.isOptional or named.isDefaulted),
            )
            for named in schema.componentType.namedTypes
        )
    else:
        plan.kind = _PRIMITIVE
        base = schema.tagSet.baseTag
        if base.tagClass == 0 and tags[0][0] != CLASS_UNIVERSAL:
            plan.content_number = base.tagId


def _root_plan(schema: Any) -> _Plan:
    plan = _Plan()
    _fill_plan(plan, schema)
    return plan


class _SchemaMismatch(Exception):
    def __init__(
        self, reason: str, node: Node, path: Optional[str] = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.node = node
        self.path = path


def _join(path: Optional[str], name: str) -> Optional[str]:
    if path is None:
        return None
    return f"{path}.{name}" if path else name


def _pair_fields(
    plan: _Plan, children: list[Node], path: Optional[str]
) -> tuple[list[tuple[_Plan, Optional[str]]], int]:
    """Pair the children of a SEQUENCE or SET with the plan's fields.

    Returns the (plan, path) of each child and the number of fields up to
    the last one matched. Raises :class:`_SchemaMismatch` for a required
    field that a child skips or a child after the last field; does not
    check that required fields after the last child are present.
    """
    fields = plan.fields
    pairs: list[tuple[_Plan, Optional[str]]] = []
    index = 0
    for child in children:
        tag = (child.tag_class, child.number)
        while index < len(fields):
            field = fields[index]
            index += 1
            if field.plan.accepts(tag):
                pairs.append((field.plan, _join(path, field.name)))
                break
            if not field.optional:
                reason = (
                    f"expected {field.plan.expected()} for field "
                    f"'{field.name}', found {child.describe()}"
                )
                raise _SchemaMismatch(reason, child, _join(path, field.name))
        else:
            reason = f"unexpected {child.describe()} after the last field"
            raise _SchemaMismatch(reason, child)
    return pairs, index


def _check_required(
    plan: _Plan, node: Node, matched: int, path: Optional[str]
) -> None:
    for field in plan.fields[matched:]:
        if not field.optional:
            reason = f"required field '{field.name}' is missing"
            raise _SchemaMismatch(reason, node, _join(path, field.name))


def _walk(
    plan: _Plan,
    node: Node,
    data: bytes,
    path: Optional[str],
    where: list[Optional[str]],
) -> None:
    """Check ``node`` against ``plan``; raise :class:`_SchemaMismatch`.

    With a ``path``, records the path of the element being checked in
    ``where[0]``, so a mismatch can be located; without one the walk
    builds no strings.
    """
    if path is not None:
        where[0] = path
    for wrapper in plan.wrappers:
        if wrapper != (node.tag_class, node.number):
            reason = (
                f"expected {describe_tag(*wrapper)}, found {node.describe()}"
            )
            raise _SchemaMismatch(reason, node)
        if not node.constructed or len(node.children) != 1:
            reason = f"explicit tag {node.describe()} must hold one element"
            raise _SchemaMismatch(reason, node)
        node = node.children[0]

    kind = plan.kind
    if kind == _ANY:
        return
    tag = (node.tag_class, node.number)
    if kind == _CHOICE:
        for _, alternative in plan.alternatives:
            if alternative.accepts(tag):
                _walk(alternative, node, data, path, where)
                return
        reason = f"expected {plan.expected()}, found {node.describe()}"
        raise _SchemaMismatch(reason, node)

    if plan.own != tag:
        assert plan.own is not None
        reason = f"expected {describe_tag(*plan.own)}, found {node.describe()}"
        raise _SchemaMismatch(reason, node)
    if (kind != _PRIMITIVE) != node.constructed:
        form = "primitive" if kind == _PRIMITIVE else "constructed"
        raise _SchemaMismatch(f"{node.describe()} must be {form}", node)
    if kind == _PRIMITIVE:
        if plan.content_number is not None:
            problem = check_content(plan.content_number, node.content(data))
            if problem is not None:
                raise _SchemaMismatch(_malformed(problem), node)
        return

    if kind == _ELEMENTS:
        element = plan.element
        assert element is not None
        for index, child in enumerate(node.children):
            child_path = None if path is None else f"{path}[{index}]"
            _walk(element, child, data, child_path, where)
        return
    pairs, matched = _pair_fields(plan, node.children, path)
    _check_required(plan, node, matched, path)
    for (child_plan, child_path), child in zip(pairs, node.children):
        _walk(child_plan, child, data, child_path, where)
        if path is not None:
            where[0] = path


def _resolve_path(schema: Any, stack: list[Node]) -> str:
    """Name the field of the innermost node of ``stack``.

    ``stack`` runs from the outermost element to the one at fault, each
    the child of the one before; every element but the last may be
    incomplete, with the children read so far. Stops at the first level
    the schema cannot explain.
    """
    plan = _root_plan(schema)
    path = ""
    depth = 0
    last = len(stack) - 1
    try:
        while depth < last:
            # Each explicit tag wrapper is one element of the stack.
            skip = len(plan.wrappers)
            if depth + skip >= last:
                return path
            depth += skip
            node = stack[depth]
            tag = (node.tag_class, node.number)
            if plan.kind == _CHOICE:
                plan = next(
                    alt for _, alt in plan.alternatives if alt.accepts(tag)
                )
                continue
            if plan.kind in (_ANY, _PRIMITIVE):
                return path
            position = node.children.index(stack[depth + 1])
            if plan.kind == _ELEMENTS:
                assert plan.element is not None
                plan, path = plan.element, f"{path}[{position}]"
            else:
                pairs, _ = _pair_fields(plan, node.children, path)
                plan, next_path = pairs[position]
                path = next_path or ""
            depth += 1
    except (_SchemaMismatch, StopIteration, IndexError, ValueError):
        return path
    return path


def decode(
    data: bytes,
    schema: Any,
    *,
    source: str = "",
    max_size: int = MAX_INPUT_SIZE,
) -> Any:
    """Decode DER ``data`` as ``schema``, accepting nothing but exact DER.

    Args:
        data: The encoded value; the whole input must be one element.
        schema: A pyasn1 type instance, such as ``rfc5280.Certificate()``.
        source: File name or description shown in errors.
        max_size: Largest accepted input, in bytes.

    Returns:
        The pyasn1 value. ANY fields stay undecoded octets.

    Raises:
        DecodeError: The input breaks a DER rule or does not match the
            schema; the error names the offset and the field path.
        LimitExceeded: The input exceeds a safety limit.
    """
    return decode_with_tree(data, schema, source=source, max_size=max_size)[0]


def _scan_for_schema(
    data: bytes, schema: Any, source: str, max_size: int
) -> tuple[Node, bool]:
    try:
        return _scan(data, False, max_size, MAX_DEPTH)
    except _ScanError as error:
        cls = LimitExceeded if error.limit else DecodeError
        path = _resolve_path(schema, error.stack)
        raise cls(
            _malformed(error.reason),
            offset=error.offset,
            path=path,
            source=source,
        ) from None


def _check_schema(schema: Any, root: Node, data: bytes, source: str) -> None:
    plan = _root_plan(schema)
    try:
        _walk(plan, root, data, None, [None])
    except _SchemaMismatch:
        # Walk again, recording paths, to name the field at fault.
        where: list[Optional[str]] = [""]
        try:
            _walk(plan, root, data, "", where)
        except _SchemaMismatch as error:
            reason = error.reason
            if not reason.startswith("malformed DER"):
                reason = _malformed(reason)
            raise DecodeError(
                reason,
                offset=error.node.offset,
                path=error.path or where[0] or "",
                source=source,
            ) from None
        raise AssertionError("schema walk is not repeatable") from None


def decode_tree(
    data: bytes,
    schema: Any,
    *,
    source: str = "",
    max_size: int = MAX_INPUT_SIZE,
) -> Node:
    """Check ``data`` against the DER rules and ``schema``; return the tree.

    Performs every check of :func:`decode` except building the pyasn1
    value, for callers that need the element offsets.
    """
    data = bytes(data)
    root, _ = _scan_for_schema(data, schema, source, max_size)
    _check_schema(schema, root, data, source)
    return root


def _pyasn1_decode(data: bytes, schema: Any, source: str) -> Any:
    try:
        value, rest = _pyasn1_decoder.decode(data, asn1Spec=schema)
    except (PyAsn1Error, ValueError, TypeError, IndexError) as error:
        detail = str(error).rsplit(": ", 1)[-1][:200]
        reason = _malformed(f"value does not fit its type ({detail})")
        raise DecodeError(reason, source=source) from None
    if rest:
        reason = _malformed(f"{len(rest)} bytes after the end of the element")
        raise DecodeError(reason, offset=len(data) - len(rest), source=source)
    return value


def encode(value: Any) -> bytes:
    """Encode a pyasn1 value as DER.

    Raises:
        ValueError: The value is incomplete (a required field unset) or
            breaks a constraint of its type.
    """
    try:
        return bytes(_pyasn1_encoder.encode(value))
    except PyAsn1Error as error:
        # pyasn1 nests the repr of every enclosing value in its message;
        # keep the innermost reason only.
        reason = str(error).rsplit(": ", 1)[-1][:200]
        name = type(value).__name__
        raise ValueError(f"cannot encode {name} as DER: {reason}") from None


def decode_with_tree(
    data: bytes,
    schema: Any,
    *,
    source: str = "",
    max_size: int = MAX_INPUT_SIZE,
) -> tuple[Any, Node]:
    """Decode like :func:`decode` and also return the element tree, whose
    offsets locate each field's bytes as received.

    pyasn1 rejects every structural mismatch with the schema (a missing or
    extra field, a wrong tag, an explicit tag around two elements), so the
    schema walk runs before the pyasn1 decode only when the input has
    implicitly tagged primitive elements, whose content rules only the
    walk checks; otherwise it runs after a failed pyasn1 decode, to name
    the offset and field at fault.
    """
    data = bytes(data)
    root, tagged_primitive = _scan_for_schema(data, schema, source, max_size)
    if tagged_primitive:
        _check_schema(schema, root, data, source)
    try:
        value = _pyasn1_decode(data, schema, source)
    except DecodeError:
        _check_schema(schema, root, data, source)
        raise
    return value, root


def encode_length(length: int) -> bytes:
    """Encode a DER length (X.690 section 10.1: the shortest form)."""
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def encode_tlv(identifier: int, content: bytes) -> bytes:
    """Encode one element from its identifier octet and content octets."""
    return bytes([identifier]) + encode_length(len(content)) + content


def encode_sequence(*parts: bytes) -> bytes:
    """Encode a SEQUENCE of already encoded elements."""
    return encode_tlv(0x30, b"".join(parts))


def encode_integer(value: int) -> bytes:
    """Encode an INTEGER in its shortest two's-complement form."""
    size = (value + (value < 0)).bit_length() // 8 + 1
    return encode_tlv(0x02, value.to_bytes(size, "big", signed=True))

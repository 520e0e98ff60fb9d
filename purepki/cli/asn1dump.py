"""``asn1 FILE``: an annotated DER dump for learners.

Each element gets one line: its offset, header and content lengths, tag
class and number, form, type, the field name from the ASN.1 module that
defines the structure (``tbsCertificate.subject``) and its value, with OID
display names. Field names come from walking the element tree of
:func:`purepki.asn1.der.scan` alongside the compiled schema plan that the
strict decoder uses. Where the bytes and the schema part ways, the dump
goes on without field names. DER held inside an OCTET STRING or BIT STRING
(extension values, public keys, ECDSA signatures) is dumped too, marked
as encapsulated.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import Any, Optional

from pyasn1_modules import (
    rfc2986,
    rfc5208,
    rfc5280,
    rfc5652,
    rfc5915,
    rfc5958,
    rfc7292,
    rfc8017,
)

from purepki._record import dataclass, replace
from purepki.asn1 import der
from purepki.asn1.oids import PublicKeyOID, display_name
from purepki.cli.common import EXIT_OK, note, out
from purepki.cli.loading import read_file
from purepki.errors import DecodeError
from purepki.files import (
    PKCS1,
    PKCS8,
    SEC1,
    SPKI,
    Element,
    Kind,
    decode_oid,
    read_elements,
)

_CLASSES = ("UNIV", "APPL", "CTX", "PRIV")

#: Encapsulated structures, by the algorithm or extension OID next to them.
_KEY_SCHEMAS: dict[str, Any] = {
    PublicKeyOID.RSA_ENCRYPTION: rfc8017.RSAPublicKey(),
}
_PRIVATE_SCHEMAS: dict[str, Any] = {
    PublicKeyOID.RSA_ENCRYPTION: rfc8017.RSAPrivateKey(),
    PublicKeyOID.EC_PUBLIC_KEY: rfc5915.ECPrivateKey(),
}
_EXTENSION_SCHEMAS = {
    str(oid): schema
    for oid, schema in rfc5280.certificateExtensionsMap.items()
}

_STRING_CODECS = {
    12: "utf-8",
    18: "ascii",
    19: "ascii",
    20: "latin-1",
    22: "ascii",
    26: "ascii",
    28: "utf-32-be",
    30: "utf-16-be",
}
_MAX_HEX = 16


def schema_for(element: Element) -> Optional[Any]:
    """Return the pyasn1 schema of an element, or ``None`` when unknown."""
    kind, structure = element.kind, element.structure
    if kind in (Kind.CERTIFICATE, Kind.TRUSTED_CERTIFICATE):
        return rfc5280.Certificate()
    if kind is Kind.CSR:
        return rfc2986.CertificationRequest()
    if kind is Kind.CRL:
        return rfc5280.CertificateList()
    if kind is Kind.PRIVATE_KEY:
        if structure == PKCS1:
            return rfc8017.RSAPrivateKey()
        if structure == SEC1:
            return rfc5915.ECPrivateKey()
        return rfc5958.OneAsymmetricKey()
    if kind is Kind.ENCRYPTED_PRIVATE_KEY and structure == PKCS8:
        return rfc5208.EncryptedPrivateKeyInfo()
    if kind is Kind.PUBLIC_KEY:
        if structure == SPKI:
            return rfc5280.SubjectPublicKeyInfo()
        return rfc8017.RSAPublicKey()
    if kind is Kind.PKCS7:
        return rfc5652.ContentInfo()
    if kind is Kind.PKCS12:
        return rfc7292.PFX()
    return None


@dataclass(frozen=True)
class Row:
    """One line of the dump."""

    node: der.Node
    depth: int
    field: str
    value: str


class Dumper:
    """Walk one element tree with its schema plan and collect rows."""

    def __init__(self, data: bytes, base: int = 0) -> None:
        self.data = data
        self.base = base
        self.rows: list[Row] = []

    # --- Rows ----------------------------------------------------------------

    def emit(
        self,
        node: der.Node,
        depth: int,
        field: str,
        implicit: Optional[int] = None,
    ) -> None:
        """Add a row; ``implicit`` is the universal type of an implicitly
        tagged primitive value, from the schema."""
        value = self.value(node, field, implicit)
        self.rows.append(Row(node, depth, field, value))

    def value(
        self, node: der.Node, field: str, implicit: Optional[int]
    ) -> str:
        if node.constructed:
            return ""
        content = node.content(self.data)
        if node.tag_class == der.CLASS_UNIVERSAL:
            return _universal_value(node.number, content, field)
        if implicit == 4:
            return _implicit_octets(content, field)
        if implicit is not None:
            return _universal_value(implicit, content, field)
        return _hex(content)

    # --- Walking -------------------------------------------------------------

    def generic(self, node: der.Node, depth: int, field: str = "") -> None:
        """Dump ``node`` and its children without a schema."""
        self.emit(node, depth, field)
        for child in node.children:
            self.generic(child, depth + 1)
        self.encapsulated(node, depth, None, None)

    def walk(
        self,
        plan: Any,
        node: der.Node,
        depth: int,
        path: str,
        label: str,
        parent: Optional[der.Node] = None,
    ) -> None:
        """Dump ``node`` as the value of ``plan`` at field ``path``;
        ``parent`` is the SEQUENCE that contains the field."""
        for wrapper in plan.wrappers:
            if wrapper != (node.tag_class, node.number) or (
                len(node.children) != 1
            ):
                self.generic(node, depth, label)
                return
            self.emit(node, depth, f"{label} (explicit tag)")
            node, depth = node.children[0], depth + 1
        kind = plan.kind
        if kind == der._CHOICE:
            tag = (node.tag_class, node.number)
            for name, alternative in plan.alternatives:
                if alternative.accepts(tag):
                    self.walk(
                        alternative,
                        node,
                        depth,
                        path,
                        f"{label} ({name})",
                        parent,
                    )
                    return
            self.generic(node, depth, label)
            return
        if kind == der._ANY:
            self.generic(node, depth, label)
            return
        if plan.own != (node.tag_class, node.number):
            self.generic(node, depth, label)
            return
        self.emit(node, depth, label, plan.content_number)
        if kind == der._PRIMITIVE:
            self.encapsulated(node, depth, path, parent)
        elif kind == der._ELEMENTS:
            for index, child in enumerate(node.children):
                child_path = f"{path}[{index}]"
                self.walk(
                    plan.element, child, depth + 1, child_path, child_path
                )
        else:
            self.fields(plan, node, depth, path)

    def fields(self, plan: Any, node: der.Node, depth: int, path: str) -> None:
        try:
            pairs, _ = der._pair_fields(plan, node.children, path)
        except der._SchemaMismatch:
            for child in node.children:
                self.generic(child, depth + 1)
            return
        for (child_plan, child_path), child in zip(pairs, node.children):
            name = child_path or ""
            self.walk(child_plan, child, depth + 1, name, name, node)
        for child in node.children[len(pairs) :]:
            self.generic(child, depth + 1)

    # --- Encapsulated DER ----------------------------------------------------

    def encapsulated(
        self,
        node: der.Node,
        depth: int,
        path: Optional[str],
        parent: Optional[der.Node],
    ) -> None:
        """Dump DER held in an OCTET STRING or BIT STRING."""
        if node.tag_class != der.CLASS_UNIVERSAL or node.number not in (3, 4):
            return
        start = node.content_offset + (1 if node.number == 3 else 0)
        if node.number == 3 and self.data[node.content_offset : start] != (
            b"\x00"
        ):
            return
        inner = self.data[start : node.end]
        schema = self.encapsulated_schema(node, path, parent)
        if not inner or (schema is None and inner[0] not in (0x30, 0x31)):
            return
        try:
            tree = der.scan(inner)
        except DecodeError:
            return
        dumper = Dumper(inner, self.base + start)
        title = f"(encapsulated in {path or 'the string above'})"
        if schema is None:
            dumper.generic(tree, depth + 1, title)
        else:
            plan = der._root_plan(schema)
            name = type(schema).__name__
            dumper.walk(plan, tree, depth + 1, name, f"{name} {title}")
        self.rows.extend(dumper.shifted())

    def encapsulated_schema(
        self, node: der.Node, path: Optional[str], parent: Optional[der.Node]
    ) -> Optional[Any]:
        if not path or parent is None:
            return None
        oid = self.sibling_oid(node, parent)
        if path.endswith("extnValue"):
            schema = _EXTENSION_SCHEMAS.get(oid)
        elif path.endswith("subjectPublicKey"):
            schema = _KEY_SCHEMAS.get(oid)
        elif path.endswith("privateKey"):
            schema = _PRIVATE_SCHEMAS.get(oid)
        else:
            schema = None
        return schema

    def sibling_oid(self, node: der.Node, parent: der.Node) -> str:
        """Return the OID that names ``node``'s content: a sibling OID
        (an extension's extnID), or the first OID of a sibling SEQUENCE
        (an AlgorithmIdentifier)."""
        for sibling in parent.children:
            if sibling is node:
                break
            found = sibling
            if found.number == 16 and found.children:
                found = found.children[0]
            if found.tag_class == der.CLASS_UNIVERSAL and found.number == 6:
                return decode_oid(found.content(self.data))
        return ""

    def shifted(self) -> list[Row]:
        """Return the rows with offsets relative to the outer input."""
        return [
            replace(row, node=_moved(row.node, self.base)) for row in self.rows
        ]


def _moved(node: der.Node, base: int) -> der.Node:
    if base == 0:
        return node
    moved = der.Node(
        node.tag_class,
        node.constructed,
        node.number,
        node.offset + base,
        node.header_length,
        node.length,
    )
    return moved


# --- Values ------------------------------------------------------------------


def _hex(content: bytes) -> str:
    shown = content[:_MAX_HEX].hex(" ")
    more = f" ... ({len(content)} octets)" if len(content) > _MAX_HEX else ""
    return shown + more


def _implicit_octets(content: bytes, field: str) -> str:
    """Show an implicitly tagged string: an address for ``iPAddress``,
    text when every octet is printable ASCII (IA5String names), else hex.

    The schema plan records only the OCTET STRING base of string types,
    so printable content is the sign of a string.
    """
    if "(iPAddress)" in field and len(content) in (4, 16):
        import ipaddress

        return str(ipaddress.ip_address(content))
    if content and all(0x20 <= octet < 0x7F for octet in content):
        return repr(content.decode("ascii"))
    return _hex(content)


def _universal_value(number: int, content: bytes, field: str) -> str:
    if number == 1:
        return "TRUE" if content == b"\xff" else "FALSE"
    if number in (2, 10):
        return _integer(content, field)
    if number == 3:
        unused = content[0] if content else 0
        return f"unused bits {unused}; {_hex(content[1:])}"
    if number == 5:
        return "NULL"
    if number == 6:
        dotted = decode_oid(content)
        name = display_name(dotted)
        return dotted if name == dotted else f"{dotted} ({name})"
    if number in (23, 24):
        return _time(number, content)
    codec = _STRING_CODECS.get(number)
    if codec is not None:
        return repr(content.decode(codec, errors="replace"))
    return _hex(content)


def _integer(content: bytes, field: str) -> str:
    value = int.from_bytes(content, "big", signed=True)
    if field.endswith("version") and 0 <= value <= 2:
        return f"{value} (v{value + 1})"
    if value.bit_length() <= 64:
        return f"{value} ({value:#x})" if abs(value) > 9 else str(value)
    return f"{_hex(content)} ({value.bit_length()} bits)"


def _time(number: int, content: bytes) -> str:
    text = content.decode("ascii", errors="replace")
    try:
        if number == 23:
            moment = datetime.datetime.strptime(text, "%y%m%d%H%M%SZ")
            if moment.year >= 2050:
                moment = moment.replace(year=moment.year - 100)
        else:
            moment = datetime.datetime.strptime(text[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return repr(text)
    return f"{text} ({moment.isoformat()}Z)"


# --- Output ------------------------------------------------------------------


def _type_name(node: der.Node) -> str:
    return node.describe()


def format_rows(rows: list[Row]) -> list[str]:
    """Format dump rows as aligned text lines."""
    lines = [
        "offset  hdr+len    class    form  type" + " " * 31 + "field: value",
    ]
    for row in rows:
        node = row.node
        form = "cons" if node.constructed else "prim"
        tag = f"{_CLASSES[node.tag_class]} {node.number}"
        type_text = "  " * row.depth + _type_name(node)
        described = row.field
        if row.value:
            described = (
                f"{described}: {row.value}" if described else (row.value)
            )
        lines.append(
            f"{node.offset:>6}  {node.header_length:>3}+{node.length:<6} "
            f"{tag:<8} {form}  {type_text:<34} {described}"
        )
    return lines


def dump_element(element: Element) -> list[str]:
    """Dump one element; returns the text lines.

    Raises:
        DecodeError: The element is not DER.
    """
    tree = der.scan(element.der)
    schema = schema_for(element)
    dumper = Dumper(element.der)
    if schema is None:
        dumper.generic(tree, 0)
    else:
        plan = der._root_plan(schema)
        dumper.walk(plan, tree, 0, "", type(schema).__name__)
    return format_rows(dumper.rows)


def run_asn1(args: argparse.Namespace) -> int:
    """Print an annotated dump of every element of FILE."""
    path = Path(args.file)
    elements = read_elements(read_file(path), str(path))
    secret = any(element.kind is Kind.PRIVATE_KEY for element in elements)
    if secret:
        note(
            f"note: {path} contains a private key; the dump shows its secret "
            "numbers, so do not share it"
        )
    for element in elements:
        if element.problem:
            raise DecodeError(element.problem, source=str(path))
        if element.kind is Kind.ENCRYPTED_PRIVATE_KEY and (
            element.structure != PKCS8
        ):
            out(f"=== {path}, {element.where}: legacy encrypted PEM key")
            out("    The block contains ciphertext, not DER; nothing to dump.")
            out()
            continue
        out(
            f"=== {path}, {element.where}: {element.kind.value} "
            f"({element.encoding}, {len(element.der)} bytes)"
        )
        for line in dump_element(element):
            out(line)
        out()
    return EXIT_OK

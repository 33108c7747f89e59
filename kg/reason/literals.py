"""Literals as the rule reasoner sees them: their data values (so ``"1"^^xsd:integer`` equals
``"01"^^xsd:positiveInteger``), whether a lexical form is valid for its datatype, and the value spaces of the
datatypes a data property's range may name.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox

XSD_NS = "http://www.w3.org/2001/XMLSchema#"  # not rdflib's XSD, which warns when doctest collection probes it
RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"
_INTEGERS = {  # XSD integer types: (least, greatest) value, None when unbounded
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "long": (-2**63, 2**63 - 1),
    "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
#: Datatypes a data property's range may be: those whose value spaces the rules know.
DATATYPE_RANGES = frozenset({RDFS_LITERAL, *(XSD_NS + t for t in ("string", "boolean", "decimal", "float",
                                                                  "double", *_INTEGERS))})


def literal_value(lit: ox.Literal) -> tuple | None:
    """A key equal for literals with the same data value (``"1"^^xsd:integer`` and ``"01"^^xsd:positiveInteger``),
    or None if the lexical form is not valid for its datatype."""
    if lit.language:
        return ("lang", lit.value, lit.language.lower())
    datatype = lit.datatype.value
    if not datatype.startswith(XSD_NS):
        return ("other", datatype, lit.value)
    local, text = datatype[len(XSD_NS):], lit.value.strip()
    if local == "string":
        return ("string", lit.value)
    if local == "boolean":
        return ("boolean", text in ("true", "1")) if text in ("true", "false", "1", "0") else None
    if local == "decimal" or local in _INTEGERS:
        if not re.fullmatch(r"[+-]?\d+" if local in _INTEGERS else r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            return None
        number = Decimal(text)
        return ("number", number) if local == "decimal" or in_datatype(("number", number), datatype) else None
    if local in ("float", "double"):
        if not re.fullmatch(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN", text):
            return None
        return (local, float(text.replace("INF", "inf")))
    return ("other", datatype, lit.value)


def show_literal(lit: ox.Literal, name) -> str:
    """``"0"^^xsd:integer``, ``"x"@en``, ``"x"``, the datatype written by ``name``."""
    if lit.language:
        return f'"{lit.value}"@{lit.language}'
    datatype = lit.datatype.value
    return f'"{lit.value}"' if datatype == XSD_NS + "string" else f'"{lit.value}"^^{name(datatype)}'


def in_datatype(value: tuple, datatype: str) -> bool:
    """Whether a literal's value (:func:`literal_value`) is in the value space of ``datatype``."""
    if datatype == RDFS_LITERAL:
        return True
    local = datatype[len(XSD_NS):]
    if local in _INTEGERS:
        least, greatest = _INTEGERS[local]
        return (value[0] == "number" and value[1] == value[1].to_integral_value()
                and (least is None or value[1] >= least) and (greatest is None or value[1] <= greatest))
    return value[0] == {"decimal": "number"}.get(local, local)

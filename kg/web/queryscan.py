"""Find what matters for safety in a SPARQL query without parsing it: SERVICE endpoints, FROM, the first keyword.

A small tokenizer skips strings, IRIs and comments, so ``service`` in a literal is not a SERVICE clause, and
resolves prefixed names and relative IRIs of SERVICE endpoints. It never raises: an endpoint it cannot read as
a constant IRI is reported as None, which the caller refuses. (SPARQL keywords cannot be written with ``\\u``
escapes, Oxigraph only unescapes inside strings and IRIs, so a plain word match on keywords is complete.)

>>> scan = scan_query('PREFIX e: <http://x/> SELECT * FROM <g> { SERVICE SILENT e:s { ?a ?b "service" } }')
>>> scan.services, scan.has_from, scan.first_keyword
(['http://x/s'], True, 'SELECT')
>>> scan_query('SELECT * { SERVICE ?endpoint { ?s ?p ?o } }  # FROM <x>')
QueryScan(services=[None], has_from=False, first_keyword='SELECT', prefixes={})
>>> scan_query('BASE <http://x/a/> LOAD <b>').first_keyword
'LOAD'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin

_TOKENS = re.compile(r"""
    '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"     # long strings
  | '(?:[^'\\\n\r]|\\.)*' | "(?:[^"\\\n\r]|\\.)*"                            # strings
  | \#[^\n\r]*                                                               # comment
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$]\w*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.:%-]|\\.)*)
  | (?P<word>[^\W\d]\w*)
""", re.VERBOSE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


class QueryScan(NamedTuple):
    """What :func:`scan_query` found: SERVICE endpoints (None for a variable or unreadable endpoint), whether a
    FROM clause is present, the first keyword after the prologue (SELECT, ASK, INSERT, LOAD ...) and the
    PREFIX declarations (to write CONSTRUCT answers with the query's own prefixes)."""

    services: list
    has_from: bool
    first_keyword: str | None
    prefixes: dict


def _iri(token: str, base: str | None) -> str:
    iri = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])
    return urljoin(base, iri) if base else iri


@lru_cache(maxsize=256)  # a pure function of the text, and clients repeat their queries
def scan_query(text: str) -> QueryScan:
    """Tokenize ``text`` (skipping strings, IRIs and comments) and report its SERVICE endpoints, FROM clauses and
    first keyword. It never raises: anything it cannot read as an endpoint is reported as None (refused)."""
    tokens = [(m.lastgroup, m.group()) for m in _TOKENS.finditer(text) if m.lastgroup]
    prefixes: dict[str, str] = {}
    base = None
    services: list = []
    has_from = False
    first = None
    for i, (kind, value) in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else (None, "")
        if kind != "word":
            continue
        keyword = value.upper()
        if keyword == "PREFIX" and nxt[0] == "pname" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[nxt[1][:-1]] = _iri(tokens[i + 2][1], base)
        elif keyword == "BASE" and nxt[0] == "iri":
            base = _iri(nxt[1], base)
        elif first is None:
            first = keyword
        if keyword == "FROM":
            has_from = True
        elif keyword == "SERVICE":
            if nxt[0] == "word" and nxt[1].upper() == "SILENT":
                nxt = tokens[i + 2] if i + 2 < len(tokens) else (None, "")
            if nxt[0] == "iri":
                services.append(_iri(nxt[1], base))
            elif nxt[0] == "pname" and nxt[1].split(":", 1)[0] in prefixes:
                prefix, local = nxt[1].split(":", 1)
                services.append(prefixes[prefix] + local)
            else:
                services.append(None)
    return QueryScan(services, has_from, first, prefixes)

"""Prove a SPARQL query calls no SERVICE endpoint outside an allow-list, or refuse it.

Oxigraph evaluates SERVICE by calling the endpoint over HTTP and offers no switch to turn that off, so the only wall
is to refuse the query before it runs. A query whose text does not contain ``service`` in any case cannot hold a
SERVICE clause (SPARQL keywords cannot be escaped), so only those that do are checked, and the check fails closed:

* the query is parsed by a real SPARQL parser (rdflib's grammar and algebra), with the same predeclared prefixes
  the query will run with; every SERVICE endpoint it finds, in any group, subquery or EXISTS, must be a constant
  IRI on the allow-list; a query the parser cannot read is refused;
* independently, the tokenizer of :mod:`kg.web.queryscan` must reach the same verdict, so a misreading of either
  reader alone (where a string or IRI begins and ends) cannot let a call through.

>>> refuse_services('SELECT * { ?s ?p "a service" }', frozenset())
>>> refuse_services('PREFIX e: <http://x/> SELECT * { SERVICE e:s { ?s ?p ?o } }', frozenset({"http://x/s"}))
>>> refuse_services('SELECT * { SERVICE <http://evil/> { ?s ?p ?o } }', frozenset())
Traceback (most recent call last):
kg.errors.QueryError: SERVICE <http://evil/> is not allowed (KG_SERVICE_ALLOW) [service-not-allowed]
"""

from __future__ import annotations

import threading
from functools import lru_cache

from kg.errors import QueryError
from kg.web.queryscan import scan_query

_PARSER_LOCK = threading.Lock()  # pyparsing's packrat cache is shared by all threads


def refuse_services(query: str, allow: frozenset, *, prefixes: dict | None = None) -> None:
    """Return if ``query`` provably calls no SERVICE endpoint outside ``allow``.

    :raises QueryError: (rule ``service-not-allowed``) naming the first endpoint not allowed, or saying the
        query could not be parsed well enough to prove it.
    """
    if "service" not in query.lower():
        return
    found = parsed_services(query, tuple(sorted((prefixes or {}).items())))
    for endpoint in found + scan_query(query).services:
        if endpoint is None:
            raise QueryError("SERVICE needs a constant endpoint IRI on the allow-list (KG_SERVICE_ALLOW)",
                             rule="service-not-allowed")
        if endpoint not in allow:
            raise QueryError(f"SERVICE <{endpoint}> is not allowed (KG_SERVICE_ALLOW)", rule="service-not-allowed")


@lru_cache(maxsize=256)  # a pure function of its arguments, and clients repeat their queries
def parsed_services(query: str, prefixes: tuple = ()) -> list:
    """The SERVICE endpoints of ``query`` as a SPARQL parser reads them: IRIs as strings, None for a variable.

    >>> parsed_services('BASE <http://b/> SELECT * { SERVICE <s> {} OPTIONAL { SERVICE SILENT ?v {} } }')
    ['http://b/s', None]

    :raises QueryError: if the parser cannot read the query (so it cannot be proven safe).
    """
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    def collect(into: list):
        def visit(node):
            if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
                into.append(node.term)
        return visit

    try:
        with _PARSER_LOCK:
            tree = parseQuery(query)
            raw: list = []
            traverse(tree, visitPre=collect(raw))
            algebra = translateQuery(tree, initNs=dict(prefixes)).algebra
    except Exception as exc:  # any failure of the parser means: not proven safe
        detail = " ".join(str(exc).split())[:200]
        raise QueryError(f"the query mentions SERVICE and could not be parsed to prove it calls no endpoint "
                         f"outside KG_SERVICE_ALLOW: {detail}", rule="service-not-allowed") from None
    found: list = []
    traverse(algebra, visitPre=collect(found))
    if len(found) != len(raw):  # the algebra must account for every SERVICE the grammar saw
        raise QueryError("the query's SERVICE clauses could not all be located", rule="service-not-allowed")
    return [str(term) if isinstance(term, URIRef) else None for term in found]

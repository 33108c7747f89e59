"""Formats of SPARQL answers and HTTP content negotiation between them (RFC 9110 Accept, with q-values).

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS).name
'xml'
>>> negotiate("text/*", RESULT_FORMATS).name
'csv'
>>> negotiate("image/png", RESULT_FORMATS) is None
True
>>> choose_format(["json-ld", "application/ld+json,application/x-json+ld"], "text/turtle", GRAPH_FORMATS).name
'jsonld'
"""

from __future__ import annotations

from typing import NamedTuple

import pyoxigraph as ox
from werkzeug.http import parse_accept_header


class Format(NamedTuple):
    """One serialization: its short name for ``format=``, pyoxigraph format, Content-Type and accepted media types."""

    name: str
    ox_format: object
    content_type: str
    media_types: tuple
    aliases: tuple = ()


_RF, _GF = ox.QueryResultsFormat, ox.RdfFormat
#: Formats of SELECT and ASK results, in the server's order of preference (the first is the default).
RESULT_FORMATS = (
    Format("json", _RF.JSON, "application/sparql-results+json; charset=utf-8",
           ("application/sparql-results+json", "application/json", "text/javascript", "application/javascript"),
           ("srj",)),
    Format("xml", _RF.XML, "application/sparql-results+xml; charset=utf-8",
           ("application/sparql-results+xml", "application/xml", "text/xml"), ("srx",)),
    Format("csv", _RF.CSV, "text/csv; charset=utf-8", ("text/csv",)),
    Format("tsv", _RF.TSV, "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",)),
)
#: Formats of CONSTRUCT and DESCRIBE results (and of graphs), in order of preference.
GRAPH_FORMATS = (
    Format("ttl", _GF.TURTLE, "text/turtle; charset=utf-8",
           ("text/turtle", "application/x-turtle", "application/turtle"), ("turtle",)),
    Format("nt", _GF.N_TRIPLES, "application/n-triples; charset=utf-8",
           ("application/n-triples", "text/plain"), ("ntriples", "n-triples")),
    Format("jsonld", _GF.JSON_LD, "application/ld+json; charset=utf-8",
           ("application/ld+json", "application/json"), ("json-ld", "json")),
    Format("rdfxml", _GF.RDF_XML, "application/rdf+xml; charset=utf-8",
           ("application/rdf+xml", "application/xml", "text/xml"), ("rdf+xml", "rdf", "xml")),
    Format("n3", _GF.N3, "text/n3; charset=utf-8", ("text/n3", "text/rdf+n3", "application/n3")),
)


def _parse_accept(header: str) -> list:
    """``(media range, q)`` for each range of an Accept header, parsed by werkzeug: media ranges in lower case
    without their other parameters; a range whose q is not a number from 0 to 1 is left out, as werkzeug does.

    >>> _parse_accept("Text/CSV;level=1;q=0.5, */*;q=0.1, a/b;q=x")
    [('text/csv', 0.5), ('*/*', 0.1)]
    """
    return [(value.split(";", 1)[0].strip().lower(), q) for value, q in parse_accept_header(header)]


def _quality(media_type: str, ranges: list, exact_only: bool) -> tuple:
    """(q, specificity) of the most specific Accept range matching ``media_type`` (RFC 9110 section 12.5.1)."""
    best = (0.0, -1)
    wildcard = media_type.split("/")[0] + "/*"
    for media, q in ranges:
        if media == media_type:
            spec = 2
        elif exact_only:
            continue
        else:
            spec = 1 if media == wildcard else 0 if media == "*/*" else -1
        if spec > best[1]:
            best = (q, spec)
    return best


_negotiated: dict = {}


def negotiate(accept: str | None, formats: tuple) -> Format | None:
    """The format of ``formats`` the ``Accept`` header likes best (highest q, then the most specific match, then
    the server's order); the first format when there is no header; None when nothing is acceptable."""
    if not accept:
        return formats[0]
    key = (accept, formats[0].name)
    if key in _negotiated:
        return _negotiated[key]
    ranges = _parse_accept(accept)
    best, best_rank = None, (0.0, -1)
    for fmt in formats:
        # wildcards match only the type the answer will carry, aliases only when named
        rank = max(_quality(m, ranges, i > 0) for i, m in enumerate(fmt.media_types))
        if rank[0] > 0 and rank > best_rank:
            best, best_rank = fmt, rank
    if len(_negotiated) > 1024:  # clients send few distinct headers; the bound only stops a flood of odd ones
        _negotiated.clear()
    _negotiated[key] = best
    return best


def by_name(name: str, formats: tuple) -> Format | None:
    """The format called ``name`` (short name, alias or media type) in ``formats``, else None."""
    name = name.strip().lower()
    for fmt in formats:
        if name == fmt.name or name in fmt.aliases or name in fmt.media_types:
            return fmt
    return None


def choose_format(format_params, accept: str | None, formats: tuple) -> Format | None:
    """The first known format named by the ``format=`` values (each a name, media type or comma-separated list
    of them: SPARQLWrapper sends several), which override Accept as in Fuseki and Virtuoso; else content
    negotiation. None if nothing fits."""
    if format_params:
        for value in format_params:
            for name in value.split(","):
                fmt = by_name(name, formats)
                if fmt is not None:
                    return fmt
        return None
    return negotiate(accept, formats)

"""The ontology and the SHACL shapes as rdflib graphs, parsed once per process, and the ontology's own quality
checks (``ontology/checks/*-violation.rq``: each must find nothing). The ontology itself is parsed in
:mod:`kg.rdf.ontology`, below the annotation loader, which learns its vocabulary from it.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph

from kg.rdf.ontology import load_ontology, parse_turtle
from kg.resources import quality_checks, shapes_file


@lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """The SHACL shapes graph ``ontology/shapes.ttl``, parsed once and cached (do not mutate it).

    :raises LoadError: if the file does not parse.
    """
    return parse_turtle([shapes_file()])


def check_ontology() -> list[tuple[str, dict]]:
    """Run every ``ontology/checks/*-violation.rq`` over the ontology; return ``(check name, row)`` per row found.

    An empty list means the ontology passes every quality check.

    :raises LoadError: if the ontology does not parse.
    """
    ontology = load_ontology()
    found = []
    for query_file in quality_checks():
        for row in ontology.query(query_file.read_text(encoding="utf-8")):
            found.append((query_file.stem, {str(k): str(v) for k, v in row.asdict().items()}))
    return found

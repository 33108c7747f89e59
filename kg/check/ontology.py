"""The ontology and the SHACL shapes as rdflib graphs, parsed once per process, and the ontology's own quality
checks (``ontology/checks/*-violation.rq``: each must find nothing).
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph

from kg.errors import LoadError
from kg.rdf.namespaces import PREFIXES
from kg.resources import ontology_files, quality_checks, shapes_file


def _parse_files(paths) -> Graph:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser-specific exception types
            raise LoadError(f"cannot parse {path.name}: {exc}", file=str(path)) from exc
    return graph


@lru_cache(maxsize=1)
def load_ontology() -> Graph:
    """The ontology: every ``ontology/*.ttl`` except ``shapes.ttl``, parsed once and cached (do not mutate it).

    :raises LoadError: if a file does not parse.
    """
    return _parse_files(ontology_files())


@lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """The SHACL shapes graph ``ontology/shapes.ttl``, parsed once and cached (do not mutate it).

    :raises LoadError: if the file does not parse.
    """
    return _parse_files([shapes_file()])


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

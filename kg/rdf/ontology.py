"""The ontology as one rdflib graph, parsed once per process: what the loader learns its vocabulary from, what
SHACL validates with and what the reasoner reads.

>>> from kg.rdf.namespaces import FP
>>> from rdflib.namespace import OWL, RDF
>>> (FP.Concern, RDF.type, OWL.Class) in load_ontology()
True
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph

from kg.errors import LoadError
from kg.rdf.namespaces import PREFIXES
from kg.resources import ontology_files


def parse_turtle(paths) -> Graph:
    """The Turtle files ``paths`` in one graph, with the project's prefixes bound.

    :raises LoadError: if a file does not parse, naming it.
    """
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
    """The ontology: every ontology ``*.ttl`` except the shapes, parsed once and cached (do not mutate it).

    :raises LoadError: if a file does not parse.
    """
    return parse_turtle(ontology_files())

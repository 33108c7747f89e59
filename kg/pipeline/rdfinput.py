"""RDF files (Turtle, TriG, N-Quads, N-Triples, JSON-LD) read for validation: their data, without a build's own
additions. rdflib is imported inside the functions that need it.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import LoadError
from kg.rdf.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH


def read_rdf_dataset(path: Path):
    """An RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD) as an rdflib Dataset of its named graphs, without
    ``fpg:ontology`` and ``fpg:inferred`` (a build's own additions, checked separately).

    :raises LoadError: if it cannot be read or parsed.
    """
    import rdflib

    fmt = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".nt": "nt", ".jsonld": "json-ld"}.get(
        path.suffix.lower())
    if fmt is None:
        raise LoadError("unknown file type; expected .yaml, .ttl, .trig, .nq, .nt or .jsonld", file=str(path))
    dataset = rdflib.Dataset()
    try:
        dataset.parse(path, format=fmt)
    except FileNotFoundError:
        raise LoadError("no such file", file=str(path)) from None
    except UnicodeDecodeError as e:
        raise LoadError(f"not UTF-8 text: {e.reason} at byte {e.start}", file=str(path)) from e
    except Exception as e:  # rdflib's parsers raise many unrelated types for bad syntax
        raise LoadError(f"cannot parse as {fmt}: {' '.join(str(e).split())}", file=str(path)) from e
    for graph in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
        dataset.remove_graph(graph)
    return dataset


def without_ontology(graph):
    """``graph`` minus descriptions of the ontology's own terms and the blank nodes only they reached (OWL lists):
    a Turtle export carries the ontology inside its union graph, and a second, partial copy of its axioms beside
    the reasoner's own would be checked instead of the data."""
    from rdflib import BNode

    from kg.check.ontology import load_ontology

    terms = set(load_ontology().subjects())
    for triple in [t for t in graph if t[0] in terms]:
        graph.remove(triple)
    while True:
        referenced = set(graph.objects())
        orphans = [t for t in graph if isinstance(t[0], BNode) and t[0] not in referenced]
        if not orphans:
            return graph
        for triple in orphans:
            graph.remove(triple)

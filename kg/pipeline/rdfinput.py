"""RDF files (Turtle, TriG, N-Quads, N-Triples, JSON-LD) read for validation: their data, without a build's own
additions. rdflib is imported inside the functions that need it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

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


_TERM = re.compile(r"\s*(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,()\[\]]*|:[^\s;,()\[\]]*)")
_BASE = re.compile(r"\s*(?:@base|BASE)\s+<([^>]*)>", re.IGNORECASE)


def rdf_origins(path: Path, dataset) -> dict[str, tuple[str, int]]:
    r"""Where each node's description starts in an RDF text file: node IRI -> (file, line) of the first statement
    with it as subject, so checks of RDF input name a line as they do for YAML. Exact for N-Quads and N-Triples
    (one statement a line); for Turtle and TriG, a statement starts after a line ending in ``.`` or ``{`` and its
    subject is written in full, with a prefix of the file, or relative to its base. JSON-LD gets none.

    >>> import rdflib, tempfile, pathlib
    >>> text = '@prefix fpr: <https://w3id.org/fpkg/resource/> .\nfpr:China\n    a fpr:State .\n'
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.ttl"; _ = path.write_text(text)
    >>> rdf_origins(path, rdflib.Dataset().parse(path))["https://w3id.org/fpkg/resource/China"][1]
    2
    """
    if path.suffix.lower() == ".jsonld":
        return {}
    prefixes = {prefix: str(ns) for prefix, ns in dataset.namespaces()}
    base, starts, in_long_string, found = "", True, False, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        was_inside = in_long_string
        in_long_string ^= (line.count('"""') + line.count("'''")) % 2 == 1  # a multi-line literal (fp:text)
        if was_inside:
            starts = not in_long_string and line.rstrip().endswith((".", "{", "}"))
            continue
        stripped = line.strip() if '"' in line or "'" in line else line.split(" #", 1)[0].strip()
        if not stripped or stripped.startswith("#"):
            continue
        declared = _BASE.match(stripped)
        base = declared.group(1) if declared else base
        term = _TERM.match(stripped) if starts and not stripped.lower().startswith(("@", "prefix", "base")) else None
        if term:
            token = term.group(1)
            if token.startswith("<"):
                iri = urljoin(base, token[1:-1]) if base else token[1:-1]
            else:
                prefix, local = token.split(":", 1)
                iri = prefixes[prefix] + local if prefix in prefixes else None
            if iri and not stripped.upper().startswith("GRAPH"):
                found.setdefault(iri, (str(path), number))
        starts = stripped.endswith((".", "{", "}"))
    return found


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

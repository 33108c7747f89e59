"""``kg link``: another graph (an RDF file, or a SPARQL endpoint's CONSTRUCT answer) loaded beside ours.

The other graph goes into its own named graph ``fpg:linked/NAME`` and is kept in the store directory as
``linked/NAME.nq`` with an entry in ``linked/catalogue.json`` (source, time, triple count): every later
``kg build`` reads the ``linked/`` folder as an input, so linked graphs survive rebuilds, and ``kg link`` itself
adds the graph to the current dataset at once.

Our entities and Wikidata's are joined by the links the data itself holds: each entity with a ``wikidata:`` item
carries ``skos:exactMatch <http://www.wikidata.org/entity/Q…>``. Nothing is copied or rewritten: a query goes from
our entity to the Wikidata item (``?e skos:exactMatch ?item``) or back (``?e skos:exactMatch wd:Q148``) through
that one triple. :func:`coincidences` reports how many resources of the linked graph meet ours this way: the same
IRI, the same Wikidata IRI, or a declared ``owl:sameAs`` / ``skos:exactMatch`` to either.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kg.errors import LoadError, StoreError, UsageError
from kg.rdf.linked import CATALOGUE_FILE, LINKED_DIR, linked_graph, read_catalogue
from kg.rdf.namespaces import FPR, WD
from kg.pipeline.publish import republish
from kg.rdf.remote import RemoteStore, is_remote
from kg.rdf.files import atomic_write
from kg.rdf.store import resolve_store_dir

LINK_PREDICATES = ("http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2004/02/skos/core#exactMatch")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class LinkReport:
    """What ``kg link`` loaded and how it meets our data."""

    name: str
    graph: str
    source: str
    triples: int
    resources: int
    same_iri: int
    same_wikidata: int
    declared: int

    @property
    def coinciding(self) -> int:
        return self.same_iri + self.same_wikidata + self.declared


def fetch(source: str, *, query: str | None = None, timeout: float = 60.0) -> list[ox.Triple]:
    """The triples of ``source``: an RDF file in any syntax pyoxigraph reads (named graphs merged), or a SPARQL
    endpoint URL asked ``query`` (a CONSTRUCT).

    :raises UsageError: if an endpoint is given without a CONSTRUCT query.
    :raises LoadError: if the file cannot be read or parsed, or the endpoint fails.
    """
    if is_remote(source):
        if not query or "construct" not in query.lower():
            raise UsageError("linking a SPARQL endpoint needs --query with a CONSTRUCT query")
        try:
            return list(RemoteStore(source, timeout=timeout).query(query))
        except (OSError, SyntaxError, StoreError) as e:
            raise LoadError(f"cannot read {source}: {e}") from None
    path = Path(source)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) if path.suffix else None
    if fmt is None:
        raise LoadError(f"cannot tell the RDF syntax of {source} from its extension (.ttl, .nt, .nq, .trig, "
                        ".jsonld, .rdf)", file=source)
    try:
        return list(dict.fromkeys(q.triple if isinstance(q, ox.Quad) else q
                                  for q in ox.parse(path=str(path), format=fmt)))
    except (OSError, SyntaxError, ValueError) as e:
        raise LoadError(f"cannot read {source}: {e}", file=source) from None


def coincidences(ours, theirs: list[ox.Triple]) -> tuple[int, int, int, int]:
    """(resources of ``theirs``, how many are our IRIs, how many are Wikidata items our entities match, how many
    are declared ``owl:sameAs``/``skos:exactMatch`` to one of those). ``ours`` holds our quads."""
    own, items = set(), set()
    for q in ours:
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(FPR)):
            own.add(q.subject.value)
        if q.predicate.value in LINK_PREDICATES and isinstance(q.object, ox.NamedNode) and \
                q.object.value.startswith(str(WD)):
            items.add(q.object.value)
    resources = {t.subject.value for t in theirs if isinstance(t.subject, ox.NamedNode)}
    resources |= {t.object.value for t in theirs if isinstance(t.object, ox.NamedNode)
                  and t.predicate.value != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    same_iri = resources & own
    same_item = (resources & items) - same_iri
    known = same_iri | same_item
    declared = set()
    for t in theirs:
        if t.predicate.value in LINK_PREDICATES and isinstance(t.object, ox.NamedNode):
            s, o = t.subject.value, t.object.value
            if o in known and s not in known:
                declared.add(s)
            elif s in known and o not in known:
                declared.add(o)
    return len(resources), len(same_iri), len(same_item), len(declared)


def link(source: str, store_dir=None, *, name: str | None = None, query: str | None = None,
         timeout: float = 60.0) -> LinkReport:
    """Load ``source`` (see :func:`fetch`) as linked graph ``name`` (default: from the file or host name) of the
    store, replacing a graph of the same name; then add it to the current dataset.

    :raises UsageError: if the name is not usable in a file name and an IRI.
    :raises LoadError: if the source cannot be read.
    :raises StoreError: if nothing was built yet or the store cannot be written.
    """
    from kg.rdf.store import dataset_path

    current = dataset_path(store_dir)  # fail before fetching anything
    name = name or _default_name(source)
    if not _NAME.match(name):
        raise UsageError(f"linked graph name {name!r}: use letters, digits, '.', '_' and '-' only (--name NAME)")
    triples = fetch(source, query=query, timeout=timeout)
    graph = ox.NamedNode(linked_graph(name))
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    directory = resolve_store_dir(store_dir) / LINKED_DIR
    entry = {"name": name, "graph": graph.value, "file": f"{name}.nq",
             "source": source if is_remote(source) else str(Path(source).resolve()),
             "loaded_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "triples": len(quads)}
    if query:
        entry["query"] = query
    atomic_write(directory / entry["file"], ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    catalogue = [e for e in read_catalogue(store_dir) if e["name"] != name] + [entry]
    atomic_write(directory / CATALOGUE_FILE,
                 (json.dumps(sorted(catalogue, key=lambda e: e["name"]), indent=2) + "\n").encode())
    ours = [q for q in ox.parse(path=str(current), format=ox.RdfFormat.N_QUADS) if q.graph_name != graph]
    counts = coincidences(ours, triples)
    republish(ours + quads, store_dir)
    return LinkReport(name, graph.value, entry["source"], len(quads), *counts)


def _default_name(source: str) -> str:
    if is_remote(source):
        from urllib.parse import urlsplit

        return re.sub(r"[^A-Za-z0-9._-]", "-", urlsplit(source).netloc) or "endpoint"
    return re.sub(r"[^A-Za-z0-9._-]", "-", Path(source).stem) or "linked"



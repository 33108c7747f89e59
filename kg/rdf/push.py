"""``kg push``: our named graphs into any SPARQL 1.1 store, replaced (never duplicated) on every push.

Each graph goes in batches of N-Triples: the first batch replaces the graph (Graph Store HTTP Protocol PUT, or
``DROP SILENT GRAPH`` + ``INSERT DATA`` where only SPARQL Update is offered), the next ones add to it (POST,
``INSERT DATA``). A blank node is only the same node within one request, so every triple that mentions one goes
in the graph's first batch. Afterwards the store is asked how many triples each pushed graph holds, and any
difference is an error.

Our queries read the default graph as the union of all graphs. A store that keeps a separate, empty default
graph answers them with nothing; :func:`push` either writes the union into the default graph
(``union="write"``) or says how to turn the store's own union-default-graph option on.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import StoreError
from kg.rdf.remote import RemoteStore

#: Triples per request.
DEFAULT_BATCH = 50_000
UNION_MODES = ("auto", "write", "no")
_HINTS = {
    "oxigraph": "restart the server with `oxigraph serve --union-default-graph ...`",
    "fuseki": "set `tdb2:unionDefaultGraph true` on the dataset in the Fuseki configuration",
}
_HINT_OTHER = ("turn on the store's union-default-graph option (GraphDB, Virtuoso and Neptune read all graphs "
               "by default; Stardog needs query.all.graphs=true)")


@dataclass
class PushReport:
    """What a push wrote: triples per graph (as counted by the store afterwards), time taken, the union note."""

    graphs: dict[str, int]
    seconds: float
    requests: int
    union_note: str = ""
    union_written: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def _batches(triples: list[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """``triples`` in requests of ``size``, every triple with a blank node in the first one."""
    blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    plain = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
    first = max(size - len(blank), 0)
    out = [blank + plain[:first]]
    out += [plain[i:i + size] for i in range(first, len(plain), size)]
    return out


def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            raise StoreError("the dataset has triples in its default graph; only named graphs can be pushed")
        graphs[q.graph_name.value].append(q.triple)
    return dict(sorted(graphs.items()))


def push(quads: Iterable[ox.Quad], remote: RemoteStore, *, batch: int = DEFAULT_BATCH, union: str = "auto",
         progress: Callable[[int, int], None] | None = None) -> PushReport:
    """Write every named graph of ``quads`` into ``remote``, replacing each; then check the counts and see to
    the union default graph as ``union`` says (``auto``: report, ``write``: write it, ``no``: leave it).

    :raises StoreError: if the store refuses a request, or holds other counts than were pushed afterwards.
    """
    began = time.perf_counter()
    graphs = _by_graph(quads)
    total = sum(map(len, graphs.values()))
    done = requests = 0
    for graph, triples in graphs.items():
        for i, chunk in enumerate(_batches(triples, batch)):
            remote.write_graph(graph, ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES), replace=i == 0)
            requests += 1
            done += len(chunk)
            if progress:
                progress(done, total)
    report = PushReport(graphs={}, seconds=0.0, requests=requests)
    if union == "write":
        union_triples = list(dict.fromkeys(t for triples in graphs.values() for t in triples))
        for i, chunk in enumerate(_batches(union_triples, batch)):
            remote.write_graph(None, ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES), replace=i == 0)
            report.requests += 1
        report.union_written = len(union_triples)
    report.seconds = time.perf_counter() - began
    counted = remote.graph_counts()
    report.graphs = {g: counted.get(g, 0) for g in graphs}
    report.mismatches = [f"<{g}>: pushed {len(t)} triples, the store holds {counted.get(g, 0)}"
                         for g, t in graphs.items() if counted.get(g, 0) != len(t)]
    if report.mismatches:
        raise StoreError("the store's counts differ from what was pushed: " + "; ".join(report.mismatches[:5]))
    if union == "auto" and remote.default_graph_count() == 0:
        kind = remote.software()
        report.union_note = (f"the store's default graph is empty, so queries without GRAPH find nothing: "
                             f"{_HINTS.get(kind, _HINT_OTHER)}, or push again with --union-default-graph write")
    return report

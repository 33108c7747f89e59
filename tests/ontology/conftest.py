"""Fixtures of the ontology tests: a synthetic article-shaped graph for timing the reasoner."""

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.rdf.namespaces import FP, FPK, FPR


def make_synthetic_graph(n: int = 500) -> Graph:
    """About ``n`` individuals: states, concerns caused by actions, interests with priorities, claims."""
    from rdflib.namespace import XSD  # imported here: pytest probes conftest globals, and XSD warns on probing

    g = Graph()
    states = [FPR[f"syn/state/{i}"] for i in range(max(2, n // 25))]
    for s in states:
        g.add((s, RDF.type, FP.State))
    made = len(states)
    i = 0
    while made < n:
        actor, holder = states[i % len(states)], states[(i + 1) % len(states)]
        action, concern = FPR[f"syn/action/{i}"], FPR[f"syn/concern/{i}"]
        low, high = FPR[f"syn/interest/{i}a"], FPR[f"syn/interest/{i}b"]
        priority, claim = FPR[f"syn/priority/{i}"], FPR[f"syn/claim/{i}"]
        g.add((action, RDF.type, FP.Sanction))
        g.add((action, FP.hasActor, actor))
        g.add((action, FP.actionKind, FPK["cameo-163"]))
        g.add((action, FP.date, Literal("2018-10-26", datatype=XSD.date)))
        g.add((concern, RDF.type, FP.Concern))
        g.add((holder, FP.hasConcern, concern))
        g.add((concern, FP.causedBy, action))
        g.add((concern, FP.concernRank, Literal(i % 5 + 1, datatype=XSD.positiveInteger)))
        for interest in (low, high):
            g.add((interest, RDF.type, FP.Interest))
            g.add((holder, FP.hasInterest, interest))
        g.add((priority, RDF.type, FP.Priority))
        g.add((priority, FP.priorityHolder, holder))
        g.add((priority, FP.higherPriority, high))
        g.add((priority, FP.lowerPriority, low))
        g.add((claim, RDF.type, FP.Assessment))
        g.add((claim, FP.viewOf, holder))
        g.add((claim, FP.about, URIRef(concern)))
        made += 6
        i += 1
    return g


@pytest.fixture(scope="session")
def synthetic_graph():
    """Factory: ``synthetic_graph(n)`` builds a graph of about ``n`` individuals."""
    return make_synthetic_graph

"""Checks of what an article's facts say together, on RDF: a state's Wikidata item and ISO code against the
verified states, one Wikidata item for one entity, no two concerns of one holder with the same rank, no priority
cycle. The annotation reader refuses the same mistakes in YAML with the line of the field or fact
(:mod:`kg.annotate.consistency`); these are for RDF given as input (TriG, N-Quads), where only the graphs say it.

Each function takes the article's facts (its assertions and background graphs together, or several articles'
for identities) and a ``report(node, message, rule, triple=None)`` callback; ``triple`` is the fact at fault, so a
caller that knows where each fact was written can name its line. Plain Python, not SHACL-SPARQL: a cycle needs a
graph walk, and pySHACL re-parses a SPARQL constraint for every focus node.

>>> from rdflib import Graph
>>> found = []
>>> concern_ranks(Graph(), lambda *a, **k: found.append(a)); found
[]
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.rdf.namespaces import FP, WD
from kg.rdf.cycles import distinct_cycles
from kg.rdf.states import state_mismatch

#: The properties the checks read, by name, so a rename in the ontology is one word here.
HAS_CONCERN, CONCERN_OF, RANK = FP.hasConcern, FP.concernOf, FP.concernRank
OVER, HIGHER, LOWER = FP.prioritizedOver, FP.higherPriority, FP.lowerPriority


def _item(node) -> str | None:
    return str(node)[len(str(WD)):] if isinstance(node, URIRef) and str(node).startswith(str(WD)) else None


def identities(facts, report) -> None:
    """A Wikidata item names one entity; an entity's item and ISO code are one row of the verified states."""
    first: dict[str, object] = {}
    for node, target in sorted(facts.subject_objects(SKOS.exactMatch)):
        item = _item(target)
        if item is None:
            continue
        other = first.setdefault(item, node)
        if other != node:
            report(node, f"claims Wikidata item {item}, which <{other}> already has: one item, one entity (use one "
                         f"IRI for both)", "wikidata-unique", (node, SKOS.exactMatch, target))
    for node in sorted(set(facts.subjects(SKOS.exactMatch)) | set(facts.subjects(FP.iso3166Alpha3))):
        items = [i for i in map(_item, facts.objects(node, SKOS.exactMatch)) if i]
        codes = [str(c) for c in facts.objects(node, FP.iso3166Alpha3)]
        name = next((str(n) for n in facts.objects(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))),
                    None)
        why = state_mismatch(items[0] if items else None, codes[0] if codes else None, name)
        if why:
            report(node, why, "wikidata-identity")


def concern_ranks(facts, report) -> None:
    """Two concerns of the same holder cannot both have rank N (the article numbers its list once)."""
    holder = {c: h for h, c in facts.subject_objects(HAS_CONCERN)}
    holder.update(dict(facts.subject_objects(CONCERN_OF)))
    taken: dict[tuple, object] = {}
    for concern, rank in sorted(facts.subject_objects(RANK)):
        other = taken.setdefault((holder.get(concern), rank.toPython()), concern)
        if other != concern:
            report(concern, f"has rank {rank}, which <{other}> of the same holder has: renumber one of them",
                   "concern-rank", (concern, RANK, rank))


def priority_cycles(facts, report) -> None:
    """Priorities must not go round in a circle: A over B over ... over A (fp:prioritizedOver, or a Priority's
    fp:higherPriority over its fp:lowerPriority)."""
    over: dict[object, list] = {}
    for a, b in facts.subject_objects(OVER):
        over.setdefault(a, []).append((b, (a, OVER, b)))
    for priority, higher in facts.subject_objects(HIGHER):
        for lower in facts.objects(priority, LOWER):
            over.setdefault(higher, []).append((lower, (priority, LOWER, lower)))
    for path in distinct_cycles(dict(sorted(over.items()))):
        start = path[0][0]
        names = " over ".join(f"<{n}>" for n, _ in path)
        report(start, f"priorities go round in a circle: {names} over <{start}>; one of them must not be above "
                      f"the other", "priority-cycle", path[-1][1])

"""Checks that need the whole annotation at once: identities that contradict each other or a known state, two
concerns of one holder sharing a rank, and priorities that go round in a circle.

Each problem names the line of the field or fact at fault, not the entity's declaration, and says how to fix it.
The verified states are reference data (``ontology/reference/states.ttl``, read by :mod:`kg.rdf.states`), shared
with the checks of meaning that RDF input gets.
"""

from __future__ import annotations

from kg.annotate.fields import FieldReader
from kg.annotate.model import Annotation
from kg.rdf.cycles import distinct_cycles
from kg.rdf.states import state_mismatch


def check_identities(reader: FieldReader, ann_entities: dict) -> None:
    """A state's Wikidata item, ISO code and name must be one row of the verified states; no two entities of one
    annotation may claim the same Wikidata item."""
    first: dict[str, object] = {}
    for e in ann_entities.values():
        if e.wikidata:
            other = first.setdefault(e.wikidata, e)
            if other is not e:
                reader.problem(f"entity '{e.id}' claims Wikidata item {e.wikidata}, which '{other.id}' already has "
                               f"at line {other.line_of('wikidata')}: one item, one entity (use '{other.id}' "
                               f"wherever this one is meant)", e.line_of("wikidata"), "wikidata-unique")
        if e.iso3 or e.wikidata:
            why = state_mismatch(e.wikidata, e.iso3, e.label)
            if why:
                reader.problem(f"entity '{e.id}' ({e.label}): {why}",
                               e.line_of("wikidata" if e.wikidata else "iso3"), "wikidata-identity")


def _facts(ann: Annotation):
    for c in ann.claims:
        yield from c.facts
    for b in ann.background:
        yield b.fact


def check_concern_ranks(reader: FieldReader, ann: Annotation) -> None:
    """Two concerns of the same holder cannot both have rank N (the article numbers its list once)."""
    facts = list(_facts(ann))
    holder = {f.obj: f.subject for f in facts if f.predicate == "hasConcern"}
    holder.update({f.subject: f.obj for f in facts if f.predicate == "concernOf"})
    taken: dict[tuple, tuple[str, int]] = {}
    for f in facts:
        if f.predicate == "concernRank":
            key = (holder.get(f.subject), f.obj)
            other = taken.setdefault(key, (f.subject, f.line))
            if other[0] != f.subject:
                reader.problem(f"concern '{f.subject}' has rank {f.obj}, which concern '{other[0]}' of the same "
                               f"holder has at line {other[1]}: renumber one of them", f.line, "concern-rank")


def check_priority_cycles(reader: FieldReader, ann: Annotation) -> None:
    """Priorities must not go round in a circle: A over B over ... over A."""
    over: dict[str, list] = {}
    higher: dict[str, object] = {}
    for f in _facts(ann):
        if f.predicate == "prioritizedOver":
            over.setdefault(f.subject, []).append((f.obj, f.line))
        elif f.predicate == "higherPriority":
            higher[f.subject] = f.obj
    for f in _facts(ann):
        if f.predicate == "lowerPriority" and f.subject in higher:
            over.setdefault(higher[f.subject], []).append((f.obj, f.line))
    for path in distinct_cycles(over):
        names = " over ".join(f"'{n}'" for n, _ in path) + f" over '{path[0][0]}'"
        reader.problem(f"priorities go round in a circle: {names}; one of them must not be above the other",
                       path[-1][1], "priority-cycle")

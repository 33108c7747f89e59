"""Checks that need the whole annotation at once: identities that contradict each other or a known state, two
concerns of one holder sharing a rank, and priorities that go round in a circle.

Each problem names the line of the field or fact at fault, not the entity's declaration, and says how to fix it.

>>> KNOWN_STATES["KOR"]
('Q884', 'South Korea')
"""

from __future__ import annotations

from kg.annotate.fields import FieldReader
from kg.annotate.model import Annotation

#: States whose Wikidata item and ISO 3166-1 alpha-3 code are verified (shared/reference/vocabularies.md):
#: ISO code -> (Wikidata item, English name). An entity naming one of these must name the rest consistently.
KNOWN_STATES = {
    "CHN": ("Q148", "China"), "USA": ("Q30", "United States"), "JPN": ("Q17", "Japan"),
    "KOR": ("Q884", "South Korea"), "PRK": ("Q423", "North Korea"), "SGP": ("Q334", "Singapore"),
    "RUS": ("Q159", "Russia"), "UKR": ("Q212", "Ukraine"), "IRN": ("Q794", "Iran"), "TUR": ("Q43", "Turkey"),
    "FRA": ("Q142", "France"), "DEU": ("Q183", "Germany"), "GBR": ("Q145", "United Kingdom"),
}
_BY_ITEM = {item: (iso, name) for iso, (item, name) in KNOWN_STATES.items()}
_BY_NAME = {name.casefold(): iso for iso, (_item, name) in KNOWN_STATES.items()}


def check_identities(reader: FieldReader, ann_entities: dict) -> None:
    """A state's Wikidata item, ISO code and name must agree with :data:`KNOWN_STATES`; no two entities of one
    annotation may claim the same Wikidata item."""
    first: dict[str, str] = {}
    for e in ann_entities.values():
        if not e.wikidata:
            continue
        other = first.setdefault(e.wikidata, e.id)
        if other != e.id:
            reader.problem(f"entity '{e.id}' claims Wikidata item {e.wikidata}, which '{other}' already has: one "
                           f"item, one entity", e.line, "wikidata-unique")
        if e.wikidata in _BY_ITEM:
            iso, name = _BY_ITEM[e.wikidata]
            claimed = e.iso3 or _BY_NAME.get(e.label.casefold())
            if claimed and claimed != iso:
                reader.problem(f"entity '{e.id}' ({e.label}) is given {e.wikidata}, the Wikidata item of {name} "
                               f"({iso}); {KNOWN_STATES[claimed][1] if claimed in KNOWN_STATES else e.label} is "
                               f"{KNOWN_STATES[claimed][0] if claimed in KNOWN_STATES else 'another item'}",
                               e.line, "wikidata-identity")
        elif e.iso3 in KNOWN_STATES:
            item, name = KNOWN_STATES[e.iso3]
            reader.problem(f"entity '{e.id}' has ISO code {e.iso3} ({name}, {item}) but Wikidata item {e.wikidata}",
                           e.line, "wikidata-identity")


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
    reported: set = set()
    for start in over:
        path = _cycle(over, start)
        if path and frozenset(n for n, _ in path) not in reported:
            reported.add(frozenset(n for n, _ in path))
            names = " over ".join(f"'{n}'" for n, _ in path) + f" over '{path[0][0]}'"
            reader.problem(f"priorities go round in a circle: {names}; one of them must not be above the other",
                           path[-1][1], "priority-cycle")


def _cycle(over: dict, start) -> list | None:
    """The (node, line of the fact leading away from it) steps of a cycle through ``start``, or None."""
    stack, seen = [(start, [])], set()
    while stack:
        node, path = stack.pop()
        for nxt, line in over.get(node, ()):
            step = path + [(node, line)]
            if nxt == start:
                return step
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, step))
    return None

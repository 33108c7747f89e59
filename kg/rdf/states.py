"""The states whose Wikidata item, ISO 3166-1 alpha-3 code and English name are verified
(``ontology/reference/states.ttl``), and the one rule they serve: an entity whose Wikidata item or ISO code is in
the table must have both from the same row. Used by the annotation reader (YAML, with the line of the field) and by
the checks of meaning (RDF given as input), so both refuse South Korea given North Korea's Q423 the same way.

>>> known_states().by_iso["KOR"]
State(item='Q884', iso3='KOR', name='South Korea')
>>> state_mismatch("Q423", "KOR", "South Korea")
"Q423 is the Wikidata item of North Korea but 'KOR' is the ISO code of South Korea: South Korea is Q884, 'KOR'"
>>> state_mismatch("Q884", "KOR", "South Korea") is None and state_mismatch("Q1", None, "Atlantis") is None
True

"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from kg.errors import LoadError
from kg.rdf.namespaces import FP, WD
from kg.resources import states_file


class State(NamedTuple):
    item: str
    iso3: str
    name: str


@dataclass(frozen=True)
class StateTable:
    """The rows of the table, found by Wikidata item (``Q148``), ISO code (``CHN``) or English name (any case)."""

    by_item: dict[str, State]
    by_iso: dict[str, State]
    by_name: dict[str, State]


@lru_cache(maxsize=1)
def known_states() -> StateTable:
    """The table, parsed once per process (do not mutate it).

    :raises LoadError: if the file does not parse or a row lacks its code or name.
    """
    path = states_file()
    try:
        graph = Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser-specific exception types
        raise LoadError(f"cannot parse {path.name}: {exc}", file=str(path)) from exc
    rows = []
    for item, code in graph.subject_objects(FP.iso3166Alpha3):
        name = graph.value(item, RDFS.label)
        if not isinstance(item, URIRef) or not str(item).startswith(str(WD)) or name is None:
            raise LoadError(f"row {item} needs a Wikidata item, an ISO code and an English name", file=str(path))
        rows.append(State(str(item)[len(str(WD)):], str(code), str(name)))
    return StateTable({r.item: r for r in rows}, {r.iso3: r for r in rows},
                      {r.name.casefold(): r for r in rows})


def state_mismatch(item: str | None, iso3: str | None, name: str | None) -> str | None:
    """Why an entity's Wikidata ``item``, ISO code and ``name`` (its label) cannot all be one state, with the fix;
    None if they agree with the table or the table knows none of them. The name counts only to say which state
    was meant when the item or the code is in the table."""
    table = known_states()
    by_item, by_iso = table.by_item.get(item or ""), table.by_iso.get(iso3 or "")
    named = table.by_name.get((name or "").casefold())
    if by_item is None and by_iso is None:
        return None
    rows = [r for r in (by_item, by_iso) if r is not None]
    fix = (f"{named.name} is {named.item}, '{named.iso3}'" if named else
           "correct one of them (" + "; ".join(f"{r.name} is {r.item}, '{r.iso3}'" for r in rows) + ")")
    if by_item is not None and by_iso is not None and by_item != by_iso:
        return (f"{item} is the Wikidata item of {by_item.name} but '{iso3}' is the ISO code of {by_iso.name}: "
                f"{fix}")
    if by_item is not None and iso3 and by_iso is None:
        return f"{item} is the Wikidata item of {by_item.name}, whose ISO code is '{by_item.iso3}', not '{iso3}': {fix}"
    if by_iso is not None and item and by_item is None:
        return f"'{iso3}' is the ISO code of {by_iso.name}, whose Wikidata item is {by_iso.item}, not {item}: {fix}"
    known = by_item or by_iso
    if named is not None and named != known:
        given = f"Wikidata item {item}" if by_item else f"ISO code '{iso3}'"
        return f"the {given} is {known.name}'s, but this is {named.name}: give it {named.item} and '{named.iso3}'"
    return None

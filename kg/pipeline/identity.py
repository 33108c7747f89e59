"""Identity across articles: one Wikidata item per entity, one entity per Wikidata item.

Each article declares its entities with an optional ``wikidata:`` item. Within one file the loader and the
SHACL shapes see each declaration alone; across files nothing else would notice two entities claiming the same
item (``Japan`` and ``Nippon`` both ``Q17``: the graph would hold two resources for one state, and queries
joining on the Wikidata IRI would double-count) or one shared entity given two items (``China`` ``Q148`` in one
article, ``Q1`` in another: ``fpr:China`` would be two things at once). :func:`check_identities` finds both and
names both declarations (file and line) in each error; so does one state given two ISO codes (which the reasoner
would only call an inconsistency, without a line).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.errors import AnnotationError
from kg.rdf.namespaces import FPR, doc_resource


def _iri(e, doc_id: str) -> str:
    """The entity's IRI as the loader mints it: shared things by id, a keyed event or action by its key (or
    Wikidata item), the rest inside the document."""
    if e.segment is None:
        return str(FPR[e.id])
    return str(FPR[f"{e.segment}/{e.shared_key}"]) if e.shared_key else str(doc_resource(doc_id, e.segment, e.id))


def _declarations(paths: Iterable[Path]) -> list[tuple[str, str, str, str, str, int]]:
    """(entity IRI, entity id, field, value, file, line) for every entity declared with a Wikidata item or an ISO
    code."""
    from kg.annotate.annotations import read_annotation

    found = []
    for path in paths:
        ann = read_annotation(path)
        for e in ann.entities.values():
            for field, value in (("wikidata", e.wikidata), ("iso3", e.iso3)):
                if value:
                    found.append((_iri(e, ann.document.id), e.id, field, value, str(path), e.line_of(field)))
    return found


def identity_problems(paths: Iterable[str | Path]) -> list[AnnotationError]:
    """Every conflict between the entity declarations of ``paths``: one error per extra claimant, naming it and
    the first declaration it conflicts with. A Wikidata item names one entity and an entity has one item; a state
    has one ISO code.

    :raises LoadError: if a file cannot be read or parsed; :raises AnnotationError: if one is invalid.
    """
    first_by_item: dict[str, tuple[str, str, int, str]] = {}
    first_by_entity: dict[tuple[str, str], tuple[str, str, int]] = {}
    problems: list[AnnotationError] = []
    for iri, name, field, value, file, line in _declarations(Path(p) for p in paths):
        what = "Wikidata item" if field == "wikidata" else "ISO code"
        other = first_by_item.setdefault(value, (iri, file, line, name)) if field == "wikidata" else (iri,)
        if other[0] != iri:
            problems.append(AnnotationError(
                f"entity {name!r} claims Wikidata item {value}, which {other[1]}:{other[2]} gives to "
                f"{other[3]!r}: one item, one entity (use the same entity id, or for an event the same key, in "
                f"both articles)", file=file, line=line, rule="wikidata-unique"))
        other = first_by_entity.setdefault((iri, field), (value, file, line))
        if other[0] != value:
            problems.append(AnnotationError(
                f"entity {name!r} claims {what} {value}, but {other[1]}:{other[2]} gives it {other[0]}: "
                f"one entity, one {what} (correct one of the two)", file=file, line=line,
                rule="wikidata-unique" if field == "wikidata" else "iso-unique"))
    return problems


def check_identities(paths: Iterable[str | Path]) -> None:
    """:raises AnnotationError: listing every conflict :func:`identity_problems` finds."""
    problems = identity_problems(paths)
    if problems:
        raise AnnotationError("Wikidata items or ISO codes conflict across articles", violations=problems)

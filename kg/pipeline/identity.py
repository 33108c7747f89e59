"""Identity across articles: one Wikidata item per entity, one entity per Wikidata item.

Each article declares its entities with an optional ``wikidata:`` item. Within one file the loader and the
SHACL shapes see each declaration alone; across files nothing else would notice two entities claiming the same
item (``Japan`` and ``Nippon`` both ``Q17``: the graph would hold two resources for one state, and queries
joining on the Wikidata IRI would double-count) or one shared entity given two items (``China`` ``Q148`` in one
article, ``Q1`` in another: ``fpr:China`` would be two things at once). :func:`check_identities` finds both and
names both declarations (file and line) in each error.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.errors import AnnotationError
from kg.rdf.namespaces import FPR, doc_resource


def _declarations(paths: Iterable[Path]) -> list[tuple[str, str, str, int]]:
    """(entity IRI, Wikidata item, file, line) for every entity declared with a Wikidata item."""
    from kg.annotate.annotations import read_annotation

    found = []
    for path in paths:
        ann = read_annotation(path)
        for e in ann.entities.values():
            if e.wikidata:
                iri = str(FPR[e.id]) if e.segment is None else str(doc_resource(ann.document.id, e.segment, e.id))
                found.append((iri, e.wikidata, str(path), e.line_of("wikidata")))
    return found


def identity_problems(paths: Iterable[str | Path]) -> list[AnnotationError]:
    """Every conflict between the entity declarations of ``paths``: one error per extra claimant, naming it and
    the first declaration it conflicts with.

    :raises LoadError: if a file cannot be read or parsed; :raises AnnotationError: if one is invalid.
    """
    first_by_item: dict[str, tuple[str, str, int]] = {}
    first_by_entity: dict[str, tuple[str, str, int]] = {}
    problems: list[AnnotationError] = []
    for iri, item, file, line in _declarations(Path(p) for p in paths):
        name = iri.rsplit("/", 1)[1]
        other = first_by_item.setdefault(item, (iri, file, line))
        if other[0] != iri:
            problems.append(AnnotationError(
                f"entity {name!r} claims Wikidata item {item}, which {other[1]}:{other[2]} gives to "
                f"{other[0].rsplit('/', 1)[1]!r}: one item, one entity (use the same entity id in both articles)",
                file=file, line=line, rule="wikidata-unique"))
        other = first_by_entity.setdefault(iri, (item, file, line))
        if other[0] != item:
            problems.append(AnnotationError(
                f"entity {name!r} claims Wikidata item {item}, but {other[1]}:{other[2]} gives it {other[0]}: "
                f"one entity, one item (correct one of the two)", file=file, line=line, rule="wikidata-unique"))
    return problems


def check_identities(paths: Iterable[str | Path]) -> None:
    """:raises AnnotationError: listing every conflict :func:`identity_problems` finds."""
    problems = identity_problems(paths)
    if problems:
        raise AnnotationError("Wikidata identities conflict across articles", violations=problems)

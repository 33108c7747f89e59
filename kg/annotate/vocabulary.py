"""What an annotation may name, read off the ontology instead of a table of the loader's own.

- **Entity types**: every class that is, or is under, a class marked ``fp:sharedAcrossDocuments`` (its
  individuals are ``fpr:{id}`` in every document: states, persons, places, treaties) or carrying an
  ``fp:iriSegment`` (its individuals belong to a document: ``fpr:{doc}/{segment}/{id}``); the nearest mark wins.
- **Fact properties**: every ``fp:`` and ``org:`` object or datatype property except those of claims, documents,
  paragraphs and text anchors (the loader writes those itself). The object's form follows the range: a
  ``skos:Concept`` range takes a concept, another class an entity, an XSD datatype a literal of it; a property
  without range says its form with ``fp:annotationForm`` (``fp:date``).
- **Concepts and open schemes**: every SKOS concept of the ontology, and the schemes marked ``fp:openToCorpus``
  that an annotation's ``kinds`` section may extend.

>>> vocabulary().types["Summit"], vocabulary().types["State"], vocabulary().types["Membership"]
(('event', 'https://w3id.org/fpkg/ontology#Summit'), (None, 'https://w3id.org/fpkg/ontology#State'), ('membership', 'http://www.w3.org/ns/org#Membership'))
>>> vocabulary().properties["hasConcern"], vocabulary().properties["concernRank"][1]
(('fp:hasConcern', 'entity'), 'positiveInteger')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.rdf.namespaces import FP, FPK, OA, ORG
from kg.rdf.ontology import load_ontology

#: Classes whose properties the loader writes itself: no annotation fact may use them.
_LOADER_WRITES = (FP.Claim, FP.Document, FP.Paragraph, OA.Annotation)
#: Properties the loader writes from other fields (an entity's ``status``) or of files (a build's inputs).
_LOADER_PROPERTIES = (FP.status, FP.usedOntologyVersion, FP.sourceFile, FP.sha256)
#: Literal forms by XSD range (the annotation checks and converts values of these forms).
_FORMS = {XSD.positiveInteger: "positiveInteger", XSD.string: "string", XSD.boolean: "boolean"}
_PREFIXES = {str(FP): "fp", str(ORG): "org"}


@dataclass(frozen=True)
class Vocabulary:
    """``types``: type name -> (IRI segment or None for shared, class IRI); ``properties``: fact name ->
    (prefixed IRI, object form); ``concepts``: every SKOS concept IRI -> its schemes; ``open_schemes``: the
    schemes a corpus may extend; ``labels``: lower-cased labels of every fp:/fpk: term -> the term;
    ``deprecated``: fact names the ontology deprecates -> its note on what to use instead."""

    types: dict
    properties: dict
    concepts: dict
    open_schemes: frozenset
    labels: dict
    deprecated: dict


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _placement(onto: Graph, cls) -> tuple[bool, str | None] | None:
    """(True, None) for a shared class, (False, segment) for a per-document one, None if neither is marked:
    the nearest marked class up the rdfs:subClassOf hierarchy decides (breadth first; all marks found at that
    distance must agree)."""
    frontier, seen = [cls], {cls}
    while frontier:
        marks = set()
        for c in frontier:
            if onto.value(c, FP.sharedAcrossDocuments) is not None:
                marks.add(None)
            segment = onto.value(c, FP.iriSegment)
            if segment is not None:
                marks.add(str(segment))
        if len(marks) == 1:
            return (True, None) if None in marks else (False, marks.pop())
        if marks:
            return None  # conflicting marks at one distance: not usable as an entity type
        frontier = [s for c in frontier for s in onto.objects(c, RDFS.subClassOf)
                    if isinstance(s, URIRef) and s not in seen]
        seen.update(frontier)
    return None


def _under(onto: Graph, cls, roots) -> bool:
    return any(r in roots for r in onto.transitive_objects(cls, RDFS.subClassOf))


def _domains(onto: Graph, prop) -> list:
    """The named classes of ``prop``'s domain (the members of a union)."""
    found = []
    for d in onto.objects(prop, RDFS.domain):
        members = onto.value(d, OWL.unionOf)
        found += list(onto.items(members)) if members is not None else [d]
    return found


def _form(onto: Graph, prop, kind) -> str | None:
    declared = onto.value(prop, FP.annotationForm)
    if declared is not None:
        return str(declared)
    ranges = list(onto.objects(prop, RDFS.range))
    if kind == OWL.ObjectProperty:
        if any(_under(onto, r, {SKOS.Concept}) for r in ranges if isinstance(r, URIRef)):
            return "concept"
        return "entity"
    return next((_FORMS[r] for r in ranges if r in _FORMS), None)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The ontology's vocabulary for annotations (cached).

    :raises LoadError: if the ontology does not parse.
    """
    onto = load_ontology()
    types = {}
    for cls in set(onto.subjects(RDF.type, OWL.Class)):
        if isinstance(cls, URIRef) and str(cls).startswith((str(FP), str(ORG))):
            placement = _placement(onto, cls)
            if placement is not None:
                types[_local(cls)] = (placement[1], str(cls))
    properties = {}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in set(onto.subjects(RDF.type, kind)):
            prefix = _PREFIXES.get(str(prop)[:len(str(prop)) - len(_local(prop))])
            domains = _domains(onto, prop)
            ranges = [r for r in onto.objects(prop, RDFS.range) if isinstance(r, URIRef)]
            if prefix is None or prop in _LOADER_PROPERTIES or (prefix == "fp" and not domains) or (
                    domains and all(_under(onto, d, _LOADER_WRITES) for d in domains)) or any(
                    _under(onto, r, _LOADER_WRITES) for r in ranges):
                continue
            form = _form(onto, prop, kind)
            if form is not None:
                name = _local(prop) if prefix == "fp" else f"{prefix}:{_local(prop)}"
                properties[name] = (f"{prefix}:{_local(prop)}", form)
    concepts = {}
    for concept in onto.subjects(RDF.type, SKOS.Concept):
        concepts[str(concept)] = frozenset(str(s) for s in onto.objects(concept, SKOS.inScheme))
    open_schemes = frozenset(str(s) for s in onto.subjects(FP.openToCorpus, None) if str(s).startswith(str(FPK)))
    labels = {}
    for prop in (RDFS.label, SKOS.prefLabel):
        for term, label in onto.subject_objects(prop):
            if str(term).startswith(("https://w3id.org/fpkg/",)):
                labels.setdefault(str(label).lower(), str(term))
    deprecated = {name: str(onto.value(URIRef(str(FP) + name), SKOS.historyNote) or "deprecated")
                  for name in properties if (URIRef(str(FP) + name), OWL.deprecated, None) in onto}
    return Vocabulary(dict(sorted(types.items())), dict(sorted(properties.items())), concepts, open_schemes,
                      labels, deprecated)

"""Every piece of English prose in the ontology says it is English: labels, definitions, notes and examples carry
``@en``, so that tools choosing a label by language (pyLODE, Protégé, SPARQL ``langMatches``) find them and a
later translation can sit beside them."""

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDFS, SKOS

from kg.resources import ontology_files

#: The properties whose values are prose in a natural language (names and codes, such as dcterms:creator or
#: skos:notation, are not).
PROSE = (RDFS.label, RDFS.comment, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, SKOS.definition,
         SKOS.scopeNote, SKOS.note, SKOS.example, SKOS.historyNote, SKOS.editorialNote, SKOS.changeNote,
         DCTERMS.title, DCTERMS.description)


def untagged(graph: Graph) -> list[str]:
    """The prose values of ``graph`` not tagged ``@en``, as ``subject property "value"``."""
    return sorted(f"{graph.qname(s)} {graph.qname(p)} {o.n3()[:60]}" for p in PROSE
                  for s, o in graph.subject_objects(p) if not (isinstance(o, Literal) and o.language == "en"))


@pytest.mark.parametrize("path", ontology_files(), ids=lambda p: p.name)
def test_labels_and_definitions_are_tagged_en(path):
    """Every rdfs:label, skos:prefLabel, skos:definition (and other prose) of an ontology file carries @en."""
    graph = Graph().parse(path, format="turtle")
    assert any(True for p in (RDFS.label, SKOS.prefLabel) for _ in graph.subject_objects(p))  # labels to check
    assert untagged(graph) == []


@pytest.mark.parametrize("value", ['"state"', '"state"@en-GB', '"state"^^xsd:string', "<https://example.org/x>"])
def test_an_untagged_label_is_reported(value):
    """A label without @en (plain, another tag, a typed string or an IRI) is reported with its term."""
    graph = Graph().parse(data="@prefix fp: <https://w3id.org/fpkg/ontology#> . "
                               "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
                               f"fp:Broken <http://www.w3.org/2000/01/rdf-schema#label> {value} .", format="turtle")
    assert [line.split()[0] for line in untagged(graph)] == ["fp:Broken"]

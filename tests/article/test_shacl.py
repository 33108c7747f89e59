"""The seed article's graph conforms to the ontology's SHACL shapes, and a violation points back to the annotation."""

from rdflib import Graph
from rdflib.namespace import RDF

from kg.rdf.namespaces import FP, FPR
from kg.check.shacl import validate_graph


def test_seed_article_conforms_to_the_shapes(article):
    """The union of the article's three graphs validates with no result of any severity."""
    result = validate_graph(article.union(), origins=article.origins)
    assert result.conforms, "\n".join(str(v) for v in result.violations)


def test_a_violation_names_the_annotation_line(article, seed_annotation, line_of):
    """Removing a claim's holder breaks the claim shape, reported at the claim's line in the annotation."""
    claim = FPR["mibae-2018-china-north-korea/claim/main-concerns"]
    broken = Graph()
    for triple in article.union():
        if not (triple[0] == claim and triple[1] == FP.viewOf):
            broken.add(triple)
    assert (claim, RDF.type, FP.Claim) in broken
    result = validate_graph(broken, origins=article.origins)
    assert not result.conforms
    hits = [v for v in result.violations if v.node == f"<{claim}>"]
    assert hits and hits[0].file == str(seed_annotation)
    assert hits[0].line == line_of(seed_annotation, "- id: main-concerns")

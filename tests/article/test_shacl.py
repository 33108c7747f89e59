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


def test_a_violation_about_a_fact_names_the_line_of_the_fact(tmp_path, fixtures_dir, line_of):
    """A fact that breaks a shape (a person as an action's place) is reported at the fact's line, not at the
    line that declares the action."""
    from kg.annotate.loader import load_article

    text = (fixtures_dir / "valid-small.yaml").read_text(encoding="utf-8")
    text = text.replace("  china-stability: {type: Interest",
                        "  outreach: {type: DiplomaticOutreach, label: outreach}\n  china-stability: {type: Interest")
    text = text.replace("      - [china-stability, interestKind, fpk:RegionalStability]\n",
                        "      - [china-stability, interestKind, fpk:RegionalStability]\n"
                        "      - [outreach, hasActor, China]\n      - [outreach, atPlace, TaisukeMibae]\n")
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "mibae-2018-china-north-korea.txt").write_bytes(
        (fixtures_dir / "mibae-2018-china-north-korea.txt").read_bytes())
    article = load_article(path)
    result = validate_graph(article.union(), origins=article.origins)
    hits = [v for v in result.violations if v.path == "fp:atPlace"]
    assert hits and (hits[0].file, hits[0].line) == (str(path), line_of(path, "[outreach, atPlace, TaisukeMibae]"))

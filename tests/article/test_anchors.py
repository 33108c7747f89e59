"""Every claim's text anchor points at the article's own words, checked against an independent reading of the file."""

from rdflib import URIRef

from kg.rdf.namespaces import FP, OA

ANCHORS = """
SELECT ?claim ?exact ?prefix ?suffix ?start ?end ?ptext ?pindex WHERE {
  ?claim fp:hasTextAnchor ?a .
  ?a oa:hasBody ?claim ; oa:hasTarget ?t ; fp:inParagraph ?p .
  ?t oa:hasSource ?doc ; oa:hasSelector ?q, ?pos .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix }
  ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  ?p fp:text ?ptext ; fp:paragraphIndex ?pindex .
}"""


def _file_text(path) -> str:
    # Read without newline translation: positions count every code point of the file as stored.
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _anchors(union):
    return list(union.query(ANCHORS, initNs={"fp": FP, "oa": OA}))


def test_every_claim_has_exactly_one_anchor(union, article):
    """Each claim of the annotation has one anchor, with one quote and one position selector."""
    rows = _anchors(union)
    assert len(rows) == len(article.annotation.claims) == len({r.claim for r in rows})


def test_every_anchor_position_matches_its_quote(union, seed_text_path):
    """text[start:end] of the file equals oa:exact, and start < end."""
    text = _file_text(seed_text_path)
    for row in _anchors(union):
        start, end = row.start.toPython(), row.end.toPython()
        assert 0 <= start < end <= len(text)
        assert text[start:end] == str(row.exact), row.claim


def test_prefix_and_suffix_are_the_surrounding_32_characters(union, seed_text_path):
    """oa:prefix and oa:suffix are the up-to-32 code points before and after the quote, absent when empty."""
    text = _file_text(seed_text_path)
    for row in _anchors(union):
        start, end = row.start.toPython(), row.end.toPython()
        assert (str(row.prefix) if row.prefix is not None else "") == text[max(0, start - 32):start]
        assert (str(row.suffix) if row.suffix is not None else "") == text[end:end + 32]


def test_anchor_paragraph_is_the_file_line_holding_the_quote(union, seed_text_path):
    """fp:inParagraph names the file line (paragraph index = line number - 1) that contains the quote."""
    text = _file_text(seed_text_path)
    for row in _anchors(union):
        start = row.start.toPython()
        assert text.count("\n", 0, start) == row.pindex.toPython()
        assert str(row.exact) in str(row.ptext)


def test_quotes_use_the_article_typography(article):
    """Quotes keep the article's curly apostrophe; none has a straight one the article never uses."""
    quotes = [c.quote for c in article.annotation.claims]
    assert any("’" in q for q in quotes)
    assert not any("'" in q for q in quotes)


def test_anchor_nodes_are_iris_under_their_claim(union):
    """Anchors, targets and selectors are IRIs derived from the claim IRI, never blank nodes."""
    for row in _anchors(union):
        anchor = union.value(row.claim, FP.hasTextAnchor)
        assert isinstance(anchor, URIRef) and str(anchor) == f"{row.claim}/anchor"
        target = union.value(anchor, OA.hasTarget)
        assert str(target) == f"{row.claim}/anchor/target"
        assert {str(s) for s in union.objects(target, OA.hasSelector)} == {
            f"{row.claim}/anchor/quote", f"{row.claim}/anchor/position"}

"""The verified states (ontology/reference/states.ttl) are a clean table, kept out of the ontology, and every state
of the seed articles that names one of them names it whole."""

import re

from rdflib import Graph

from kg.annotate.annotations import read_annotation
from kg.check.ontology import load_ontology
from kg.rdf.states import known_states
from kg.resources import ontology_files, states_file


def test_each_item_code_and_name_is_one_row():
    """No Wikidata item, ISO code or English name appears in two rows, and each has its form."""
    rows = list(known_states().by_item.values())
    assert len(rows) >= 13
    for index in ("by_item", "by_iso", "by_name"):
        assert len(getattr(known_states(), index)) == len(rows), index
    assert all(re.fullmatch(r"Q[1-9][0-9]*", r.item) and re.fullmatch(r"[A-Z]{3}", r.iso3) for r in rows)


def test_the_table_is_not_part_of_the_ontology():
    """The reasoner and SHACL never see the table: it is not an ontology file and none of its items is in it."""
    assert states_file() not in ontology_files()
    items = set(Graph().parse(states_file(), format="turtle").subjects())
    assert not items & set(load_ontology().subjects())


def test_the_seed_articles_states_agree_with_the_table(seeds_dir):
    """Every seed entity whose Wikidata item or ISO code is in the table has the item and code of that row."""
    checked = 0
    for path in sorted(seeds_dir.glob("*.yaml")):
        for e in read_annotation(path).entities.values():
            row = known_states().by_item.get(e.wikidata or "") or known_states().by_iso.get(e.iso3 or "")
            if row:
                checked += 1
                assert (e.wikidata, e.iso3) == (row.item, row.iso3), (path.name, e.id)
    assert checked >= 15

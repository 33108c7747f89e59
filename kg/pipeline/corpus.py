"""Checks that span articles: two annotations may name the same shared thing (``fpr:China``, a treaty, an event
with a key), and then they must not contradict each other about who it is.

Each article is validated alone (SHACL never spans two articles), so this is the one place where a corpus is
looked at as a whole: a shared resource given two different Wikidata items or ISO codes by two articles, or a
kind (``kinds`` section) declared by two articles with different schemes, labels or definitions, is refused,
naming both graphs. (Different ``rdfs:label`` of an entity are allowed: they are each encoder's wording.)

>>> import pyoxigraph as ox
>>> quad = lambda item, doc: ox.Quad(ox.NamedNode("https://w3id.org/fpkg/resource/Turkey"),
...     ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
...     ox.NamedNode(f"http://www.wikidata.org/entity/{item}"),
...     ox.NamedNode(f"https://w3id.org/fpkg/graph/{doc}/background"))
>>> disagreements([quad("Q43", "a"), quad("Q43", "b")])
[]
>>> disagreements([quad("Q43", "a"), quad("Q148", "b")])
['fpr:Turkey skos:exactMatch: wd:Q148 in fpg:b/background, wd:Q43 in fpg:a/background']
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from kg.rdf.namespaces import FP, FPG, FPK, FPR, SKOS, WD

#: Properties that identify a shared thing, one value per resource across the corpus: an entity's Wikidata item and
#: ISO code, and a kind's scheme, label and definition (a kind two annotations declare must be one concept).
IDENTIFYING = {str(SKOS.exactMatch): "skos:exactMatch", str(FP.iso3166Alpha3): "fp:iso3166Alpha3",
               str(SKOS.inScheme): "skos:inScheme", str(SKOS.prefLabel): "skos:prefLabel",
               str(SKOS.definition): "skos:definition"}
_SHORT = ((str(FPR), "fpr:"), (str(WD), "wd:"), (str(FPG), "fpg:"), (str(FPK), "fpk:"))


def _short(term) -> str:
    text = term.value
    for long, brief in _SHORT:
        if isinstance(term, ox.NamedNode) and text.startswith(long):
            return brief + text[len(long):]
    return f'"{text}"' if isinstance(term, ox.Literal) else f"<{text}>"


def disagreements(quads) -> list[str]:
    """One line per (resource, identifying property) to which different graphs give different values."""
    found: dict = defaultdict(lambda: defaultdict(set))
    for q in quads:
        if q.predicate.value in IDENTIFYING and q.graph_name is not None and not isinstance(q.graph_name,
                                                                                           ox.DefaultGraph):
            found[(q.subject, q.predicate.value)][q.object].add(q.graph_name)
    lines = []
    for (subject, predicate), values in sorted(found.items(), key=lambda kv: (kv[0][0].value, kv[0][1])):
        if len(values) > 1:
            where = sorted(f"{_short(v)} in {', '.join(sorted(_short(g) for g in graphs))}"
                           for v, graphs in values.items())
            lines.append(f"{_short(subject)} {IDENTIFYING[predicate]}: {', '.join(where)}")
    return lines

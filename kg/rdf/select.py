"""Which graphs an export holds: named graphs by IRI, by role, without the ontology or the article text.

Every graph of a built dataset has one role: ``assertions``, ``background`` and ``provenance`` (one graph each
per article, ``fpg:DOC/ROLE``), ``inferred`` (``fpg:inferred``), ``ontology`` (``fpg:ontology``) and ``linked``
(``fpg:linked/NAME``, from ``kg link``).

>>> graph_role("https://w3id.org/fpkg/graph/mibae-2018/background"), graph_role("https://w3id.org/fpkg/graph/ontology")
('background', 'ontology')
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.rdf.namespaces import FP, FPG, GRAPH_ROLES, INFERRED_GRAPH, ONTOLOGY_GRAPH

ROLES = (*GRAPH_ROLES, "inferred", "ontology", "linked")
#: Literals holding article text: the whole text of a document and of each paragraph.
TEXT_PREDICATES = frozenset({str(FP.text)})


def graph_role(iri: str) -> str | None:
    """The role of graph ``iri`` (one of :data:`ROLES`), or None for a graph that is not ours."""
    if iri == str(ONTOLOGY_GRAPH):
        return "ontology"
    if iri == str(INFERRED_GRAPH):
        return "inferred"
    if not iri.startswith(str(FPG)):
        return None
    local = iri[len(str(FPG)):]
    if local.startswith("linked/"):
        return "linked"
    role = local.rsplit("/", 1)[-1]
    return role if role in GRAPH_ROLES and "/" in local else None


def select(quads: Iterable[ox.Quad], *, graphs: Iterable[str] = (), roles: Iterable[str] = (),
           ontology: bool = True, text: bool = True) -> list[ox.Quad]:
    """The quads of the graphs named in ``graphs`` or having one of ``roles`` (all graphs when both are empty),
    without the ontology graph unless ``ontology``, without article text (``fp:text``) unless ``text``."""
    graphs, roles = set(graphs), set(roles)
    everything = not graphs and not roles
    out = []
    for q in quads:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        role = graph_role(name)
        if not (everything or name in graphs or role in roles):
            continue
        if role == "ontology" and not ontology and name not in graphs:
            continue
        if not text and q.predicate.value in TEXT_PREDICATES:
            continue
        out.append(q)
    return out

"""Checks of what an article's graphs mean, graph by graph, beyond what SHACL Core can say of their union.

An article's data is three named graphs (``fpg:{doc}/assertions``, ``/background``, ``/provenance``), and their
roles carry meaning that the union hides: the assertions graph holds exactly the content of the article's
certain (CT+) claims, encoder knowledge is never a claim, and a text anchor's offsets give back its quote.
The annotation loader builds data that way; RDF given to ``kg validate`` or ``kg build`` directly (TriG,
N-Quads) may not, so these run on every article. They are plain Python over an rdflib Dataset, not SHACL-SPARQL:
pySHACL re-parses a SPARQL constraint for every focus node, and these need a whole graph at a time.

Soft rules are reported with severity ``Warning`` (a state, person or organisation with no Wikidata item): they
are printed but do not refuse the data.

>>> from rdflib import Dataset
>>> meaning_problems(Dataset())
[]
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.check import facts as fact_checks
from kg.check.shacl import Violation
from kg.rdf.namespaces import FP, FPG, FPK, OA, statement_digest

_CERTAIN = FPK["CT-plus"]
#: Triples of the assertions graph that are the loader's own description of an entity, not a claim's content.
_DESCRIPTIVE = (RDF.type, FP.status)
#: What only the provenance graph describes, besides claims: how a claim is tied to its words and its content.
_PROVENANCE_ONLY = ((OA.Annotation, "a text anchor"), (RDF.Statement, "a reified statement (a claim's content)"),
                    (FP.Cue, "a cue (hedge or connective words)"))
#: Kinds of actor that other graphs should be able to join on a Wikidata item.
_LINKABLE = (FP.State, FP.Person, FP.Organization)


def _documents(dataset: Dataset) -> dict[str, dict[str, object]]:
    """Document id -> role -> graph, for the graphs named ``fpg:{doc}/{role}``."""
    out: dict[str, dict[str, object]] = {}
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name.startswith(str(FPG)) and "/" in name[len(str(FPG)):]:
            doc, role = name[len(str(FPG)):].rsplit("/", 1)
            out.setdefault(doc, {})[role] = graph
    return out


def _term(node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else repr(str(node))


def meaning_problems(dataset: Dataset, origins: dict | None = None) -> list[Violation]:
    """Every problem of meaning in the articles of ``dataset``, violations and warnings, each with the file and
    line of its node where ``origins`` (node IRI -> (file, line)) knows it."""
    origins = origins or {}
    problems: list[Violation] = []
    # A problem with one fact is placed at the line of the fact (through its rdf:Statement's digest), else its node.
    fact_lines = {key.rsplit("/", 1)[1]: where for key, where in origins.items() if "/statement/" in key}

    def report(node, message: str, rule: str, triple=None, severity: str = "Violation") -> None:
        file, line = fact_lines.get(statement_digest(triple)) if triple and statement_digest(triple) in fact_lines \
            else origins.get(str(node), (None, None))
        path = _term(triple[1]) if triple else None
        problems.append(Violation(_term(node), path, None, message, f"fp:meaning/{rule}", severity, file, line))

    documents = sorted(_documents(dataset).items())
    everything = Graph()  # the facts of every article: one Wikidata item names one thing across them all
    for doc, graphs in documents:
        facts = Graph()
        for role in ("assertions", "background"):
            if graphs.get(role) is not None:
                facts += graphs[role]
        fact_checks.concern_ranks(facts, report)
        fact_checks.priority_cycles(facts, report)
        everything += facts
    fact_checks.identities(everything, report)
    for doc, graphs in documents:
        assertions, background, provenance = (graphs.get(r) for r in ("assertions", "background", "provenance"))
        for role, graph in (("background", background), ("assertions", assertions)):
            for node in sorted(set(graph.subjects(RDF.type, FP.Claim)) if graph is not None else ()):
                report(node, f"a claim in the {role} graph of {doc}: claims and their anchors belong in the "
                             f"provenance graph (encoder knowledge is never a claim)", "claim-in-" + role)
            for cls, what in _PROVENANCE_ONLY:
                for node in sorted(set(graph.subjects(RDF.type, cls)) if graph is not None else ()):
                    report(node, f"{what} in the {role} graph of {doc}: it belongs in the provenance graph, with the "
                                 f"claim it serves", "claim-in-" + role)
        if provenance is None:
            continue
        supported, hedged = set(), {}
        for claim in sorted(set(provenance.subjects(RDF.type, FP.Claim))):
            modality = provenance.value(claim, FP.modality)
            for statement in provenance.objects(claim, FP.asserts):
                triple = tuple(provenance.value(statement, p) for p in (RDF.subject, RDF.predicate, RDF.object))
                if None in triple:
                    continue
                if modality not in (None, _CERTAIN):
                    hedged.setdefault(triple, (claim, modality))
                    continue
                supported.add(triple)
                if assertions is None or triple not in assertions:
                    report(statement, f"claim <{claim}> states this triple as certain, but the assertions graph of "
                                      f"{doc} does not hold it: add it there, or give the claim a modality",
                           "statement-not-asserted")
        for triple in sorted(assertions or (), key=str):
            if triple[1] in _DESCRIPTIVE or triple in supported:
                continue
            if triple in hedged:
                claim, modality = hedged[triple]
                why = (f"only claims not stated as certain state it (<{claim}>, modality <{modality}>): their content "
                       f"stays reified in the provenance graph, out of the assertions")
            else:
                why = ("encoder knowledge goes to the background graph, and a claim's content is reified with "
                       "fp:asserts")
            report(triple[0], f"the assertions graph of {doc} holds {_term(triple[1])} {_term(triple[2])}, but no "
                              f"certain claim of the article states it: {why}", "asserted-without-claim", triple)
        _check_anchors(provenance, report)
        for node in sorted({s for t in _LINKABLE for g in (assertions, background) if g is not None
                            for s in g.subjects(RDF.type, t)}):
            if not any(g is not None and (node, SKOS.exactMatch, None) in g for g in (assertions, background)):
                report(node, "no Wikidata item (skos:exactMatch): other graphs cannot join on it; add one you have "
                             "verified", "no-wikidata", severity="Warning")
    return problems


def _check_anchors(provenance, report) -> None:
    """Report text anchors whose position selector does not give back their quote selector's words."""
    for target in sorted(set(provenance.subjects(OA.hasSource, None))):
        text = provenance.value(provenance.value(target, OA.hasSource), FP.text)
        selectors = list(provenance.objects(target, OA.hasSelector))
        exact = next((provenance.value(s, OA.exact) for s in selectors if (s, RDF.type, OA.TextQuoteSelector)
                      in provenance), None)
        position = next((s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in provenance), None)
        if text is None or exact is None or position is None:
            continue
        start, end = (provenance.value(position, p) for p in (OA.start, OA.end))
        if not isinstance(start, Literal) or not isinstance(end, Literal):
            continue
        start, end = int(start.toPython()), int(end.toPython())
        found = str(text)[start:end]
        if found != str(exact):
            report(position, f"offsets {start}-{end} give {found[:40]!r} in the document, not the quote "
                             f"{str(exact)[:40]!r}: correct oa:start and oa:end", "anchor-offsets")

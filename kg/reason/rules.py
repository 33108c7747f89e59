"""OWL reasoning over a corpus by rules derived from the ontology's axioms, evaluated on a pyoxigraph store.

Why: HermiT (:mod:`kg.reason.reasoning`) is exact for OWL 2 DL but starts a JVM per call and does not scale to a
corpus (docs/architecture.md). So the work is split. HermiT checks the **ontology alone**
(:func:`kg.reason.classification.ontology_check`: consistency and the class hierarchy, kept in :mod:`kg.cache` under the
sha256 of the ontology files), and the **data-level** consequences and clashes are computed here (:func:`infer`) by
rules read off the ontology's axioms, to a fixpoint, in seconds.

What :func:`infer` computes, for the union of the store's graphs (but ``fpg:ontology`` and ``fpg:inferred``), the
ontology's own individual assertions (the SKOS concepts) included:

- types: each individual's asserted classes, the named classes and ``owl:unionOf`` classes of the ``rdfs:domain``
  of every property it has a value of and of the ``rdfs:range`` of every object property it is a value of, and
  all their superclasses in HermiT's classification of the ontology (so ``rdfs:subClassOf`` and
  ``owl:equivalentClass`` between named classes, and whatever else HermiT derives between them);
- property values: ``rdfs:subPropertyOf``, ``owl:inverseOf``, ``owl:SymmetricProperty``,
  ``owl:TransitiveProperty`` and ``owl:propertyChainAxiom``, run semi-naively to a fixpoint;
- equality: two values of an ``owl:FunctionalProperty`` object property (or an ``owl:sameAs`` in the data) are one
  individual, which then has every type and value either has;
- unions: an individual that must be in an ``owl:unionOf`` (a domain or range) is given the classes every
  consistent choice of its members implies, by case analysis over the disjointness axioms;
- clashes (``consistent=False``): an individual in two disjoint classes (``owl:disjointWith``,
  ``owl:AllDisjointClasses``) or in a class HermiT finds unsatisfiable, a union none of whose members it can be
  in, two different values of a functional data property, a literal outside its property's datatype range or not
  valid for its own datatype, and ``owl:differentFrom`` individuals that are the same.

``inferred`` holds what :func:`kg.reason.reasoning.reason` gives: new triples only (asserted in no graph), types with
``fp:`` classes and values of ``fp:`` object properties, of ``fpr:`` individuals, never ``x p x`` (its ``_keep``).
As for HermiT, triples of undeclared terms, reification and ``xsd:date``/``gYear``/``gYearMonth`` literals
carry no OWL meaning here. The data is read with one index lookup per class and per property that has axioms
(constants in the pattern, no SPARQL ``FILTER``), then reasoned over in Python sets (measurements:
docs/architecture.md).

Ontology axioms written into the data (``rdfs:subClassOf`` triples in an article) are not read: the data is
assertions (types, property values, ``owl:sameAs``, ``owl:differentFrom``). Literals are checked for validity only
for properties with a range or a functional axiom; values that are blank nodes are reasoned over but, as with
HermiT, never reported. Which axioms become which rules: :mod:`kg.reason.axioms`.

Agreement with HermiT on the seed, synthetic articles and every reasoning fixture is tested in
``tests/ontology/test_rules.py`` (docs/architecture.md says with which one allowance).

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b'''@prefix fp: <https://w3id.org/fpkg/ontology#> . @prefix fpr: <https://w3id.org/fpkg/resource/> .
...     fpr:refugees fp:causedBy fpr:sanctions . fpr:sanctions fp:hasActor fpr:UnitedStates .''',
...     ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/fpkg/graph/doc/assertions"))
>>> result = infer(store)
>>> result.consistent
True
>>> for q in result.inferred:
...     print(*(t.value.rsplit("/", 1)[-1].replace("ontology#", "fp:") for t in (q.subject, q.predicate, q.object)))
UnitedStates 22-rdf-syntax-ns#type fp:Actor
refugees 22-rdf-syntax-ns#type fp:Concern
sanctions 22-rdf-syntax-ns#type fp:PolicyAction
refugees fp:linkedToActionsOf UnitedStates
"""

from __future__ import annotations

import time
from itertools import product

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kg.rdf.namespaces import FP, FPR
from kg.reason.axioms import Rules, compile_rules, project_rules
from kg.reason.facts import EXCLUDED_GRAPHS, RDF_TYPE, Data, Edges, Equality, asserted_quads, node_id, read_data
from kg.reason.literals import in_datatype, literal_value, show_literal
from kg.reason.reasoning import Reasoned, _short

_FP, _FPR = str(FP), str(FPR)



def _chain_pairs(edges: Edges, chain: tuple, i: int, delta: set) -> set:
    """Paths along the properties ``chain`` whose ``i``-th step is in ``delta``, as (first node, last node)."""
    paths = set(delta)
    for p in chain[i + 1:]:
        out = edges.out.get(p, {})
        paths = {(a, c) for a, b in paths for c in out.get(b, ())}
    for p in reversed(chain[:i]):
        inn = edges.inn.get(p, {})
        paths = {(a, c) for b, c in paths for a in inn.get(b, ())}
    return paths


def _close_edges(edges: Edges, rules: Rules, equality: Equality, delta: dict) -> None:
    """Apply the property rules and the equality of functional values, semi-naively, until nothing is new."""
    while delta:
        derived: dict[str, set] = {}
        for rule in rules.edge_rules:
            kind, p = rule[0], rule[1]
            if kind == "chain":
                for i, step in enumerate(rule[2]):
                    if step in delta:
                        derived.setdefault(p, set()).update(_chain_pairs(edges, rule[2], i, delta[step]))
            elif p not in delta:
                continue
            elif kind == "sub":
                derived.setdefault(rule[2], set()).update(delta[p])
            elif kind in ("inv", "sym"):
                derived.setdefault(rule[-1], set()).update((o, s) for s, o in delta[p])
            elif kind == "trans":
                derived.setdefault(p, set()).update(_chain_pairs(edges, (p, p), 0, delta[p]),
                                                    _chain_pairs(edges, (p, p), 1, delta[p]))
        grown: set = set()
        for p in rules.functional & set(delta):
            out = edges.out[p]
            for s in {s for s, _ in delta[p]}:
                if len(out[s]) > 1:
                    grown |= equality.merge(out[s])
        for p, pairs in edges.spread(grown, equality.same).items():
            derived.setdefault(p, set()).update(pairs)
        delta = {}
        for p, pairs in derived.items():
            new = edges.add(p, pairs)
            if new:
                delta[p] = new


def _term(node: str) -> str:
    return node if node.startswith("_:") else _short(URIRef(node))


def _clash_line(node: str, types: set, asserted: set, rules: Rules) -> str:
    """The first disjoint pair among ``types`` (of asserted classes first), worded as explain_clash words it."""
    pairs = [(min(a, b), max(a, b), how) for pair, how in rules.disjoint.items() for a, b in [tuple(pair)]
             if a in types and b in types]
    a, b, how = min(pairs, key=lambda c: (-(c[0] in asserted) - (c[1] in asserted),
                                          str((URIRef(c[0]), URIRef(c[1]), c[2]))))
    return f"{_term(node)} is both {_term(a)} and {_term(b)}, which are disjoint ({how})"


def _consistent_choices(types: frozenset, constraints: list, rules: Rules) -> list[set]:
    """The closure of ``types`` with each choice of one member per union of ``constraints`` that has no two
    disjoint classes."""
    found = []
    for choice in product(*(members for members, _ in constraints)):
        closure = set(types).union(*(rules.supers[c] for c in choice))
        if not closure & rules.unsatisfiable and not any(pair <= closure for pair in rules.disjoint):
            found.append(closure)
    return found


def _literal_clashes(literals: dict, rules: Rules, equality: Equality) -> list[str]:
    """Literals not valid for their datatype or outside their property's range; functional data properties with
    two values."""
    lines = []
    for p in sorted(literals):
        by_node: dict[str, dict] = {}
        for s, lit in literals[p]:
            value = literal_value(lit)
            if value is None:
                lines.append(f"{_term(s)} has {_term(p)} {show_literal(lit, _term)}, not a valid {_term(lit.datatype.value)}")
                continue
            lines += [f"{_term(s)} has {_term(p)} {show_literal(lit, _term)}, outside its range {_term(d)}"
                      for d in rules.datatype_ranges.get(p, ()) if not in_datatype(value, d)]
            by_node.setdefault(min(equality.same(s)), {}).setdefault(value, lit)
        if p in rules.functional_data:
            for s, values in sorted(by_node.items()):
                if len(values) > 1:
                    one_type = len({lit.datatype for lit in values.values()}) == 1
                    shown = ", ".join(sorted(lit.value if one_type else show_literal(lit, _term) for lit in values.values()))
                    lines.append(f"{_term(s)} has {len(values)} values of functional {_term(p)}: {shown}")
    return lines


def _same_values(store: ox.Store, rules: Rules, data: Data, equality: Equality) -> dict[str, set]:
    """Values of the object properties outside the edge rules, of individuals that are the same as others (rare:
    read individual by individual), given to each of them; their asserted values are added to ``data``."""
    spread: dict[str, set] = {}
    for n in list(equality.classes):
        term = ox.BlankNode(n[2:]) if n.startswith("_:") else ox.NamedNode(n)
        for q in [*store.quads_for_pattern(term, None, None), *store.quads_for_pattern(None, None, term)]:
            p = q.predicate.value
            if (p in rules.objects and p not in rules.edge_props and type(q.object) is not ox.Literal
                    and q.graph_name not in EXCLUDED_GRAPHS):
                s, o = node_id(q.subject), node_id(q.object)
                data.values.setdefault(p, set()).add((s, o))
                spread.setdefault(p, set()).update((a, b) for a in equality.same(s) for b in equality.same(o))
    return spread


def _types(rules: Rules, data: Data, edges: Edges, equality: Equality) -> tuple[dict, dict]:
    """Class -> its members (asserted, by domain and range, superclasses, shared by the same individuals); and
    individual -> the unions it must be in, each with the axiom that says so."""
    direct = {c: set(nodes) for c, nodes in data.types.items()}
    must: dict[str, set] = {}

    def typed(p: str, nodes, axioms: dict, where: str) -> None:
        for expression in axioms.get(p, ()):
            if isinstance(expression, tuple):
                constraint = (expression, f"{where} of {_term(p)}")
                for n in nodes:
                    must.setdefault(n, set()).add(constraint)
            else:
                direct[expression].update(nodes)

    for p in rules.edge_props:
        typed(p, edges.out.get(p, {}).keys(), rules.domains, "domain")
        typed(p, edges.inn.get(p, {}).keys(), rules.ranges, "range")
    for p, nodes in data.subjects.items():
        typed(p, nodes, rules.domains, "domain")
    for p, nodes in data.objects.items():
        typed(p, nodes, rules.ranges, "range")
    members: dict[str, set] = {c: set() for c in rules.classes}
    for c, nodes in direct.items():
        for sup in rules.supers[c]:
            members[sup] |= nodes
    for same in set(equality.classes.values()):
        for nodes in members.values():
            if same & nodes:
                nodes |= same
    return members, must


def _type_clashes(rules: Rules, data: Data, members: dict, must: dict, equality: Equality) -> list[str]:
    """Individuals in disjoint or unsatisfiable classes; then, for the others, unions by case analysis: the
    classes every consistent choice implies are added to ``members``, no consistent choice is a clash."""
    lines = []
    clashing: set = set().union(*(members[a] & members[b] for a, b in map(tuple, rules.disjoint)))
    for n in sorted(clashing):
        types = {c for c in rules.classes if n in members[c]}
        lines.append(_clash_line(n, types, {c for c in types if n in data.types[c]}, rules))
    for c in sorted(rules.unsatisfiable):
        lines += [f"{_term(n)} is a {_term(c)}, a class that can have no member" for n in sorted(members[c])]
        clashing |= members[c]
    for n in sorted({min(equality.same(n)) for n in must} - clashing):
        same = equality.same(n)
        constraints = sorted({m for node in same for m in must.get(node, ())
                              if not any(n in members[c] for c in m[0])})
        if not constraints:
            continue
        types = frozenset(c for c in rules.classes if n in members[c])
        choices = _consistent_choices(types, constraints, rules)
        if not choices:
            needs = " and ".join(f"{' or '.join(_term(c) for c in m)} ({w})" for m, w in constraints)
            known = ", ".join(sorted(_term(c) for c in types)) or "no class"
            lines.append(f"{_term(n)} must be {needs}, but every choice has two disjoint classes (its types: {known})")
            continue
        for c in set.intersection(*choices) - types:
            members[c] |= same
    return lines


def _new_triples(rules: Rules, data: Data, members: dict, edges: Edges, same_values: dict) -> list[ox.Quad]:
    """The entailed triples asserted nowhere, about fpr: individuals, as kg.reason.reasoning._keep keeps them."""
    inferred = []
    for c in sorted(rules.classes):
        if c.startswith(_FP):
            cls = ox.NamedNode(c)
            inferred += [ox.Quad(ox.NamedNode(n), RDF_TYPE, cls) for n in sorted(members[c] - data.types[c])
                         if n.startswith(_FPR)]
    for p in sorted(rules.edge_props | set(same_values)):
        if p.startswith(_FP):
            prop = ox.NamedNode(p)
            new = (edges.pairs.get(p, set()) | same_values.get(p, set())) - data.values.get(p, set())
            inferred += [ox.Quad(ox.NamedNode(s), prop, ox.NamedNode(o)) for s, o in sorted(new)
                         if s.startswith(_FPR) and s != o and not o.startswith("_:")]
    return inferred


def infer(store: ox.Store, ontology: Graph | None = None) -> Reasoned:
    """Consequences and clashes of the data in ``store`` under ``ontology`` (default the project's), by rules.

    The data is the union of every graph of ``store`` but ``fpg:ontology`` and ``fpg:inferred``. ``inferred``
    holds the new triples :func:`kg.reason.reasoning.reason` gives (quads in the default graph); when the data is
    inconsistent it is empty and ``explanation`` is ``inconsistent:`` then one line per clash, as there.

    :raises KgError: if the ontology has axioms the rules do not handle (:func:`kg.reason.axioms.unhandled_axioms`), or HermiT
        fails on the ontology (:func:`kg.reason.classification.ontology_check`).
    :raises InconsistencyError: if the ontology itself is inconsistent.
    """
    started = time.perf_counter()
    rules = project_rules() if ontology is None else compile_rules(ontology, project=False)
    data = read_data(store, rules)
    edges, equality = Edges(), Equality()
    for q in asserted_quads(store, str(OWL.sameAs)):
        equality.merge({node_id(q.subject), node_id(q.object)})
    delta = {p: edges.add(p, pairs) for p, pairs in data.values.items() if pairs}
    for p, pairs in edges.spread(list(equality.classes), equality.same).items():
        delta.setdefault(p, set()).update(edges.add(p, pairs))
    _close_edges(edges, rules, equality, delta)
    same_values = _same_values(store, rules, data, equality)
    members, must = _types(rules, data, edges, equality)
    lines = _type_clashes(rules, data, members, must, equality) + _literal_clashes(data.literals, rules, equality)
    for q in asserted_quads(store, str(OWL.differentFrom)):
        if node_id(q.object) in equality.same(node_id(q.subject)):
            lines.append(f"{_term(node_id(q.subject))} and {_term(node_id(q.object))} are owl:differentFrom but are "
                         f"the same individual")
    if lines:
        return Reasoned(False, "inconsistent: " + "\n".join(dict.fromkeys(lines)), [], time.perf_counter() - started)
    return Reasoned(True, "", _new_triples(rules, data, members, edges, same_values), time.perf_counter() - started)

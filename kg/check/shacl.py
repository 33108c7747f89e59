"""SHACL validation of fpkg data against ``ontology/shapes.ttl``, with each violation in plain words.

Validation runs pySHACL with SHACL Core only and no inference over the data merged with the ontology (every
``ontology/*.ttl`` except the shapes): pySHACL follows ``rdfs:subClassOf`` in that graph for ``sh:targetClass``
and ``sh:class``, so ``sh:class fp:PolicyAction`` accepts a ``fp:Summit``, and the SKOS concepts are there for
kind checks. RDFS inference is off on purpose: it would make every ``sh:class`` check on a property with an
``rdfs:range`` pass.

>>> from rdflib import Graph
>>> result = validate_graph(Graph().parse(data='''
...     @prefix fp: <https://w3id.org/fpkg/ontology#> .
...     <https://w3id.org/fpkg/resource/x> a fp:Priority .''', format="turtle"))
>>> result.conforms
False
>>> print(sorted({v.rule for v in result.violations}))
['fp:PriorityShape']
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.check.ontology import load_ontology, load_shapes
from kg.errors import ShapeViolation
from kg.rdf.namespaces import FP, FPK, SH, statement_digest


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in plain words; ``file``/``line`` say where the offending node was written, if known."""

    node: str
    path: str | None
    value: str | None
    message: str
    rule: str
    severity: str = "Violation"
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        path = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value is not None and self.value != self.node else ""
        return f"{where}{self.node}{path}{value}: {self.message} [{self.rule}]"

    def to_error(self) -> ShapeViolation:
        """This violation as the library's error type, for callers that collect or raise errors.

        >>> v = Violation("<https://w3id.org/fpkg/resource/x>", "fp:viewOf", None, "needs a holder", "fp:ClaimShape",
        ...               file="seeds/a.yaml", line=3)
        >>> str(v.to_error())
        'seeds/a.yaml:3: <https://w3id.org/fpkg/resource/x> fp:viewOf: needs a holder [fp:ClaimShape]'
        """
        path = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value is not None and self.value != self.node else ""
        where = {} if self.file else {"node": self.node.strip("<>")}
        text = f"{self.node}{path}{value}: {self.message}" if self.file else f"{path.strip()}{value}: {self.message}"
        return ShapeViolation(text.strip(), file=self.file, line=self.line, rule=self.rule, **where)


@dataclass
class ValidationResult:
    """Outcome of :func:`validate_graph`: ``conforms`` is True only if there is no result of any severity (SHACL
    1.0); ``errors`` are the results that refuse the data (``sh:Violation``), ``warnings`` the soft rules'
    (``sh:Warning``, ``sh:Info``), which are reported but refuse nothing."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    report_text: str = ""

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity != "Violation"]


@lru_cache(maxsize=1)
def shapes_ontology() -> Graph:
    """The part of the ontology the shapes can see (cached, do not mutate): ``rdf:type``, ``rdfs:subClassOf``
    and the triples whose predicate the shapes name (paths such as ``skos:inScheme`` or ``skos:notation``).
    No shape is closed, so the rest (definitions, OWL axioms: 1,475 -> 353 triples) cannot change a verdict; it
    only made pySHACL copy and search a bigger graph.

    :raises LoadError: if the ontology or the shapes do not parse.
    """
    named = {RDF.type, RDFS.subClassOf} | {o for o in load_shapes().objects() if isinstance(o, URIRef)}
    subset = Graph()
    subset += (t for t in load_ontology() if t[1] in named and not _owl_declaration(t, named))
    return subset


def _owl_declaration(triple, named: set) -> bool:
    """``x a owl:Class`` and the like: no shape targets or requires an OWL vocabulary class it does not name."""
    return triple[1] == RDF.type and str(triple[2]).startswith(str(OWL)) and triple[2] not in named


def _short(graph: Graph, term) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # rdflib refuses some IRIs it cannot split; show them whole
            return f"<{term}>"
    if isinstance(term, Literal):
        return repr(str(term)) if len(term) <= 60 else repr(str(term)[:57] + "...")
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _node_str(term) -> str:
    """Nodes print in full angle brackets so users can paste them into a query."""
    return f"<{term}>" if isinstance(term, URIRef) else _short(Graph(), term)


def _path_str(graph: Graph, path) -> str | None:
    """A SHACL property path in SPARQL syntax: ``fp:viewOf``, ``^fp:hasConcern``, ``fp:trend/skos:inScheme``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _short(graph, path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_str(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_str(graph, p) or "?" for p in graph.items(alternatives))
    if (path, RDF.first, None) in graph:
        return "/".join(_path_str(graph, p) or "?" for p in graph.items(path))
    return "(complex path)"


def _rule(shapes: Graph, source_shape) -> str:
    """The named node shape a result came from: a property shape is reported as the node shape holding it."""
    if isinstance(source_shape, BNode):
        owner = shapes.value(None, SH.property, source_shape) or shapes.value(None, SH.node, source_shape)
        if owner is not None:
            return _rule(shapes, owner)
    return _short(shapes, source_shape) or "?"


def _concept_hint(message: str, value) -> str:
    """For a concept refused because it is not in the scheme the message names (``fpk:InterestKinds``): the scheme's
    concepts when they are few, else the closest one ("did you mean"), as the annotation reader says it.

    >>> from kg.rdf.namespaces import FPK
    >>> _concept_hint("must be a concept of fpk:Trends", FPK.Improvng)
    ' (allowed: fpk:Deteriorating, fpk:Improving, fpk:Strengthening, fpk:Weakening)'
    >>> _concept_hint("must be a concept of fpk:ActionKinds", FPK["cameo-0429"])
    "; did you mean 'fpk:cameo-042'?"
    >>> _concept_hint("must be a concept of fpk:ConcernKinds", FPK.Blaim)
    ' (the ontology has fpk:Blame, ...; an article adds its own under kinds)'

    """
    found = re.search(r"fpk:([A-Za-z]+)", message)
    if not found or not isinstance(value, URIRef) or not str(value).startswith(str(FPK)):
        return ""
    ontology = shapes_ontology()
    names = sorted(str(c)[len(str(FPK)):] for c in ontology.subjects(SKOS.inScheme, FPK[found.group(1)]))
    if not names or str(value)[len(str(FPK)):] in names:
        return ""
    if (FPK[found.group(1)], FP.openToCorpus, None) in load_ontology():
        return " (the ontology has " + ", ".join("fpk:" + n for n in names) + "; an article adds its own under kinds)"
    if len(names) <= 12:
        return " (allowed: " + ", ".join("fpk:" + n for n in names) + ")"
    close = difflib.get_close_matches(str(value)[len(str(FPK)):], names, n=1)
    return f"; did you mean 'fpk:{close[0]}'?" if close else ""


def validate_graph(data: Graph, *, origins: dict | None = None) -> ValidationResult:
    """Validate ``data`` (a Graph, or a Dataset read as the union of its graphs) against the shapes.

    ``origins`` maps ``str(IRI)`` of a node to ``(file, line)`` where it was written; violations on such nodes
    carry that location. Never raises for non-conformance: look at ``conforms`` and ``violations``.

    :raises LoadError: if the ontology or the shapes do not parse.
    """
    import pyshacl  # 0.4-0.7 s to import: only when validating, so a build can fork its reasoner first

    shapes = load_shapes()
    # The data is validated together with the ontology in one graph. pySHACL's own ont_graph mixing deep-clones
    # every owl:NamedIndividual along all its links, which explodes on the SKOS schemes (minutes for 200 concepts).
    mixed = Graph()
    mixed += shapes_ontology()
    if hasattr(data, "quads"):
        # A Dataset: validate the union of its named graphs, as the SPARQL endpoint presents it.
        for s, p, o, _ in data.quads((None, None, None, None)):
            mixed.add((s, p, o))
    else:
        mixed += data
    conforms, report_graph, report_text = pyshacl.validate(
        mixed, shacl_graph=shapes, inference="none",
        advanced=False, meta_shacl=False, allow_warnings=False, abort_on_first=False)
    origins = origins or {}
    # A violation about one triple is placed at the line of the fact that wrote it, found through the triple's
    # rdf:Statement (whose IRI ends in the triple's digest); other violations at the line of their node.
    fact_lines = {key.rsplit("/", 1)[1]: where for key, where in origins.items() if "/statement/" in key}
    violations = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        node = report_graph.value(result, SH.focusNode)
        value = report_graph.value(result, SH.value)
        message = report_graph.value(result, SH.resultMessage)
        severity = report_graph.value(result, SH.resultSeverity)
        path = report_graph.value(result, SH.resultPath)
        fact = statement_digest((node, path, value)) if isinstance(path, URIRef) and value is not None else None
        file, line = fact_lines.get(fact) or origins.get(str(node), (None, None))
        text = str(message) if message is not None else "constraint not met"
        violations.append(Violation(
            node=_node_str(node),
            path=_path_str(report_graph, report_graph.value(result, SH.resultPath)),
            value=_node_str(value) if value is not None else None,
            message=text + _concept_hint(text, value),
            rule=_rule(shapes, report_graph.value(result, SH.sourceShape)),
            severity=severity.split("#")[-1] if severity is not None else "Violation",
            file=file, line=line))
    violations.sort(key=lambda v: (v.file or "", v.line or 0, v.node, v.path or "", v.message))
    return ValidationResult(conforms=bool(conforms), violations=violations, report_text=report_text)

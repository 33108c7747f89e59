"""Turn an article and its annotation into an RDF dataset with three named graphs.

``fpg:{doc}/assertions`` holds what the article states as so (entity types, the status of actions and events,
and the facts of every claim whose modality is certain, CT+: what is only possible, probable, feared or
recommended stays in the claim's reified content),
``fpg:{doc}/background`` what the encoder adds (labels, Wikidata items, ISO codes, dates' years),
``fpg:{doc}/provenance`` the document, its paragraphs, the claims with their W3C Web Annotation text
anchors and the reified statements they support. Every node is an IRI derived from the annotation,
so the same inputs always give the same triples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.annotate.annotations import read_annotation
from kg.annotate.model import CLAIM_KINDS, MODALITIES, RELATIONS, STATUSES, Annotation, Claim, Cue, Entity, Fact
from kg.annotate.values import raise_problems
from kg.annotate.vocabulary import vocabulary
from kg.errors import AnnotationError
from kg.rdf.namespaces import (FP, FPK, FPR, OA, ORG, PREFIXES, SCHEMA, WD, doc_resource, graph_iri,
                               statement_digest)
from kg.annotate.sourcefile import read_inside
from kg.annotate.text import Paragraph, find_quote, split_paragraphs

LOADER = FPR["agent/loader"]
#: The ontology version whose terms the loader writes (recorded on each build, prov:used).
ONTOLOGY_VERSION = URIRef("https://w3id.org/fpkg/ontology/0.2.0")
CONTEXT = 32  # characters of oa:prefix / oa:suffix kept on each side of a quote
_PREFIXED = {"fp": FP, "org": ORG, "fpk": FPK}


@dataclass
class LoadedArticle:
    doc_id: str
    dataset: Dataset
    origins: dict[str, tuple[str, int]]
    text: str
    paragraphs: list[Paragraph]
    annotation: Annotation

    def union(self) -> Graph:
        """All triples of the article's named graphs in one graph (what SHACL validates)."""
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        for quad in self.dataset.quads((None, None, None, None)):
            g.add(quad[:3])
        return g


def _term(value: str) -> URIRef:
    prefix, local = value.split(":", 1)
    return _PREFIXED[prefix][local]


def _literal(value, kind: str) -> Literal:
    if kind == "date":
        if isinstance(value, dt.date):
            return Literal(value.isoformat(), datatype=XSD.date)
        text = str(value)
        return Literal(text, datatype={4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date))
    if kind == "positiveInteger":
        return Literal(value, datatype=XSD.positiveInteger)
    if kind == "boolean":
        return Literal(value)
    return Literal(value)


def statement_iri(doc_id: str, triple) -> URIRef:
    """IRI of the rdf:Statement reifying ``triple`` in document ``doc_id`` (:func:`statement_digest`)."""
    return doc_resource(doc_id, "statement", statement_digest(triple))


class _Builder:
    def __init__(self, ann: Annotation, text: str):
        self.ann, self.text, self.doc_id = ann, text, ann.document.id
        self.file = str(ann.path)
        self.doc = FPR[self.doc_id]
        self.ds = Dataset()
        for prefix, ns in PREFIXES.items():
            self.ds.bind(prefix, ns)
        self.a = self.ds.graph(graph_iri(self.doc_id, "assertions"))
        self.b = self.ds.graph(graph_iri(self.doc_id, "background"))
        self.p = self.ds.graph(graph_iri(self.doc_id, "provenance"))
        self.origins: dict[str, tuple[str, int]] = {}
        self.paragraphs = split_paragraphs(text, ann.document.furniture)

    def mint(self, iri: URIRef, line: int, file: str | None = None) -> URIRef:
        self.origins.setdefault(str(iri), (file or self.file, line))
        return iri

    def entity(self, eid: str) -> URIRef:
        e = self.ann.entities[eid]
        if e.segment is None:
            return FPR[eid]
        # A key (or Wikidata item) makes a per-document kind of thing, such as an event, one resource for every
        # document naming it; each document's claims about it still stay in that document's graphs.
        return FPR[f"{e.segment}/{e.shared_key}"] if e.shared_key else doc_resource(self.doc_id, e.segment, eid)

    def triple(self, fact: Fact):
        iri, kind = vocabulary().properties[fact.predicate]
        obj = {"entity": lambda: self.entity(fact.obj), "concept": lambda: _term(fact.obj)}.get(
            kind, lambda: _literal(fact.obj, kind))()
        return self.entity(fact.subject), _term(iri), obj

    def statement(self, triple, line: int) -> URIRef:
        st = self.mint(statement_iri(self.doc_id, triple), line)
        for p, o in zip((RDF.subject, RDF.predicate, RDF.object), triple):
            self.p.add((st, p, o))
        self.p.add((st, RDF.type, RDF.Statement))
        return st

    def document(self) -> None:
        d = self.ann.document
        doc = self.mint(self.doc, d.line)
        self.p.add((doc, RDF.type, FP.Article))
        self.p.add((doc, FP.publicationKind, _term(d.kind)))
        self.p.add((doc, DCTERMS.creator, self.entity(d.author)))
        if d.publisher:
            self.p.add((doc, DCTERMS.publisher, self.entity(d.publisher)))
        if d.title:
            # A title the text itself carries is the article's; one the encoder had to supply is background.
            graph = self.p if d.title in self.text else self.b
            graph.add((doc, DCTERMS.title, Literal(d.title)))
        if d.issued is not None:
            self.b.add((doc, DCTERMS.issued, _literal(d.issued, "date")))
        if d.url:
            # Where the article is published: the encoder's knowledge, as the publication date is.
            self.b.add((doc, SCHEMA.url, URIRef(d.url)))
        source = corpus_path(d.text_path, self.ann.path)
        self.p.add((doc, FP.sourceFile, Literal(source)))
        self.p.add((doc, FP.sha256, Literal(hashlib.sha256(self.text.encode("utf-8")).hexdigest())))
        self.p.add((doc, FP.text, Literal(self.text)))
        for para in self.paragraphs:
            node = self.mint(doc_resource(self.doc_id, "paragraph", f"{para.index:02d}"), para.index + 1, source)
            self.p.add((node, RDF.type, FP.Paragraph))
            self.p.add((node, FP.inDocument, doc))
            self.p.add((node, FP.paragraphIndex, Literal(para.index, datatype=XSD.nonNegativeInteger)))
            self.p.add((node, FP.text, Literal(para.text)))
        for role in ("assertions", "background", "provenance"):
            g = self.mint(graph_iri(self.doc_id, role), d.line)
            self.p.add((g, PROV.wasDerivedFrom, doc))
        self.p.add((graph_iri(self.doc_id, "assertions"), FP.graphRole, FPK.ArticleContent))
        self.p.add((graph_iri(self.doc_id, "background"), FP.graphRole, FPK.EncoderKnowledge))
        self.provenance(d)

    def provenance(self, d) -> None:
        """Who encoded the article (a person) and the build that made the graphs from which annotation (its
        hash) with which ontology version: PROV, with no timestamp, so a rebuild gives the same triples."""
        encoder = self.mint(FPR[f"agent/{_slug(d.encoder)}"], d.line)
        self.p.add((encoder, RDF.type, PROV.Person))
        self.p.add((encoder, RDFS.label, Literal(d.encoder)))
        self.p.add((graph_iri(self.doc_id, "background"), PROV.wasAttributedTo, encoder))
        build = self.mint(FPR[f"{self.doc_id}/build"], d.line)
        annotation = self.mint(FPR[f"{self.doc_id}/annotation"], d.line)
        self.mint(LOADER, d.line)
        self.p.add((LOADER, RDF.type, PROV.SoftwareAgent))
        self.p.add((LOADER, RDFS.label, Literal("fpkg annotation loader", lang="en")))
        self.p.add((annotation, RDF.type, PROV.Entity))
        self.p.add((annotation, FP.sourceFile, Literal(corpus_path(self.ann.path, self.ann.path))))
        self.p.add((annotation, FP.sha256, Literal(hashlib.sha256(Path(self.ann.path).read_bytes()).hexdigest())))
        self.p.add((annotation, PROV.wasAttributedTo, encoder))
        self.p.add((build, RDF.type, PROV.Activity))
        self.p.add((build, PROV.used, annotation))
        self.p.add((build, PROV.used, self.doc))
        self.p.add((build, FP.usedOntologyVersion, ONTOLOGY_VERSION))
        self.p.add((build, PROV.wasAssociatedWith, LOADER))
        for role in ("assertions", "background", "provenance"):
            self.p.add((graph_iri(self.doc_id, role), PROV.wasGeneratedBy, build))

    def entity_description(self, e: Entity) -> None:
        node = self.mint(self.entity(e.id), e.line)
        for t in e.types:
            self.a.add((node, RDF.type, URIRef(vocabulary().types[t][1])))
        if e.segment in ("action", "event"):
            # Whether it happened is what the article says of it; an action it only fears is not an event.
            self.a.add((node, FP.status, FPK[STATUSES[e.status or "actual"]]))
        self.b.add((node, RDFS.label, Literal(e.label, lang="en")))
        if e.wikidata:
            self.b.add((node, SKOS.exactMatch, WD[e.wikidata]))
        if e.iso3:
            self.b.add((node, FP.iso3166Alpha3, Literal(e.iso3)))

    def paragraph_of(self, start: int, end: int) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.start <= start and end <= p.end), None)

    def claim(self, c: Claim, problems: list) -> None:
        try:
            start, end = find_quote(self.text, c.quote, c.occurrence, file=self.file, line=c.quote_line)
        except AnnotationError as exc:
            problems.append(exc)
            return
        para = self.paragraph_of(start, end)
        if para is None:
            problems.append(AnnotationError(f"quote of claim '{c.id}' is not inside one paragraph of the article "
                                            "body (it spans a line break or lies in page furniture)",
                                            file=self.file, line=c.quote_line, rule="quote-in-paragraph"))
            return
        node = self.mint(doc_resource(self.doc_id, "claim", c.id), c.line)
        for cls in (FP.Claim, FP[CLAIM_KINDS[c.kind]]):
            self.p.add((node, RDF.type, cls))
        self.p.add((node, FP.statedIn, self.doc))
        self.p.add((node, FP.statement, Literal(c.statement)))
        self.p.add((node, FP.assertedBy, self.entity(c.asserted_by or self.ann.document.author)))
        self.p.add((node, FP.modality, FPK[MODALITIES[c.modality]]))
        for pred, ids in ((FP.viewOf, c.views), (FP.addressee, c.addressees), (FP.recommends, c.recommends)):
            for eid in ids:
                self.p.add((node, pred, self.entity(eid)))
        for name, other, _line in c.relations:
            self.p.add((node, FP[RELATIONS[name]], doc_resource(self.doc_id, "claim", other)))
        for n, cue in enumerate(c.hedges, 1):
            at = start + c.quote.index(cue.text)
            self.p.add((node, FP.hedgeCue, self.cue(node, n, cue, at)))
        if c.connective:
            at = para.text.find(c.connective.text)
            if at < 0:
                problems.append(AnnotationError(f"claim '{c.id}': connective {c.connective.text!r} is not in the "
                                                f"claim's paragraph ({para.index})", file=self.file,
                                                line=c.connective.line, rule="connective-in-paragraph"))
            else:
                self.p.add((node, FP.connectiveCue, self.cue(node, len(c.hedges) + 1, c.connective, para.start + at)))
        about = set(c.about)
        for fact in c.facts:
            triple = self.triple(fact)
            if c.is_certain:  # only what the claim states as certainly so is a fact of the article
                self.a.add(triple)
            self.p.add((node, FP.asserts, self.statement(triple, fact.line)))
            about.add(fact.subject)
            if fact.object_kind == "entity":
                about.add(fact.obj)
        for eid in about:
            self.p.add((node, FP.about, self.entity(eid)))
        self.anchor(node, c, start, end, para)

    def cue(self, claim: URIRef, n: int, cue: Cue, start: int) -> URIRef:
        """The node anchoring a claim's cue words at their offsets in the file (``…/claim/{id}/cue/{n}``)."""
        node = self.mint(URIRef(f"{claim}/cue/{n}"), cue.line)
        self.p.add((node, RDF.type, FP.Cue))
        self.p.add((node, OA.exact, Literal(cue.text)))
        self.p.add((node, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
        self.p.add((node, OA.end, Literal(start + len(cue.text), datatype=XSD.nonNegativeInteger)))
        return node

    def anchor(self, claim: URIRef, c: Claim, start: int, end: int, para: Paragraph) -> None:
        base = str(claim) + "/anchor"
        ann, target = self.mint(URIRef(base), c.quote_line), self.mint(URIRef(base + "/target"), c.quote_line)
        quote = self.mint(URIRef(base + "/quote"), c.quote_line)
        position = self.mint(URIRef(base + "/position"), c.quote_line)
        prefix, suffix = self.text[max(0, start - CONTEXT):start], self.text[end:end + CONTEXT]
        triples = [
            (claim, FP.hasTextAnchor, ann), (ann, RDF.type, OA.Annotation), (ann, OA.hasBody, claim),
            (ann, OA.motivatedBy, OA.identifying), (ann, OA.hasTarget, target),
            (ann, FP.inParagraph, doc_resource(self.doc_id, "paragraph", f"{para.index:02d}")),
            (target, RDF.type, OA.SpecificResource), (target, OA.hasSource, self.doc),
            (target, OA.hasSelector, quote), (target, OA.hasSelector, position),
            (quote, RDF.type, OA.TextQuoteSelector), (quote, OA.exact, Literal(c.quote)),
            (position, RDF.type, OA.TextPositionSelector),
            (position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)),
            (position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)),
        ]
        triples += [(quote, OA.prefix, Literal(prefix))] if prefix else []
        triples += [(quote, OA.suffix, Literal(suffix))] if suffix else []
        for t in triples:
            self.p.add(t)

    def kinds(self) -> None:
        """The concepts the annotation adds to open schemes: the encoder's vocabulary, so background."""
        for k in self.ann.kinds.values():
            node = self.mint(FPK[k.id], k.line)
            for triple in ((node, RDF.type, SKOS.Concept), (node, SKOS.inScheme, FPK[k.scheme]),
                           (node, SKOS.prefLabel, Literal(k.label, lang="en")),
                           (node, SKOS.definition, Literal(k.definition, lang="en"))):
                self.b.add(triple)

    def build(self) -> LoadedArticle:
        self.document()
        self.kinds()
        for e in self.ann.entities.values():
            self.entity_description(e)
        problems: list[AnnotationError] = []
        for c in self.ann.claims:
            self.claim(c, problems)
        for bg in self.ann.background:
            # Encoder knowledge is never a claim, so it is not reified; its note stays in the annotation.
            triple = self.triple(bg.fact)
            self.b.add(triple)
        raise_problems(problems, self.file)
        return LoadedArticle(self.doc_id, self.ds, self.origins, self.text, self.paragraphs, self.ann)


def _slug(name: str) -> str:
    """An IRI-safe id for a person's name.

    >>> _slug("Ana María Pérez")
    'ana-maria-perez'
    """
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain).split()) or "encoder"


def corpus_path(text_path: Path, annotation_path: Path) -> str:
    """The article text's path as the data records it (``fp:sourceFile``): relative to the folder holding the
    annotation's folder, so ``seeds/a.txt`` wherever the corpus was copied and whatever the working directory.

    >>> corpus_path(Path("/x/corpus/seeds/a.txt"), Path("/x/corpus/seeds/a.yaml"))
    'seeds/a.txt'
    >>> corpus_path(Path("/elsewhere/a.txt"), Path("/x/corpus/seeds/a.yaml"))
    'a.txt'
    """
    path, base = text_path.resolve(), annotation_path.resolve().parent.parent
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name


def load_article(annotation_path: str | Path) -> LoadedArticle:
    """Read an annotation and the article text it names, and build the article's three named graphs.

    :raises LoadError: if the annotation or the article text is missing, not UTF-8, or malformed YAML.
    :raises AnnotationError: if the annotation is invalid (see :func:`kg.annotate.annotations.read_annotation`) or a quote
        is missing, ambiguous or not inside one paragraph; all quote problems are reported together.
    """
    ann = read_annotation(annotation_path)
    folder, d = Path(annotation_path).parent, ann.document
    text = read_inside(folder, d.text_path.relative_to(folder).as_posix(), file=str(annotation_path), line=d.text_line)
    return _Builder(ann, text).build()

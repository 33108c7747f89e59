"""Read an article's annotation file (YAML) into the dataclasses of :mod:`kg.annotate.model`, which remember the
line each part came from.

The format is written for analysts and documented in ``seeds/README.md``; this module checks it and reports every
problem with the file and line (fields in :mod:`kg.annotate.fields`, claims in :mod:`kg.annotate.claims`). It knows
nothing about RDF beyond the names of the ontology terms an annotation may use; :mod:`kg.annotate.loader` turns an
:class:`Annotation` into triples.

Entity types and fact properties are the ontology's (:mod:`kg.annotate.vocabulary`), so a class or property
added to the ontology is usable at once; a corpus adds concepts in the ``kinds`` section (:mod:`kg.annotate.kinds`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from kg.annotate.claims import check_relations, check_statuses, read_claim
from kg.annotate.consistency import check_concern_ranks, check_identities, check_priority_cycles
from kg.annotate.fields import FieldReader
from kg.annotate.kinds import read_kinds
from kg.annotate.model import (DEFAULT_FURNITURE, STATUSES, Annotation, BackgroundFact, Document, Entity,
                               segment_of)
from kg.annotate.sourcefile import LineMap, LineSeq, is_inside_path, parse_yaml, read_text
from kg.annotate.values import (CONCEPT, DOC_ID, ID, ISO3, URL, WIKIDATA, did_you_mean, is_date,
                                raise_problems)
from kg.annotate.vocabulary import vocabulary


class _Reader(FieldReader):
    """Reads the document, the entities and the background facts; claims are read by :func:`read_claim`."""

    def document(self, raw, line, known) -> Document | None:
        where = "document"
        if not self.fields(raw, where, ("id", "text", "kind", "author", "encoder"),
                           ("title", "publisher", "issued", "furniture", "url"), line):
            return None
        doc_id = self.string(raw, "id", where, raw.line, DOC_ID, "lower-case letters, digits and '-'")
        text = self.string(raw, "text", where, raw.line)
        if text and not is_inside_path(text):
            self.problem(f"document: 'text' must be a relative path inside the annotation's folder, without '..', "
                         f"got {text!r}", self.line_of(raw, "text", raw.line), "text-inside-folder")
            text = None
        kind = self.string(raw, "kind", where, raw.line, CONCEPT, "an fpk: concept such as fpk:BlogPost")
        if kind:
            self.concept(kind, where, self.line_of(raw, "kind", raw.line))
        issued = raw.get("issued")
        if issued is not None and not is_date(issued):
            self.problem(f"document: 'issued' must be a year, year-month or date, got {issued!r}",
                         self.line_of(raw, "issued", raw.line), "wrong-type")
        url = self.string(raw, "url", where, raw.line, URL, "an absolute http(s) URL without spaces")
        furniture = raw.get("furniture") or []
        if not isinstance(furniture, list) or not all(isinstance(f, str) for f in furniture):
            self.problem("document: 'furniture' must be a list of lines", self.line_of(raw, "furniture", raw.line),
                         "wrong-type")
            furniture = []
        people = {}
        for key in ("author", "publisher"):
            if isinstance(raw.get(key), list):
                self.problem(f"document: '{key}' must be one entity id", self.line_of(raw, key, raw.line),
                             "wrong-type")
            else:
                people[key] = (self.id_list(raw, key, where, raw.line, known) or (None,))[0]
        if None in (doc_id, text, kind, people.get("author")):
            return None
        return Document(doc_id, Path(self.file).parent / text, kind, people["author"], people.get("publisher"),
                        self.string(raw, "title", where, raw.line), issued,
                        DEFAULT_FURNITURE + tuple(f for f in furniture if f not in DEFAULT_FURNITURE), raw.line,
                        self.line_of(raw, "text", raw.line), url, self.string(raw, "encoder", where, raw.line) or "")

    def entity(self, eid, raw, line) -> Entity | None:
        where = f"entity '{eid}'"
        if not isinstance(eid, str) or not ID.fullmatch(eid):
            self.problem(f"entity id {eid!r} must be letters, digits, '_' or '-'", line, "wrong-type")
            return None
        if not self.fields(raw, where, ("type", "label"), ("wikidata", "iso3", "key", "status"), line):
            return None
        types = raw.get("type")
        if types is None:
            return None  # already reported as a missing required field
        types = tuple(types) if isinstance(types, list) else (types,)
        known_types = vocabulary().types
        bad = [t for t in types if t not in known_types]
        if bad or not types:
            self.problem(f"{where}: unknown type {bad[0] if bad else types!r}"
                         f"{did_you_mean(bad[0], known_types) if bad else ''} (known: {', '.join(known_types)})",
                         self.line_of(raw, "type", raw.line), "wrong-type")
            return None
        if len({known_types[t][0] for t in types}) > 1:
            self.problem(f"{where}: types {', '.join(types)} mix shared and per-document kinds or IRI segments",
                         self.line_of(raw, "type", raw.line), "wrong-type")
            return None
        label = self.string(raw, "label", where, raw.line)
        wikidata = self.string(raw, "wikidata", where, raw.line, WIKIDATA, "a Wikidata item like Q148")
        iso3 = self.string(raw, "iso3", where, raw.line, ISO3, "three capital letters")
        if iso3 and "State" not in types:
            self.problem(f"{where}: 'iso3' is only for entities of type State", self.line_of(raw, "iso3", line),
                         "wrong-type")
        key = self.string(raw, "key", where, raw.line, ID, "letters, digits, '_' or '-'")
        if key and segment_of(types) is None:
            self.problem(f"{where}: 'key' is only for things that are otherwise the document's own (events, "
                         f"actions ...); a {types[0]} is already shared as fpr:{eid}", self.line_of(raw, "key", line),
                         "wrong-type")
        status = self.string(raw, "status", where, raw.line)
        if status is not None and status not in STATUSES:
            self.problem(f"{where}: 'status' must be one of {', '.join(STATUSES)}, got {status!r}{did_you_mean(status, STATUSES)}",
                         self.line_of(raw, "status", line), "wrong-type")
            status = None
        if status and segment_of(types) not in ("action", "event"):
            self.problem(f"{where}: 'status' is only for policy actions and events (whether they happened), not for a "
                         f"{types[0]}", self.line_of(raw, "status", line), "wrong-type")
        lines = tuple((k, n) for k, n in getattr(raw, "key_lines", {}).items() if n != line)
        return Entity(eid, types, label or "", wikidata, iso3, line, key, status, lines) if label else None

    def background(self, raw, line, known) -> BackgroundFact | None:
        if not self.fields(raw, "background fact", ("fact", "note"), (), line):
            return None
        fact = self.fact(raw.get("fact"), self.line_of(raw, "fact", line), "background fact", known)
        note = self.string(raw, "note", "background fact", raw.line)
        return BackgroundFact(fact, note, raw.line) if fact and note else None


def read_annotation(path: str | Path) -> Annotation:
    """Read and check one annotation file.

    :raises LoadError: if the file is missing, not UTF-8 or not well-formed YAML (with line and column).
    :raises AnnotationError: for a missing required field, an unknown field, entity or property, or a value
        of the wrong type; naming the file and line. With several problems, one error whose ``violations``
        lists them all.
    """
    file = str(path)
    raw, duplicates = parse_yaml(read_text(path), file)
    reader = _Reader(file)
    for key, line in duplicates:
        reader.problem(f"key {key!r} appears twice in the same mapping", line, "duplicate-key")
    if not reader.fields(raw, "annotation file", ("document", "entities", "claims"), ("background", "kinds"), 1):
        raise_problems(reader.problems, file)
    reader.kinds = read_kinds(reader, raw.get("kinds"))
    ents = raw.get("entities")
    if not isinstance(ents, LineMap):
        reader.problem("'entities' must be a mapping from id to entity", reader.line_of(raw, "entities", 1),
                       "wrong-type")
        ents = {}
    entities = {}
    for eid, value in ents.items():
        entity = reader.entity(eid, value, ents.key_lines[eid])
        if entity:
            entities[eid] = entity
    known = set(ents)  # entities with a bad field still count as declared, so one mistake gives one error
    document = reader.document(raw.get("document"), reader.line_of(raw, "document", 1), known)
    reader.author = document.author if document else None
    sections = {}
    for key, build in (("claims", partial(read_claim, reader)), ("background", reader.background)):
        items = raw.get(key)
        if items is not None and not isinstance(items, LineSeq):
            reader.problem(f"'{key}' must be a list", reader.line_of(raw, key, 1), "wrong-type")
        pairs = zip(items, items.item_lines) if isinstance(items, LineSeq) else ()
        sections[key] = [build(item, ln, known) for item, ln in pairs]
    claims = tuple(c for c in sections["claims"] if c)
    check_relations(reader, claims)
    check_statuses(reader, entities, claims)
    annotation = Annotation(Path(path), document, entities, claims, tuple(b for b in sections["background"] if b),
                            reader.kinds)
    check_identities(reader, entities)
    check_concern_ranks(reader, annotation)
    check_priority_cycles(reader, annotation)
    raise_problems(reader.problems, file)
    return annotation

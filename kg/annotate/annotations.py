"""Read an article's annotation file (YAML) into dataclasses that remember the line they came from.

The format is written for analysts and documented in ``seeds/README.md``; this module checks it and
reports every problem with the file and line. It knows nothing about RDF beyond the names of the
ontology terms an annotation may use; :mod:`kg.annotate.loader` turns an :class:`Annotation` into triples.

Entity types and fact properties are the ontology's (:mod:`kg.annotate.vocabulary`), so a class or property
added to the ontology is usable at once; a corpus adds concepts in the ``kinds`` section (:mod:`kg.annotate.kinds`).

>>> segment_of(("Summit", "Visit")), segment_of(("State",)) is None
('event', True)
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.annotate.kinds import Kind, read_kinds
from kg.annotate.vocabulary import vocabulary
from kg.errors import AnnotationError
from kg.rdf.namespaces import FPK
from kg.annotate.sourcefile import LineMap, LineSeq, is_inside_path, parse_yaml, read_text

#: Claim kinds an annotation may use, and the fp: class each becomes.
CLAIM_KINDS = {
    "belief": "Belief",
    "assessment": "Assessment",
    "prediction": "Prediction",
    "recommendation": "Recommendation",
    "reported-fact": "ReportedFact",
}

#: FactBank factuality values an annotation writes, and the fpk: concept each becomes.
MODALITIES = {"CT+": "CT-plus", "PR+": "PR-plus", "PS+": "PS-plus", "CT-": "CT-minus", "PR-": "PR-minus",
              "PS-": "PS-minus", "Uu": "Uu"}
#: The modality a claim of each kind has when the annotation gives none: predictions and recommendations are
#: never stated as certainly so, whatever their words.
DEFAULT_MODALITY = {"prediction": "PR+", "recommendation": "Uu"}
#: Statuses of actions and events (entity field ``status``) -> the fpk: concept.
STATUSES = {"actual": "Actual", "hypothetical": "Hypothetical", "feared": "Feared", "predicted": "Predicted",
            "recommended": "Recommended", "negated": "Negated"}
#: Argument relations between claims (claim fields) -> the fp: property.
RELATIONS = {"evidence-for": "evidenceFor", "supports": "supports", "contrasts-with": "contrastsWith",
             "consequence-of": "consequenceOf"}

#: Page furniture always recognised at the end of an article file (blog comment widgets).
DEFAULT_FURNITURE = ("No comments:", "Post a Comment")

# Always used with fullmatch: '$' would also accept a trailing newline, which then breaks the IRI or literal.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_CONCEPT = re.compile(r"fpk:[A-Za-z0-9][A-Za-z0-9_-]*")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WIKIDATA = re.compile(r"Q\d+")
_ISO3 = re.compile(r"[A-Z]{3}")
_URL = re.compile(r'https?://[^\s<>"{}|\\^`]+')


@dataclass(frozen=True)
class Fact:
    """One triple in the annotation's compact form; ``obj`` is an entity id, ``fpk:`` concept or literal."""
    subject: str
    predicate: str
    obj: object
    line: int

    @property
    def object_kind(self) -> str:
        return vocabulary().properties[self.predicate][1]


@dataclass(frozen=True)
class Entity:
    id: str
    types: tuple[str, ...]
    label: str
    wikidata: str | None
    iso3: str | None
    line: int
    key: str | None = None
    status: str | None = None  # actual, feared ... for actions and events (segments action/event)

    @property
    def segment(self) -> str | None:
        return segment_of(self.types)

    @property
    def shared_key(self) -> str | None:
        """For a per-document kind of thing (an event): the key that makes it the same resource in every
        document naming it, ``fpr:{segment}/{key}``: the analyst's ``key``, else its Wikidata item."""
        return None if self.segment is None else (self.key or self.wikidata)


@dataclass(frozen=True)
class Cue:
    """Words inside a claim's quote (a hedge) or paragraph (a connective), as written, with their line."""
    text: str
    line: int


@dataclass(frozen=True)
class Claim:
    id: str
    kind: str
    views: tuple[str, ...]  # whose view the claim reports (fp:viewOf)
    quote: str
    occurrence: int | None
    statement: str
    about: tuple[str, ...]
    facts: tuple[Fact, ...]
    addressees: tuple[str, ...]
    recommends: tuple[str, ...]
    line: int
    quote_line: int
    asserted_by: str | None = None  # who writes it (fp:assertedBy); None for the document's author
    modality: str = "CT+"
    hedges: tuple[Cue, ...] = ()
    connective: Cue | None = None
    relations: tuple[tuple[str, str, int], ...] = ()  # (relation field, other claim id, line)

    @property
    def is_certain(self) -> bool:
        """Whether the claim states its content as certainly so (FactBank CT+): only then is it a fact."""
        return self.modality == "CT+"


@dataclass(frozen=True)
class BackgroundFact:
    fact: Fact
    note: str
    line: int


@dataclass(frozen=True)
class Document:
    id: str
    text_path: Path
    kind: str
    author: str
    publisher: str | None
    title: str | None
    issued: int | str | dt.date | None
    furniture: tuple[str, ...]
    line: int
    text_line: int | None = None  # where 'text' is written, for errors about the file it names
    url: str | None = None
    encoder: str = ""  # the person who wrote the annotation


@dataclass(frozen=True)
class Annotation:
    path: Path
    document: Document
    entities: dict[str, Entity]
    claims: tuple[Claim, ...]
    background: tuple[BackgroundFact, ...]
    kinds: dict[str, Kind] = field(default_factory=dict)


def segment_of(types: tuple[str, ...]) -> str | None:
    """The IRI path segment shared by ``types`` (None for shared entities); types are assumed checked."""
    return vocabulary().types[types[0]][0]


class _Reader:
    """Checks the parsed YAML and builds the dataclasses, collecting every problem instead of stopping."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[AnnotationError] = []
        self.kinds: dict[str, Kind] = {}
        self.author: str | None = None  # the document's author: whose view a claim is, unless it says

    def concept(self, value, where: str, line: int) -> None:
        """Report ``value`` (an ``fpk:`` concept) unless the ontology or the ``kinds`` section defines it."""
        name = value.split(":", 1)[1]
        if str(FPK[name]) not in vocabulary().concepts and name not in self.kinds:
            self.problem(f"{where}: unknown concept {value} (not in the ontology; a new kind of interest, concern, "
                         f"relationship or publication goes under 'kinds')", line, "unknown-concept")

    def problem(self, message: str, line: int, rule: str) -> None:
        self.problems.append(AnnotationError(message, file=self.file, line=line, rule=rule))

    def fields(self, item, where: str, required: tuple, optional: tuple, line: int) -> bool:
        """Check ``item`` is a mapping with the required keys and no unknown ones."""
        if not isinstance(item, LineMap):
            self.problem(f"{where} must be a mapping of fields", line, "wrong-type")
            return False
        for name in required:
            if item.get(name) in (None, ""):
                self.problem(f"{where} is missing required field '{name}'", item.line, "required-field")
        for name in item:
            if name not in required and name not in optional:
                known = ", ".join(required + optional)
                self.problem(f"{where} has unknown field '{name}' (known: {known})",
                             item.key_lines[name], "unknown-field")
        return True

    def line_of(self, item, key, default: int) -> int:
        lines = getattr(item, "key_lines", None)
        return lines.get(key, default) if lines else default

    def string(self, item, key, where, default_line, pattern=None, hint=""):
        value = item.get(key)
        if value is None:
            return None
        line = self.line_of(item, key, default_line)
        if not isinstance(value, str) or (pattern and not pattern.fullmatch(value)):
            self.problem(f"{where}: '{key}' must be {hint or 'a string'}, got {value!r}", line, "wrong-type")
            return None
        return value

    def id_list(self, item, key, where, line, known) -> tuple[str, ...]:
        """A field holding one entity id or a list of them; each must be declared under ``entities``."""
        value = item.get(key)
        if value is None:
            return ()
        values = value if isinstance(value, list) else [value]
        lines = value.item_lines if isinstance(value, LineSeq) else [self.line_of(item, key, line)] * len(values)
        out = []
        for v, ln in zip(values, lines):
            if not isinstance(v, str):
                self.problem(f"{where}: '{key}' must hold entity ids, got {v!r}", ln, "wrong-type")
            elif v not in known:
                self.problem(f"{where}: unknown entity '{v}' in '{key}' (declare it under 'entities')",
                             ln, "unknown-entity")
            else:
                out.append(v)
        return tuple(out)

    def document(self, raw, line, known) -> Document | None:
        where = "document"
        if not self.fields(raw, where, ("id", "text", "kind", "author", "encoder"),
                           ("title", "publisher", "issued", "furniture", "url"), line):
            return None
        doc_id = self.string(raw, "id", where, raw.line, _DOC_ID, "lower-case letters, digits and '-'")
        text = self.string(raw, "text", where, raw.line)
        if text and not is_inside_path(text):
            self.problem(f"document: 'text' must be a relative path inside the annotation's folder, without '..', "
                         f"got {text!r}", self.line_of(raw, "text", raw.line), "text-inside-folder")
            text = None
        kind = self.string(raw, "kind", where, raw.line, _CONCEPT, "an fpk: concept such as fpk:BlogPost")
        if kind:
            self.concept(kind, where, self.line_of(raw, "kind", raw.line))
        issued = raw.get("issued")
        if issued is not None and not _is_date(issued):
            self.problem(f"document: 'issued' must be a year, year-month or date, got {issued!r}",
                         self.line_of(raw, "issued", raw.line), "wrong-type")
        url = self.string(raw, "url", where, raw.line, _URL, "an absolute http(s) URL without spaces")
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
        if not isinstance(eid, str) or not _ID.fullmatch(eid):
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
                         f"{_did_you_mean(bad[0], known_types) if bad else ''} (known: {', '.join(known_types)})",
                         self.line_of(raw, "type", raw.line), "wrong-type")
            return None
        if len({known_types[t][0] for t in types}) > 1:
            self.problem(f"{where}: types {', '.join(types)} mix shared and per-document kinds or IRI segments",
                         self.line_of(raw, "type", raw.line), "wrong-type")
            return None
        label = self.string(raw, "label", where, raw.line)
        wikidata = self.string(raw, "wikidata", where, raw.line, _WIKIDATA, "a Wikidata item like Q148")
        iso3 = self.string(raw, "iso3", where, raw.line, _ISO3, "three capital letters")
        if iso3 and "State" not in types:
            self.problem(f"{where}: 'iso3' is only for entities of type State", self.line_of(raw, "iso3", line),
                         "wrong-type")
        key = self.string(raw, "key", where, raw.line, _ID, "letters, digits, '_' or '-'")
        if key and segment_of(types) is None:
            self.problem(f"{where}: 'key' is only for things that are otherwise the document's own (events, "
                         f"actions ...); a {types[0]} is already shared as fpr:{eid}", self.line_of(raw, "key", line),
                         "wrong-type")
        status = self.string(raw, "status", where, raw.line)
        if status is not None and status not in STATUSES:
            self.problem(f"{where}: 'status' must be one of {', '.join(STATUSES)}, got {status!r}{_did_you_mean(status, STATUSES)}",
                         self.line_of(raw, "status", line), "wrong-type")
            status = None
        if status and segment_of(types) not in ("action", "event"):
            self.problem(f"{where}: 'status' is only for policy actions and events (whether they happened), not for a "
                         f"{types[0]}", self.line_of(raw, "status", line), "wrong-type")
        return Entity(eid, types, label or "", wikidata, iso3, line, key, status) if label else None

    def fact(self, raw, line, where, known) -> Fact | None:
        if not isinstance(raw, list) or len(raw) != 3:
            self.problem(f"{where}: a fact must be a list [subject, property, object], got {raw!r}", line,
                         "wrong-type")
            return None
        s, p, o = raw
        ok = True
        properties = vocabulary().properties
        if p not in properties:
            self.problem(f"{where}: unknown property {p!r} in fact{_did_you_mean(p, properties)} (known: "
                         f"{', '.join(n for n in properties if n not in vocabulary().deprecated)})", line,
                         "unknown-property")
            return None
        if p in vocabulary().deprecated:
            self.problem(f"{where}: property {p!r} is deprecated: {vocabulary().deprecated[p]}", line,
                         "deprecated-property")
            return None
        if s not in known:
            self.problem(f"{where}: unknown entity {s!r} as subject of a fact", line, "unknown-entity")
            ok = False
        kind = properties[p][1]
        if kind == "entity" and o not in known:
            self.problem(f"{where}: unknown entity {o!r} as object of '{p}'", line, "unknown-entity")
            ok = False
        elif kind != "entity" and not _LITERAL_CHECKS[kind](o):
            self.problem(f"{where}: the object of '{p}' must be {_LITERAL_HINTS[kind]}, got {o!r}", line,
                         "wrong-type")
            ok = False
        elif kind == "concept":
            self.concept(o, where, line)
        return Fact(s, p, o, line) if ok else None

    def facts(self, raw, key, where, line, known) -> tuple[Fact, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, LineSeq):
            self.problem(f"{where}: '{key}' must be a list of facts", self.line_of(raw, key, line), "wrong-type")
            return ()
        found = (self.fact(f, ln, where, known) for f, ln in zip(value, value.item_lines))
        return tuple(f for f in found if f)

    def claim(self, raw, line, known) -> Claim | None:
        cid = raw.get("id") if isinstance(raw, LineMap) else None
        where = f"claim '{cid}'" if cid else "claim"
        if not self.fields(raw, where, ("id", "kind", "quote", "statement"),
                           ("view", "asserted-by", "modality", "hedge", "occurrence", "about", "facts", "addressee",
                            "recommends", "connective", "holder", *RELATIONS), line):
            return None
        if "holder" in raw:
            self.problem(f"{where}: 'holder' is now 'view' (whose view the claim reports; the one who writes it is "
                         f"'asserted-by', by default the document's author)", raw.key_lines["holder"], "renamed-field")
        cid = self.string(raw, "id", where, raw.line, _ID, "letters, digits, '_' or '-'")
        kind = raw.get("kind")
        if kind is not None and kind not in CLAIM_KINDS:
            self.problem(f"{where}: kind must be one of {', '.join(CLAIM_KINDS)}, got {kind!r}"
                         f"{_did_you_mean(kind, CLAIM_KINDS)}",
                         self.line_of(raw, "kind", raw.line), "wrong-type")
            kind = None
        occurrence = raw.get("occurrence")
        if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int)
                                       or occurrence < 1):
            self.problem(f"{where}: 'occurrence' must be a whole number from 1, got {occurrence!r}",
                         self.line_of(raw, "occurrence", raw.line), "wrong-type")
            occurrence = None
        addressees = self.id_list(raw, "addressee", where, raw.line, known)
        recommends = self.id_list(raw, "recommends", where, raw.line, known)
        if kind == "recommendation" and not addressees and "addressee" not in raw:
            self.problem(f"{where}: a recommendation needs 'addressee'", raw.line, "required-field")
        if kind not in (None, "recommendation") and ("addressee" in raw or "recommends" in raw):
            self.problem(f"{where}: 'addressee' and 'recommends' are only for recommendations", raw.line,
                         "wrong-type")
        views = self.id_list(raw, "view", where, raw.line, known) or ((self.author,) if self.author else ())
        asserted = self.id_list(raw, "asserted-by", where, raw.line, known)
        if isinstance(raw.get("asserted-by"), list):
            self.problem(f"{where}: 'asserted-by' must be one entity id", self.line_of(raw, "asserted-by", raw.line),
                         "wrong-type")
        asserter = asserted[0] if asserted else self.author
        if kind == "belief" and asserter and asserter in views:
            self.problem(f"{where}: a belief reports someone else's view, but its view is {asserter!r}, who writes "
                         f"it; set 'view' to whose view it is ('Beijing believes ...': view: China), or make it an "
                         f"assessment if it is the writer's own", self.line_of(raw, "view", raw.line), "belief-view")
        modality = self.modality(raw, where, kind)
        about = self.id_list(raw, "about", where, raw.line, known)
        facts = self.facts(raw, "facts", where, raw.line, known)
        quote = self.string(raw, "quote", where, raw.line)
        statement = self.string(raw, "statement", where, raw.line)
        hedges = self.cues(raw, "hedge", where)
        for cue in hedges:
            if quote and cue.text not in quote:
                self.problem(f"{where}: hedge {cue.text!r} is not in the claim's quote (copy the words from it)",
                             cue.line, "hedge-in-quote")
        connective = self.cues(raw, "connective", where)
        if len(connective) > 1:
            self.problem(f"{where}: 'connective' is one string", connective[1].line, "wrong-type")
        relations = tuple((name, other, ln) for name in RELATIONS for other, ln in self.claim_ids(raw, name, where))
        if None in (cid, kind, quote, statement, modality) or not views:
            return None
        return Claim(cid, kind, views, quote, occurrence, statement, about, facts, addressees, recommends,
                     raw.line, self.line_of(raw, "quote", raw.line), asserted[0] if asserted else None, modality,
                     hedges, connective[0] if connective else None, relations)

    def modality(self, raw, where, kind) -> str | None:
        """The claim's FactBank value: as written, else the default of its kind (CT+ for most)."""
        value = raw.get("modality")
        if value is None:
            return DEFAULT_MODALITY.get(kind, "CT+")
        line = self.line_of(raw, "modality", raw.line)
        if value not in MODALITIES:
            self.problem(f"{where}: 'modality' must be one of {', '.join(MODALITIES)} (FactBank: CT certain, PR "
                         f"probable, PS possible; + so, - not so; Uu underspecified), got {value!r}", line,
                         "wrong-type")
            return None
        if value == "CT+" and kind in DEFAULT_MODALITY:
            self.problem(f"{where}: a {kind} cannot be certainly so (CT+): what is only predicted or recommended is "
                         f"never a fact; use PR+, PS+ or Uu", line, "modality-kind")
            return None
        return value

    def cues(self, raw, key, where) -> tuple[Cue, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        values = value if isinstance(value, list) else [value]
        lines = value.item_lines if isinstance(value, LineSeq) else [self.line_of(raw, key, raw.line)] * len(values)
        out = []
        for v, ln in zip(values, lines):
            if not isinstance(v, str) or not v.strip():
                self.problem(f"{where}: '{key}' must hold words of the article, got {v!r}", ln, "wrong-type")
            else:
                out.append(Cue(v, ln))
        return tuple(out)

    def claim_ids(self, raw, key, where) -> list[tuple[str, int]]:
        """Claim ids in an argument relation field, with their lines; checked against the claims afterwards."""
        value = raw.get(key)
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        lines = value.item_lines if isinstance(value, LineSeq) else [self.line_of(raw, key, raw.line)] * len(values)
        out = []
        for v, ln in zip(values, lines):
            if not isinstance(v, str):
                self.problem(f"{where}: '{key}' must hold claim ids, got {v!r}", ln, "wrong-type")
            else:
                out.append((v, ln))
        return out

    def background(self, raw, line, known) -> BackgroundFact | None:
        if not self.fields(raw, "background fact", ("fact", "note"), (), line):
            return None
        fact = self.fact(raw.get("fact"), self.line_of(raw, "fact", line), "background fact", known)
        note = self.string(raw, "note", "background fact", raw.line)
        return BackgroundFact(fact, note, raw.line) if fact and note else None


def _check_statuses(reader: _Reader, entities: dict, claims: tuple) -> None:
    """An action or event that only predictions, recommendations or hedged claims speak of must say its status:
    left to the default (actual) it would be exported as an event that happened."""
    certain, uncertain = set(), {}
    for c in claims:
        for fact in c.facts:
            (certain.add(fact.subject) if c.is_certain else uncertain.setdefault(fact.subject, c))
        for eid in c.recommends:
            uncertain.setdefault(eid, c)
    for eid, c in uncertain.items():
        e = entities.get(eid)
        if e and e.status is None and e.segment in ("action", "event") and eid not in certain:
            reader.problem(f"entity '{eid}': only {c.kind} '{c.id}' (modality {c.modality}) speaks of it, so it would "
                           f"count as an event that happened; give it a status ({', '.join(STATUSES)})", e.line,
                           "status-unstated")


def _did_you_mean(value, choices) -> str:
    """A hint naming the closest allowed value, or nothing.

    >>> _did_you_mean("belif", ("belief", "assessment"))
    "; did you mean 'belief'?"
    """
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _is_date(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (dt.date, int)):
        return not isinstance(value, dt.datetime) and (not isinstance(value, int) or 1000 <= value <= 9999)
    found = _DATE.fullmatch(value) if isinstance(value, str) else None
    if not found:
        return False
    year, month, day = (int(g) if g else 1 for g in found.groups())
    try:
        dt.date(year, month, day)  # a real month and a day that month has
    except ValueError:
        return False
    return year >= 1000


_LITERAL_CHECKS = {
    "concept": lambda o: isinstance(o, str) and bool(_CONCEPT.fullmatch(o)),
    "string": lambda o: isinstance(o, str) and o != "",
    "positiveInteger": lambda o: isinstance(o, int) and not isinstance(o, bool) and o >= 1,
    "boolean": lambda o: isinstance(o, bool),
    "date": _is_date,
}
_LITERAL_HINTS = {
    "concept": "an fpk: concept such as fpk:RefugeeCrisis",
    "string": "a non-empty string",
    "positiveInteger": "a whole number from 1",
    "boolean": "true or false",
    "date": "a year (2018), year-month (2018-09) or date (2018-10-26)",
}


def raise_problems(problems: list[AnnotationError], file: str) -> None:
    """Raise the one problem, or one error listing them all in ``violations``; nothing if there are none."""
    problems = sorted(problems, key=lambda p: p.line or 0)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        first = problems[0]
        raise AnnotationError(f"{len(problems)} problems in the annotation, the first at line {first.line}: "
                              f"{first.message}", file=file, violations=problems, rule="annotation")


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
    for key, build in (("claims", reader.claim), ("background", reader.background)):
        items = raw.get(key)
        if items is not None and not isinstance(items, LineSeq):
            reader.problem(f"'{key}' must be a list", reader.line_of(raw, key, 1), "wrong-type")
        pairs = zip(items, items.item_lines) if isinstance(items, LineSeq) else ()
        sections[key] = [build(item, ln, known) for item, ln in pairs]
    claims = tuple(c for c in sections["claims"] if c)
    seen: dict[str, int] = {}
    for c in claims:
        if c.id in seen:
            reader.problem(f"claim id '{c.id}' is used twice (first at line {seen[c.id]})", c.line, "duplicate-id")
        seen.setdefault(c.id, c.line)
    for c in claims:
        for name, other, line in c.relations:
            if other == c.id:
                reader.problem(f"claim '{c.id}': '{name}' names the claim itself", line, "unknown-claim")
            elif other not in seen:
                reader.problem(f"claim '{c.id}': unknown claim {other!r} in '{name}'{_did_you_mean(other, seen)}",
                               line, "unknown-claim")
    _check_statuses(reader, entities, claims)
    raise_problems(reader.problems, file)
    return Annotation(Path(path), document, entities, claims, tuple(b for b in sections["background"] if b),
                      reader.kinds)

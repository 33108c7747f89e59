"""What an annotation says, as dataclasses that remember the line each part came from, and the closed lists of
values the format allows (claim kinds, FactBank modalities, statuses of actions and events, argument relations).

:mod:`kg.annotate.annotations` reads a YAML file into these; :mod:`kg.annotate.loader` turns them into triples.

>>> segment_of(("Summit", "Visit")), segment_of(("State",)) is None
('event', True)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kg.annotate.kinds import Kind
from kg.annotate.vocabulary import vocabulary

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
    field_lines: tuple[tuple[str, int], ...] = ()  # (field, line) where a field is not on the declaration's line

    def line_of(self, name: str) -> int:
        """The line of field ``name`` (``wikidata``, ``iso3`` ...), else of the declaration."""
        return dict(self.field_lines).get(name, self.line)

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

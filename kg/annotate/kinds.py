"""The ``kinds`` section of an annotation: concepts a corpus adds to the ontology's open concept schemes (kinds of
interest, concern, relationship, publication) without editing the ontology.

.. code-block:: yaml

    kinds:
      FoodSecurity:
        scheme: InterestKinds
        label: food security
        definition: Reliable access to enough affordable food for a population.

Each becomes ``fpk:FoodSecurity``, a ``skos:Concept`` in ``fpk:InterestKinds`` with its label and definition, in
the article's background graph (the encoder's vocabulary, not the article's words). A kind may not reuse the IRI
or (case-insensitively) the label of a term of the ontology, and only schemes marked ``fp:openToCorpus`` take
new kinds: the CAMEO codebook is complete and closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.annotate.sourcefile import LineMap
from kg.annotate.vocabulary import vocabulary
from kg.rdf.namespaces import FPK

_KIND_ID = re.compile(r"[A-Z][A-Za-z0-9]*")


@dataclass(frozen=True)
class Kind:
    """A concept the annotation adds: ``fpk:{id}`` in scheme ``fpk:{scheme}``."""
    id: str
    scheme: str
    label: str
    definition: str
    line: int


def read_kinds(reader, raw) -> dict[str, Kind]:
    """The ``kinds`` section (a mapping id -> fields) checked; problems go to ``reader.problem``."""
    if raw is None:
        return {}
    if not isinstance(raw, LineMap):
        reader.problem("'kinds' must be a mapping from a concept id to its scheme, label and definition", 1,
                       "wrong-type")
        return {}
    vocab = vocabulary()
    open_schemes = sorted(s[len(str(FPK)):] for s in vocab.open_schemes)
    kinds = {}
    for kid, fields in raw.items():
        line = raw.key_lines[kid]
        where = f"kind '{kid}'"
        if not isinstance(kid, str) or not _KIND_ID.fullmatch(kid):
            reader.problem(f"kind id {kid!r} must be UpperCamelCase letters and digits (it becomes fpk:{kid})",
                           line, "wrong-type")
            continue
        if not reader.fields(fields, where, ("scheme", "label", "definition"), (), line):
            continue
        scheme, label, definition = (reader.string(fields, k, where, fields.line)
                                     for k in ("scheme", "label", "definition"))
        if None in (scheme, label, definition):
            continue
        if str(FPK[scheme]) not in vocab.open_schemes:
            reader.problem(f"{where}: scheme {scheme!r} is not open to new kinds (open: {', '.join(open_schemes)})",
                           reader.line_of(fields, "scheme", line), "kind-scheme")
            continue
        if str(FPK[kid]) in vocab.concepts or str(FPK[kid]) in vocab.open_schemes:
            reader.problem(f"{where}: fpk:{kid} already exists in the ontology; use it, or choose another id",
                           line, "kind-clash")
            continue
        clash = vocab.labels.get(label.lower())
        if clash is not None:
            reader.problem(f"{where}: label {label!r} is already the label of {clash}", reader.line_of(
                fields, "label", line), "kind-clash")
            continue
        kinds[kid] = Kind(kid, scheme, label, definition, line)
    return kinds

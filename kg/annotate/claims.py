"""Reading the claims of an annotation: kind, voice (whose view, who asserts it), modality and hedges, the
argument between claims, and the checks that need every claim at once (relations to unknown claims, actions only
uncertain claims speak of).
"""

from __future__ import annotations

from kg.annotate.fields import FieldReader
from kg.annotate.model import CLAIM_KINDS, DEFAULT_MODALITY, MODALITIES, RELATIONS, STATUSES, Claim
from kg.annotate.sourcefile import LineMap
from kg.annotate.values import ID, did_you_mean


def read_claim(reader: FieldReader, raw, line, known) -> Claim | None:
    """One claim of the annotation, or None if it is too broken to use (its problems are in ``reader.problems``)."""
    cid = raw.get("id") if isinstance(raw, LineMap) else None
    where = f"claim '{cid}'" if cid else "claim"
    if not reader.fields(raw, where, ("id", "kind", "quote", "statement"),
                       ("view", "asserted-by", "modality", "hedge", "occurrence", "about", "facts", "addressee",
                        "recommends", "connective", "holder", *RELATIONS), line):
        return None
    if "holder" in raw:
        reader.problem(f"{where}: 'holder' is now 'view' (whose view the claim reports; the one who writes it is "
                       f"'asserted-by', by default the document's author)", raw.key_lines["holder"], "renamed-field")
    cid = reader.string(raw, "id", where, raw.line, ID, "letters, digits, '_' or '-'")
    kind = raw.get("kind")
    if kind is not None and kind not in CLAIM_KINDS:
        reader.problem(f"{where}: kind must be one of {', '.join(CLAIM_KINDS)}, got {kind!r}"
                       f"{did_you_mean(kind, CLAIM_KINDS)}",
                       reader.line_of(raw, "kind", raw.line), "wrong-type")
        kind = None
    occurrence = raw.get("occurrence")
    if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int)
                                   or occurrence < 1):
        reader.problem(f"{where}: 'occurrence' must be a whole number from 1, got {occurrence!r}",
                       reader.line_of(raw, "occurrence", raw.line), "wrong-type")
        occurrence = None
    addressees = reader.id_list(raw, "addressee", where, raw.line, known)
    recommends = reader.id_list(raw, "recommends", where, raw.line, known)
    if kind == "recommendation" and not addressees and "addressee" not in raw:
        reader.problem(f"{where}: a recommendation needs 'addressee'", raw.line, "required-field")
    if kind not in (None, "recommendation") and ("addressee" in raw or "recommends" in raw):
        reader.problem(f"{where}: 'addressee' and 'recommends' are only for recommendations", raw.line,
                       "wrong-type")
    # A 0.1 'holder' is refused above but still read as the view, so it does not also trip the voice checks.
    views = (reader.id_list(raw, "view", where, raw.line, known) or reader.id_list(raw, "holder", where, raw.line, known)
             or ((reader.author,) if reader.author else ()))
    asserted = reader.id_list(raw, "asserted-by", where, raw.line, known)
    if isinstance(raw.get("asserted-by"), list):
        reader.problem(f"{where}: 'asserted-by' must be one entity id", reader.line_of(raw, "asserted-by", raw.line),
                       "wrong-type")
    asserter = asserted[0] if asserted else reader.author
    if kind == "belief" and asserter and asserter in views:
        reader.problem(f"{where}: a belief reports someone else's view, but its view is {asserter!r}, who writes "
                       f"it; set 'view' to whose view it is ('Beijing believes ...': view: China), or make it an "
                       f"assessment if it is the writer's own", reader.line_of(raw, "view", raw.line), "belief-view")
    modality = _modality(reader, raw, where, kind)
    about = reader.id_list(raw, "about", where, raw.line, known)
    facts = reader.facts(raw, "facts", where, raw.line, known)
    quote = reader.string(raw, "quote", where, raw.line)
    statement = reader.string(raw, "statement", where, raw.line)
    hedges = reader.cues(raw, "hedge", where)
    for cue in hedges:
        if quote and cue.text not in quote:
            reader.problem(f"{where}: hedge {cue.text!r} is not in the claim's quote (copy the words from it)",
                           cue.line, "hedge-in-quote")
    connective = reader.cues(raw, "connective", where)
    if len(connective) > 1:
        reader.problem(f"{where}: 'connective' is one string", connective[1].line, "wrong-type")
    relations = tuple((name, other, ln) for name in RELATIONS for other, ln in reader.claim_ids(raw, name, where))
    if None in (cid, kind, quote, statement, modality) or not views:
        return None
    return Claim(cid, kind, views, quote, occurrence, statement, about, facts, addressees, recommends,
                 raw.line, reader.line_of(raw, "quote", raw.line), asserted[0] if asserted else None, modality,
                 hedges, connective[0] if connective else None, relations)


def _modality(reader: FieldReader, raw, where, kind) -> str | None:
    """The claim's FactBank value: as written, else the default of its kind (CT+ for most)."""
    value = raw.get("modality")
    if value is None:
        return DEFAULT_MODALITY.get(kind, "CT+")
    line = reader.line_of(raw, "modality", raw.line)
    if value not in MODALITIES:
        reader.problem(f"{where}: 'modality' must be one of {', '.join(MODALITIES)} (FactBank: CT certain, PR "
                       f"probable, PS possible; + so, - not so; Uu underspecified), got {value!r}", line,
                       "wrong-type")
        return None
    if value == "CT+" and kind in DEFAULT_MODALITY:
        reader.problem(f"{where}: a {kind} cannot be certainly so (CT+): what is only predicted or recommended is "
                       f"never a fact; use PR+, PS+ or Uu", line, "modality-kind")
        return None
    return value


def check_statuses(reader: FieldReader, entities: dict, claims: tuple) -> None:
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


def check_relations(reader: FieldReader, claims: tuple) -> dict[str, int]:
    """Report claim ids used twice, and argument relations to a claim the annotation does not have; the claim ids
    with their lines."""
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
                reader.problem(f"claim '{c.id}': unknown claim {other!r} in '{name}'{did_you_mean(other, seen)}",
                               line, "unknown-claim")
    return seen

"""The reader's checks of fields: mappings with the right keys, strings of a form, entity ids, concepts, facts and
lists of words or claim ids. Every problem is collected with its file, line and rule instead of stopping.
"""

from __future__ import annotations

from kg.annotate.kinds import Kind
from kg.annotate.model import Cue, Fact
from kg.annotate.sourcefile import LineMap, LineSeq
from kg.annotate.values import LITERAL_CHECKS, LITERAL_HINTS, did_you_mean
from kg.annotate.vocabulary import vocabulary
from kg.errors import AnnotationError
from kg.rdf.namespaces import FPK


class FieldReader:
    """Checks parts of the parsed YAML against the format, collecting every problem in ``problems``."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[AnnotationError] = []
        self.kinds: dict[str, Kind] = {}
        self.author: str | None = None  # the document's author: whose view a claim is, unless it says

    def concept(self, value, where: str, line: int) -> None:
        """Report ``value`` (an ``fpk:`` concept) unless the ontology or the ``kinds`` section defines it."""
        name = value.split(":", 1)[1]
        if str(FPK[name]) not in vocabulary().concepts and name not in self.kinds:
            known = [c[len(str(FPK)):] for c in vocabulary().concepts if c.startswith(str(FPK))] + list(self.kinds)
            self.problem(f"{where}: unknown concept {value}{did_you_mean(name, known, prefix='fpk:')} (not in the ontology; a new kind of interest, "
                         f"concern, relationship, role or publication goes under 'kinds')", line, "unknown-concept")

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
                self.problem(f"{where} has unknown field '{name}'{did_you_mean(name, required + optional)} (known: "
                             f"{known})",
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
                self.problem(f"{where}: unknown entity '{v}' in '{key}'{did_you_mean(v, known)} (declare it under "
                             f"'entities')",
                             ln, "unknown-entity")
            else:
                out.append(v)
        return tuple(out)

    def fact(self, raw, line, where, known) -> Fact | None:
        if not isinstance(raw, list) or len(raw) != 3:
            self.problem(f"{where}: a fact must be a list [subject, property, object], got {raw!r}", line,
                         "wrong-type")
            return None
        s, p, o = raw
        ok = True
        properties = vocabulary().properties
        if p not in properties:
            self.problem(f"{where}: unknown property {p!r} in fact{did_you_mean(p, properties)} (known: "
                         f"{', '.join(n for n in properties if n not in vocabulary().deprecated)})", line,
                         "unknown-property")
            return None
        if p in vocabulary().deprecated:
            self.problem(f"{where}: property {p!r} is deprecated: {vocabulary().deprecated[p]}", line,
                         "deprecated-property")
            return None
        if s not in known:
            self.problem(f"{where}: unknown entity {s!r} as subject of a fact{did_you_mean(s, known)}", line,
                         "unknown-entity")
            ok = False
        kind = properties[p][1]
        if kind == "entity" and o not in known:
            self.problem(f"{where}: unknown entity {o!r} as object of '{p}'{did_you_mean(o, known)}", line,
                         "unknown-entity")
            ok = False
        elif kind != "entity" and not LITERAL_CHECKS[kind](o):
            self.problem(f"{where}: the object of '{p}' must be {LITERAL_HINTS[kind]}, got {o!r}", line,
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

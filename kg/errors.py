"""Every error the library raises, each carrying where it happened and which rule it broke.

Errors print as one line a user can act on:

>>> str(AnnotationError("quote not found in the article", file="seeds/a.yaml", line=12, rule="quote-occurs"))
'seeds/a.yaml:12: quote not found in the article [quote-occurs]'
>>> str(InvalidDataError("graph does not conform", violations=["a", "b"]))
'graph does not conform (2 violations)'
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of the library's errors. ``exit_code`` is what the CLI exits with."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, node: str | None = None, rule: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.node = node
        self.rule = rule

    def location(self) -> str:
        """``file:line:column`` as far as known, else the node, else ``''``."""
        parts = [str(p) for p in (self.file, self.line, self.column) if p is not None]
        if parts:
            return ":".join(parts)
        return f"<{self.node}>" if self.node else ""

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} [{self.rule}]" if self.rule else text


class UsageError(KgError):
    """The command or API was called wrongly (unknown format, missing argument)."""


class LoadError(KgError):
    """An input could not be read or parsed at all (missing file, not UTF-8, malformed YAML or RDF)."""


class InvalidDataError(KgError):
    """The input was read but breaks a rule: a bad annotation, a SHACL violation, an inconsistency.

    ``violations`` lists every problem found, each a :class:`KgError` or a plain string.
    """

    exit_code = 1

    def __init__(self, message: str, *, violations: list | None = None, **where):
        super().__init__(message, **where)
        self.violations = list(violations or [])

    def __str__(self) -> str:
        text = super().__str__()
        n = len(self.violations)
        return f"{text} ({n} violation{'s' if n != 1 else ''})" if n else text


class AnnotationError(InvalidDataError):
    """An annotation file is well-formed YAML but says something wrong (unknown entity, quote not found)."""


class ShapeViolation(InvalidDataError):
    """The graph does not conform to the SHACL shapes."""


class InconsistencyError(InvalidDataError):
    """The OWL reasoner found the ontology plus data inconsistent."""


class StoreError(KgError):
    """The store is missing, unreadable or could not be written."""


class QueryError(KgError):
    """A SPARQL query could not be parsed or evaluated."""

"""Checks of single values in an annotation (dates, literals of each form) and how problems are raised: the
pieces every section of the reader shares.

>>> is_date("2018-02-30"), is_date("2018-09"), is_date(2018)
(False, True, True)
>>> did_you_mean("belif", ("belief", "assessment"))
"; did you mean 'belief'?"
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

from kg.errors import AnnotationError

# Always used with fullmatch: '$' would also accept a trailing newline, which then breaks the IRI or literal.
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
CONCEPT = re.compile(r"fpk:[A-Za-z0-9][A-Za-z0-9_-]*")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
WIKIDATA = re.compile(r"Q\d+")
ISO3 = re.compile(r"[A-Z]{3}")
URL = re.compile(r'https?://[^\s<>"{}|\\^`]+')


def did_you_mean(value, choices, prefix: str = "") -> str:
    """A hint naming the closest allowed value (written with ``prefix``), or nothing.

    >>> did_you_mean("RefugeCrisis", ["RefugeeCrisis", "Blame"], prefix="fpk:")
    "; did you mean 'fpk:RefugeeCrisis'?"
    """
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f"; did you mean '{prefix}{close[0]}'?" if close else ""


def is_date(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (dt.date, int)):
        return not isinstance(value, dt.datetime) and (not isinstance(value, int) or 1000 <= value <= 9999)
    found = DATE.fullmatch(value) if isinstance(value, str) else None
    if not found:
        return False
    year, month, day = (int(g) if g else 1 for g in found.groups())
    try:
        dt.date(year, month, day)  # a real month and a day that month has
    except ValueError:
        return False
    return year >= 1000


LITERAL_CHECKS = {
    "concept": lambda o: isinstance(o, str) and bool(CONCEPT.fullmatch(o)),
    "string": lambda o: isinstance(o, str) and o != "",
    "positiveInteger": lambda o: isinstance(o, int) and not isinstance(o, bool) and o >= 1,
    "boolean": lambda o: isinstance(o, bool),
    "date": is_date,
}
LITERAL_HINTS = {
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

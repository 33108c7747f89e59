"""Where an annotation's words are in the article: quotes found character for character (with a hint when they
nearly match) and the article split into paragraphs, with page furniture left out.

Positions are Unicode code points over the whole file, 0-based, end exclusive (``text[start:end]``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from kg.errors import AnnotationError


@dataclass
class Paragraph:
    index: int
    start: int
    end: int
    text: str


#: Characters an analyst types for the article's look-alikes: (article's, quote's, how to say it).
_LOOK_ALIKES = (("’", "'", "’ where the quote has '"), ("‘", "'", "‘ where the quote has '"),
                ("“", '"', "“ where the quote has \""), ("”", '"', "” where the quote has \""),
                ("\u00a0", " ", "a no-break space where the quote has a space"),
                ("—", "-", "— where the quote has -"), ("–", "-", "– where the quote has -"))


def _near_miss(exact: str, text: str) -> str:
    """Why a quote is not found when it nearly is: a look-alike character, or another Unicode normalization
    (composed é against e + combining accent). Empty if it is not a near miss.

    >>> _near_miss("a b", "x a\u00a0b")
    ' (it has a no-break space where the quote has a space)'
    >>> _near_miss("caf\u00e9", "a cafe\u0301")
    ' (the article writes accents as separate characters (NFD); copy the quote from the article)'
    """
    plain = str.maketrans({theirs: ours for theirs, ours, _ in _LOOK_ALIKES})
    start = text.translate(plain).find(exact.translate(plain))  # one character for one: positions agree
    if start >= 0:
        says = {(theirs, ours): say for theirs, ours, say in _LOOK_ALIKES}
        found = dict.fromkeys(says[pair] for pair in zip(text[start:start + len(exact)], exact) if pair in says)
        return f" (it has {', '.join(found)})"
    for form, how in (("NFC", "composed characters (NFC)"), ("NFD", "separate characters (NFD)")):
        normal = unicodedata.normalize(form, exact)
        if normal != exact and normal in text:
            return f" (the article writes accents as {how}; copy the quote from the article)"
    return ""


def find_quote(text: str, exact: str, occurrence: int | None = None, *, file=None, line=None) -> tuple[int, int]:
    """Code-point offsets ``(start, end)`` of ``exact`` in ``text``: 0-based start, exclusive end.

    ``occurrence`` (from 1) picks one of several matches; without it the quote must occur exactly once.

    >>> find_quote("China prioritizes stability", "stability")
    (18, 27)
    >>> find_quote("a cat and a cat", "cat", occurrence=2)
    (12, 15)
    >>> find_quote("a cat and a cat", "cat")
    Traceback (most recent call last):
    kg.errors.AnnotationError: quote occurs 2 times; add 'occurrence: N' to pick one: 'cat' [quote-ambiguous]
    >>> find_quote("China’s interest", "China's interest", file="a.yaml", line=7)
    Traceback (most recent call last):
    kg.errors.AnnotationError: a.yaml:7: quote not found in the article (it has ’ where the quote has '): ...

    :raises AnnotationError: if the quote does not occur, occurs several times without ``occurrence``,
        or has fewer occurrences than ``occurrence``.
    """
    starts, i = [], text.find(exact)
    while exact and i >= 0:
        starts.append(i)
        i = text.find(exact, i + 1)
    where = {"file": file, "line": line}
    if not starts:
        hint = _near_miss(exact, text)
        raise AnnotationError(f"quote not found in the article{hint}: {exact!r}", rule="quote-occurs", **where)
    if occurrence is None and len(starts) > 1:
        raise AnnotationError(f"quote occurs {len(starts)} times; add 'occurrence: N' to pick one: {exact!r}",
                              rule="quote-ambiguous", **where)
    if occurrence is not None and occurrence > len(starts):
        raise AnnotationError(f"occurrence {occurrence} asked but the quote occurs {len(starts)} time(s): "
                              f"{exact!r}", rule="quote-occurs", **where)
    start = starts[(occurrence or 1) - 1]
    return start, start + len(exact)


def split_paragraphs(text: str, furniture: tuple[str, ...]) -> list[Paragraph]:
    """The article body's paragraphs, one per line; trailing page-furniture and blank lines are left out.

    >>> [p.text for p in split_paragraphs("By A\\nBody.\\nNo comments:\\n", ("No comments:",))]
    ['By A', 'Body.']
    """
    paragraphs, start = [], 0
    for index, line in enumerate(text.split("\n")):
        paragraphs.append(Paragraph(index, start, start + len(line), line))
        start += len(line) + 1
    while paragraphs and (paragraphs[-1].text.strip() in furniture or not paragraphs[-1].text.strip()):
        paragraphs.pop()
    return paragraphs

"""Article text cut into paragraphs and segments, each segment marked with the claims whose words it holds.

Claims carry W3C Web Annotation text-position selectors (character offsets into the article's text, paragraphs
being its lines); a page renders each segment as plain text or as a highlight linking to its claim.

>>> paras = paragraphs("ab\\ncdef", [{"start": "4", "end": "6", "claim": "c"}])
>>> [(p.index, [(s.text, [a["claim"] for a in s.claims]) for s in p.segments]) for p in paras]
[(0, [('ab', [])]), (1, [('c', []), ('de', ['c']), ('f', [])])]
"""

from __future__ import annotations

from typing import NamedTuple


class Segment(NamedTuple):
    """A run of text and the anchors covering all of it (innermost, i.e. shortest, first)."""

    text: str
    claims: list


class Paragraph(NamedTuple):
    index: int
    start: int
    segments: list

    @property
    def highlighted(self) -> bool:
        return any(s.claims for s in self.segments)


def _span(anchor: dict) -> tuple[int, int]:
    return int(anchor["start"]), int(anchor["end"])


def _segments(text: str, offset: int, anchors: list) -> list[Segment]:
    inside = [a for a in anchors if _span(a)[0] < offset + len(text) and _span(a)[1] > offset]
    cuts = {0, len(text)}
    for a in inside:
        start, end = _span(a)
        cuts |= {max(0, start - offset), min(len(text), end - offset)}
    bounds = sorted(cuts)
    segments = []
    for left, right in zip(bounds, bounds[1:]):
        covering = [a for a in inside if _span(a)[0] <= offset + left and offset + right <= _span(a)[1]]
        covering.sort(key=lambda a: _span(a)[1] - _span(a)[0])
        segments.append(Segment(text[left:right], covering))
    return segments


def paragraphs(text: str, anchors: list) -> list[Paragraph]:
    """Every line of ``text`` as a :class:`Paragraph` of segments, highlighting the ``anchors`` (dicts with
    ``start`` and ``end`` offsets into ``text``)."""
    out, start = [], 0
    for index, line in enumerate(text.split("\n")):
        out.append(Paragraph(index, start, _segments(line, start, anchors)))
        start += len(line) + 1
    return out


def paragraph_of(text: str, anchor: dict) -> Paragraph | None:
    """The paragraph of ``text`` holding ``anchor``'s words, with only that anchor highlighted."""
    start, end = _span(anchor)
    for para in paragraphs(text, [anchor]):
        length = sum(len(s.text) for s in para.segments)
        if para.start <= start and end <= para.start + length:
            return para
    return None

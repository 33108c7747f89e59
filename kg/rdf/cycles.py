"""Circles in a relation given as edges: what a priority order must not have (A over B over ... over A).

>>> distinct_cycles({"a": [("b", 1)], "b": [("a", 2)], "c": [("a", 3)]})
[[('a', 1), ('b', 2)]]
"""

from __future__ import annotations


def distinct_cycles(edges: dict) -> list[list[tuple]]:
    """Each circle of ``edges`` (node -> [(next node, tag of the edge)]) once, as its (node, tag of the edge leading
    away from it) steps, found from the starts in the order of ``edges``; a circle met again from another of its
    nodes is not repeated."""
    found, seen_sets = [], set()
    for start in edges:
        path = _cycle(edges, start)
        if path and frozenset(n for n, _ in path) not in seen_sets:
            seen_sets.add(frozenset(n for n, _ in path))
            found.append(path)
    return found


def _cycle(edges: dict, start) -> list | None:
    """The steps of one circle through ``start``, or None (depth first, each node entered once)."""
    stack, seen = [(start, [])], set()
    while stack:
        node, path = stack.pop()
        for nxt, tag in edges.get(node, ()):
            step = path + [(node, tag)]
            if nxt == start:
                return step
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, step))
    return None

"""Loading annotation files into articles, every file tried before failing, and the helpers that collect their
errors and merge their graphs. rdflib is imported inside the functions that need it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InvalidDataError, KgError, LoadError


def flatten(errors: Iterable[KgError]) -> list:
    """Every single problem of ``errors``: an error's own ``violations`` if it lists some, else the error."""
    out: list = []
    for e in errors:
        out.extend(getattr(e, "violations", None) or [e])
    return out


def raise_collected(errors: list[KgError]) -> None:
    """Raise the one error, or one error listing every problem of several files (exit code of the worst kind)."""
    if len(errors) == 1:
        raise errors[0]
    violations = flatten(errors)
    if any(not isinstance(e, InvalidDataError) for e in errors):
        err = LoadError(f"{len(errors)} input files could not be loaded")
        err.violations = violations
        raise err
    raise InvalidDataError(f"{len(errors)} annotation files have errors", violations=violations)


def union(*datasets):
    """One rdflib Graph with the triples of every graph of ``datasets``: shapes span an article's graphs."""
    import rdflib

    g = rdflib.Graph()
    for dataset in datasets:
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            g.add((s, p, o))
    return g


def rdflib_graph(triples: Iterable[ox.Triple]):
    """pyoxigraph triples as one rdflib Graph (for HermiT's input), through N-Triples."""
    import rdflib

    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def load_articles(paths: list[Path]):
    """Every annotation file loaded (:func:`kg.annotate.loader.load_article`), all files tried before failing.

    :raises LoadError: if a file cannot be read or parsed.
    :raises InvalidDataError: (an AnnotationError for one file) listing every annotation problem.
    """
    from kg.annotate.loader import load_article

    articles, errors = [], []
    for path in paths:
        try:
            articles.append(load_article(path))
        except KgError as e:
            errors.append(e)
    if errors:
        raise_collected(errors)
    return articles

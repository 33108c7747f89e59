"""An article loaded and SHACL-checked, as plain data a worker process can hand back; many of them in forked
worker processes; and the cache that spares both for unchanged annotations, texts and code.

pySHACL is imported inside the functions that need it, so importing this stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg import cache
from kg.errors import KgError, LoadError
from kg.lifetime import die_with_parent
from kg.pipeline.articles import raise_collected, union
from kg.rdf.canonical import as_quads
from kg.resources import ontology_files


@dataclass
class PreparedArticle:
    """An article loaded and SHACL-checked, as plain data a worker process can hand back: its graphs as N-Quads,
    its violations and warnings (one line each), and whether the verdict came from :mod:`kg.cache`."""

    doc_id: str
    text_path: str
    nquads: bytes
    violations: list[str]
    cached: bool
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _validation_inputs() -> bytes:
    """Everything a SHACL verdict depends on besides the data: the shapes, the ontology, the code that mixes them
    and pySHACL's version (read from its metadata: importing it costs 0.2-0.4 s)."""
    from importlib.metadata import version

    from kg import resources
    from kg.check import shacl as validation

    files = sorted(resources.ontology_dir().glob("*.ttl")) + [Path(validation.__file__)]
    return cache.digest(version("pyshacl").encode(), *(f.read_bytes() for f in files)).encode()


def _shacl_key(nquads: bytes) -> str:
    return cache.digest(b"shacl", _validation_inputs(), b"\n".join(sorted(set(nquads.splitlines()))))


def prepare_article(article, graph=None) -> PreparedArticle:
    """``article`` (a :class:`kg.annotate.loader.LoadedArticle`) as N-Quads with its SHACL violations. A conforming
    verdict is kept in :mod:`kg.cache` under the hash of the article's sorted N-Quads and of the shapes, ontology
    and validation code, so an unchanged article is not validated again; violations are always recomputed, so
    they carry the annotation's current file and line numbers.

    :raises StoreError: if a term cannot be represented in N-Quads.
    """
    from kg.check.meaning import meaning_problems

    nquads = ox.serialize(as_quads(article.dataset), format=ox.RdfFormat.N_QUADS)
    key = _shacl_key(nquads)
    text_path = str(article.annotation.document.text_path)
    # The checks of meaning graph by graph take milliseconds: they run even when the SHACL verdict is cached.
    meaning = meaning_problems(article.dataset, article.origins)
    wrong = [str(v) for v in meaning if v.severity == "Violation"]
    warnings = [str(v) for v in meaning if v.severity != "Violation"]
    if cache.get("shacl", key) == b"conforms":
        return PreparedArticle(article.doc_id, text_path, nquads, wrong, cached=True, warnings=warnings)
    from kg.check.shacl import validate_graph

    result = validate_graph(graph if graph is not None else union(article.dataset), origins=article.origins)
    if result.conforms:  # only with no result at all: a SHACL warning is printed again, with its current line
        cache.put("shacl", key, b"conforms")
    return PreparedArticle(article.doc_id, text_path, nquads, [str(v) for v in result.errors] + wrong,
                           cached=False, warnings=[str(v) for v in result.warnings] + warnings)


#: The modules whose code makes a loaded article's N-Quads: what ``import kg.annotate.loader`` imports (a test keeps the
#: list complete), this module and the term conversion of kg.rdf.canonical. The loader also reads its vocabulary
#: off the ontology, so the ontology's files are part of the key too.
LOADING_CODE = ("annotate.annotations", "errors", "annotate.loader", "rdf.namespaces", "rdf.prefixes",
                "annotate.sourcefile", "pipeline.prepare", "rdf.canonical", "annotate.vocabulary", "annotate.kinds",
                "annotate.model", "annotate.values", "annotate.fields", "annotate.claims", "annotate.text",
                "annotate.consistency", "rdf.states", "rdf.cycles",
                "rdf.ontology", "resources")


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """The loading code's source and place: a change to any of it makes every cached article stale."""
    package = Path(__file__).resolve().parents[1]
    sources = [package.joinpath(*m.split(".")).with_suffix(".py").read_bytes() for m in LOADING_CODE]
    sources += [path.read_bytes() for path in ontology_files()]
    return cache.digest(str(package).encode(), *sources).encode()


def _loaded_key(path: Path) -> str | None:
    """The cache key of what loading ``path`` gives: the annotation's bytes and place, and the code. (The article
    text it names is checked by its own sha256 kept in the entry.) None if the file cannot be read."""
    try:
        return cache.digest(b"loaded", _code_digest(), str(path.resolve()).encode(), path.read_bytes())
    except OSError:
        return None


def _text_sha256(annotation: Path, text_path: str) -> str | None:
    """The sha256 of the article text as the loader reads it (confined to the annotation's folder), or None."""
    from kg.annotate.sourcefile import read_inside

    folder = annotation.parent
    try:
        text = read_inside(folder, Path(text_path).relative_to(folder).as_posix(), file=str(annotation), line=None)
    except (LoadError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _from_cache(path: Path) -> PreparedArticle | None:
    """A loaded, conforming article kept by an earlier build of exactly these files and code, or None."""
    key = _loaded_key(path)
    entry = cache.get("loaded", key) if key else None
    if entry is None:
        return None
    header, nquads = entry.split(b"\n", 1)
    doc_id, text_path, text_sha256 = json.loads(header)
    if _text_sha256(path, text_path) != text_sha256:
        return None
    if cache.get("shacl", _shacl_key(nquads)) != b"conforms":
        return None
    return PreparedArticle(doc_id, text_path, nquads, [], cached=True)


def _prepare_path(path: Path) -> PreparedArticle | KgError:
    """Worker process: load and check one annotation file, or take both from the cache when the annotation, its
    text and the code are unchanged. An error is returned (pickled), not raised, so every file's problems are
    reported together."""
    from kg.annotate.loader import load_article

    cached = _from_cache(path)
    if cached is not None:
        return cached
    try:
        prepared = prepare_article(load_article(path))
    except KgError as e:
        return e
    key = _loaded_key(path)
    text_sha256 = _text_sha256(path, prepared.text_path) if key and not prepared.violations else None
    if text_sha256:
        header = json.dumps([prepared.doc_id, prepared.text_path, text_sha256]).encode()
        cache.put("loaded", key, header + b"\n" + prepared.nquads)
    return prepared


def prepare_in_parallel(paths: list[Path], jobs: int) -> list[PreparedArticle]:
    """:func:`prepare_article` for every annotation file, in ``jobs`` forked worker processes, in input order.
    Articles are independent for SHACL (shapes never span two articles), so this is linear in the corpus and
    scales with the cores. An article whose annotation, text and the library's code are unchanged since a build
    that found it conforming is taken from :mod:`kg.cache` without loading it.

    :raises LoadError: if a file cannot be read or parsed.
    :raises InvalidDataError: (an AnnotationError for one file) listing every annotation problem.
    """
    import kg.annotate.loader  # noqa: F401 -- imported (rdflib, PyYAML) once here, not once in every forked worker
    from kg.check.ontology import load_ontology, load_shapes
    from kg.check.shacl import shapes_ontology

    for parse_once in (load_ontology, load_shapes, shapes_ontology, _validation_inputs, _code_digest):
        parse_once()  # cached in this process, inherited by the forked workers
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:  # no worker outlives a killed build
        results = list(pool.map(_prepare_path, paths, chunksize=max(1, len(paths) // (jobs * 8))))
    errors = [r for r in results if isinstance(r, KgError)]
    if errors:
        raise_collected(errors)
    return results

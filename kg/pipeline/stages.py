"""The stages of a build, each runnable on its own: load annotation files, SHACL-validate articles, reason in a
child process, read RDF files for validation. :mod:`kg.pipeline.builder` strings them together.

rdflib, pySHACL and owlready2 are imported inside the functions that need them, so importing this stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg import cache
from kg.errors import InvalidDataError, KgError, LoadError
from kg.rdf.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.reason.reasoning import Reasoned
from kg.rdf.canonical import as_quads


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


@dataclass
class PreparedArticle:
    """An article loaded and SHACL-checked, as plain data a worker process can hand back: its graphs as N-Quads,
    its violations (one line each), and whether the verdict came from :mod:`kg.cache`."""

    doc_id: str
    text_path: str
    nquads: bytes
    violations: list[str]
    cached: bool


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
    nquads = ox.serialize(as_quads(article.dataset), format=ox.RdfFormat.N_QUADS)
    key = _shacl_key(nquads)
    text_path = str(article.annotation.document.text_path)
    if cache.get("shacl", key) == b"conforms":
        return PreparedArticle(article.doc_id, text_path, nquads, [], cached=True)
    from kg.check.shacl import validate_graph

    result = validate_graph(graph if graph is not None else union(article.dataset), origins=article.origins)
    if result.conforms:
        cache.put("shacl", key, b"conforms")
    return PreparedArticle(article.doc_id, text_path, nquads, [str(v) for v in result.violations], cached=False)


#: The modules whose code makes a loaded article's N-Quads: what ``import kg.annotate.loader`` imports (a test keeps the
#: list complete), this module and the term conversion of kg.rdf.canonical.
LOADING_CODE = ("annotate.annotations", "errors", "annotate.loader", "rdf.namespaces", "rdf.prefixes",
                "annotate.sourcefile", "pipeline.stages", "rdf.canonical")


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """The loading code's source and place: a change to any of it makes every cached article stale."""
    package = Path(__file__).resolve().parents[1]
    sources = (package.joinpath(*m.split(".")).with_suffix(".py").read_bytes() for m in LOADING_CODE)
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
    from kg.check.shacl import load_ontology, load_shapes, shapes_ontology

    for parse_once in (load_ontology, load_shapes, shapes_ontology, _validation_inputs, _code_digest):
        parse_once()  # cached in this process, inherited by the forked workers
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        results = list(pool.map(_prepare_path, paths, chunksize=max(1, len(paths) // (jobs * 8))))
    errors = [r for r in results if isinstance(r, KgError)]
    if errors:
        raise_collected(errors)
    return results


def _reason_in_child(graph, send) -> None:
    """Child process: run the reasoner and send back the outcome (inferred triples as N-Triples) or the error."""
    os.setpgid(0, 0)  # its own process group, so the parent can stop HermiT's JVM along with it
    start = time.perf_counter()
    try:
        from kg.reason.reasoning import reason

        result = reason(graph)
        send.send(("ok", result.consistent, str(result.explanation),
                   result.inferred.serialize(format="nt", encoding="utf-8"), time.perf_counter() - start))
    except BaseException as e:  # handed to the parent, which raises it
        send.send(("error", e if isinstance(e, KgError) else KgError(f"reasoner failed: {type(e).__name__}: {e}")))
    finally:
        send.close()


class Reasoner:
    """kg.reason.reasoning.reason in a forked process, so HermiT (JVM start included) runs while SHACL validates:
    a thread would share the GIL with pySHACL for the Python half of the reasoner's work."""

    def __init__(self, graph):
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_reason_in_child, args=(graph, send), daemon=True)
        self._proc.start()
        send.close()

    def outcome(self) -> Reasoned:
        """Wait for the child and return its result.

        :raises KgError: whatever the reasoner raised, or if the child died without an answer.
        """
        try:
            message = self._recv.recv()
        except EOFError:
            raise KgError(f"the reasoner process died (exit code {self._proc.exitcode})") from None
        finally:
            self._proc.join()
        if message[0] == "error":
            raise message[1]
        _, consistent, explanation, nt, seconds = message
        return Reasoned(consistent, explanation, list(ox.parse(nt, ox.RdfFormat.N_TRIPLES)), seconds)

    def cancel(self) -> None:
        """Stop the child and its JVM: the build failed before their answer mattered."""
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._proc.join()


def read_rdf_graph(path: Path):
    """An RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD) as one rdflib Graph of its data: the triples of
    all its graphs except ``fpg:ontology`` and ``fpg:inferred`` (a build's own additions, checked separately).

    :raises LoadError: if it cannot be read or parsed.
    """
    import rdflib

    fmt = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".nt": "nt", ".jsonld": "json-ld"}.get(
        path.suffix.lower())
    if fmt is None:
        raise LoadError("unknown file type; expected .yaml, .ttl, .trig, .nq, .nt or .jsonld", file=str(path))
    dataset = rdflib.Dataset()
    try:
        dataset.parse(path, format=fmt)
    except FileNotFoundError:
        raise LoadError("no such file", file=str(path)) from None
    except UnicodeDecodeError as e:
        raise LoadError(f"not UTF-8 text: {e.reason} at byte {e.start}", file=str(path)) from e
    except Exception as e:  # rdflib's parsers raise many unrelated types for bad syntax
        raise LoadError(f"cannot parse as {fmt}: {' '.join(str(e).split())}", file=str(path)) from e
    for graph in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
        dataset.remove_graph(graph)
    return without_ontology(union(dataset))


def without_ontology(graph):
    """``graph`` minus descriptions of the ontology's own terms and the blank nodes only they reached (OWL lists):
    a Turtle export carries the ontology inside its union graph, and a second, partial copy of its axioms beside
    the reasoner's own would be checked instead of the data."""
    from rdflib import BNode

    from kg.check.shacl import load_ontology

    terms = set(load_ontology().subjects())
    for triple in [t for t in graph if t[0] in terms]:
        graph.remove(triple)
    while True:
        referenced = set(graph.objects())
        orphans = [t for t in graph if isinstance(t[0], BNode) and t[0] not in referenced]
        if not orphans:
            return graph
        for triple in orphans:
            graph.remove(triple)

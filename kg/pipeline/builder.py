"""The build: annotations -> RDF -> SHACL -> OWL -> store -> exports, all or nothing.

:func:`build` loads every annotation file (``seeds/*.yaml`` in the current directory by default), validates each
article's graphs against the SHACL shapes, checks the whole data with the ontology for OWL consistency and adds
what follows from it (graph ``fpg:inferred``) and the ontology itself (graph ``fpg:ontology``), then writes the
store and the exports. Invalid input stops the build before anything is written, with every violation listed;
the previous store and exports stay as they were. :func:`validate` runs the same checks without writing.

How the work is spread (the stages are in :mod:`kg.pipeline.articles`, :mod:`~kg.pipeline.prepare`,
:mod:`~kg.pipeline.reasoner` and :mod:`~kg.pipeline.rdfinput`):

- one file: loaded here; HermiT runs in a forked child while SHACL validates here, so the two overlap on a
  multi-core machine; SHACL violations are still reported first, and the child is stopped when they are found;
- several files: each is loaded and validated in a pool of worker processes (SHACL shapes never span two
  articles), then the union is reasoned over: by HermiT up to :data:`HERMIT_MAX_TRIPLES` data triples, above it
  by :mod:`kg.reason.rules`, which derives the same consequences from the ontology HermiT has checked;
- unchanged inputs cost neither SHACL nor HermiT again: conforming verdicts and HermiT's answers are kept in
  :mod:`kg.cache` under the hash of everything they depend on.

The validators (pyshacl, owlready2's HermiT) are imported inside the functions that use them, so
``import kg.pipeline.builder`` stays cheap.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InconsistencyError, InvalidDataError, KgError, LoadError, ShapeViolation, UsageError
from kg.rdf.namespaces import FP, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.pipeline.corpus import disagreements
from kg.pipeline.identity import check_identities, identity_problems
from kg.pipeline.publish import EXPORT_BASENAME, description, write_description
from kg.pipeline.articles import flatten, load_articles, rdflib_graph, union
from kg.pipeline.prepare import PreparedArticle, prepare_article, prepare_in_parallel
from kg.pipeline.rdfinput import rdf_origins, read_rdf_dataset, without_ontology
from kg.pipeline.reasoner import Reasoner
from kg.reason.reasoning import Reasoned
from kg.rdf.canonical import as_quads, canonical_quads
from kg.rdf.linked import linked_quads, read_catalogue
from kg.rdf.store import (DATASET_FILE, EXPORTS_DIR, publishing, resolve_store_dir, write_build_info,
                          write_dataset)
from kg.resources import display_name, ontology_dir
from kg.settings import REASONERS, current
CLAIM_CLASSES = {str(FP[c]) for c in ("Claim", "Belief", "Assessment", "Prediction", "Recommendation",
                                       "ReportedFact")}
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: ``progress(stage, seconds, detail)`` is called once each stage has finished.
Progress = Callable[[str, float, str], None]


@dataclass
class BuildReport:
    """What a build made: where, how much, how fast."""

    store_dir: Path
    dataset_path: Path
    exports: dict[str, Path]
    articles: list[str]
    triples_per_graph: dict[str, int]
    claims: int
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # soft rules broken: printed, not refused

    @property
    def triples(self) -> int:
        return sum(self.triples_per_graph.values())


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms`` is true when ``violations`` (one-line strings) is empty;
    ``warnings`` are soft rules broken, reported without refusing the data."""

    files: list[str]
    violations: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations


def default_annotation_paths(seeds_dir: str | os.PathLike | None = None) -> list[Path]:
    """Every ``*.yaml`` file of ``seeds_dir`` (default: the setting ``seeds_dir``, ``./seeds``), sorted.

    :raises LoadError: if there is none.
    """
    directory = Path(seeds_dir if seeds_dir is not None else current().seeds_dir)
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise LoadError(f"no annotation files (*.yaml) in {directory}: run from the folder holding seeds/, "
                        "or name the files or the folder (KG_SEEDS_DIR)", file=str(directory))
    return paths


def _file_info(path: Path) -> dict:
    """Path (``ontology/...`` for the package's own files, else relative to the working directory when inside
    it), sha256 and size of a file."""
    data = path.read_bytes()
    shown, here = display_name(path), Path.cwd().resolve()
    if shown == str(path) and path.resolve().is_relative_to(here):
        shown = str(path.resolve().relative_to(here))
    return {"path": shown, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


#: Above this many data triples ``reasoner="auto"`` uses :mod:`kg.reason.rules` instead of HermiT over the data:
#: HermiT's time and memory grow too fast beyond it (measurements: docs/architecture.md).
HERMIT_MAX_TRIPLES = 30_000


def default_jobs(n_files: int) -> int:
    """Worker processes for ``n_files`` annotation files: the setting ``jobs`` if set, else one per CPU, never
    more than the files; a single file is loaded and checked in this process."""
    wanted = current().jobs or os.cpu_count() or 1
    return max(1, min(wanted, n_files))


def build(annotation_paths: Iterable[str | os.PathLike] | None = None, store_dir: str | os.PathLike | None = None,
          export_dir: str | os.PathLike | None = None, progress: Progress | None = None, *,
          jobs: int | None = None, reasoner: str | None = None, seeds_dir: str | os.PathLike | None = None
          ) -> BuildReport:
    """Build the knowledge graph from annotation files into the store, then write the exports.

    With no arguments it reads ``./seeds/*.yaml`` and writes ``./.kg`` (both relative to the current working
    directory; the settings ``seeds_dir`` and ``store_dir`` of :mod:`kg.settings` say otherwise). ``seeds_dir``
    is where to look for ``*.yaml`` files when ``annotation_paths`` is not given.
    ``store_dir`` defaults as in :func:`kg.rdf.store.resolve_store_dir`. The dataset and the exports (``fpkg.ttl``,
    ``fpkg.trig``, ``fpkg.jsonld``, ``fpkg.nt``) are written into a new build folder published as a whole by one
    rename (:func:`kg.rdf.store.publishing`); ``<store_dir>/exports`` leads to the published build's. An
    ``export_dir`` given instead gets each file replaced atomically, outside that one switch.
    ``jobs``: processes that load and validate articles (default :func:`default_jobs`). ``reasoner``: ``hermit``
    (HermiT over ontology plus data), ``rules`` (:mod:`kg.reason.rules`: HermiT on the ontology, rules over the data) or
    ``auto`` (the default, or the setting ``reasoner``): HermiT up to :data:`HERMIT_MAX_TRIPLES` data triples.
    Conforming SHACL verdicts and HermiT answers are reused from :mod:`kg.cache` for unchanged inputs.

    :raises UsageError: if ``reasoner`` is not one of :data:`REASONERS`.
    :raises LoadError: if an annotation file cannot be read or parsed (exit code 2).
    :raises AnnotationError: if an annotation says something wrong: unknown entity, quote not found (exit code 1).
    :raises ShapeViolation: if the data does not conform to the SHACL shapes; lists every violation (exit code 1).
    :raises InconsistencyError: if the ontology plus data is inconsistent (exit code 1).
    :raises StoreError: if the store or an export cannot be written.
    In every error case the previous store and exports are left untouched.
    """
    from kg.rdf.export import write_exports

    def stage(name: str, started: float, detail: str = "") -> None:
        timings[name] = time.perf_counter() - started
        if progress:
            progress(name, timings[name], detail)

    timings: dict[str, float] = {}
    begin = time.perf_counter()
    mode = (reasoner or current().reasoner).lower()
    if mode not in REASONERS:
        raise UsageError(f"unknown reasoner {mode!r}; expected one of {', '.join(REASONERS)}")
    paths = ([Path(p) for p in annotation_paths] if annotation_paths is not None
             else default_annotation_paths(seeds_dir))
    jobs = default_jobs(len(paths)) if jobs is None else max(1, min(jobs, len(paths)))

    if jobs == 1:
        prepared, child = _prepare_here(paths, mode, stage)
    else:
        t = time.perf_counter()
        prepared, child = prepare_in_parallel(paths, jobs), None
        _refuse_violations(prepared, None)
        stage("load+shacl", t, f"{len(prepared)} articles in {jobs} processes; {_verdicts(prepared)}")

    t = time.perf_counter()
    data: list[ox.Quad] = []
    for p in prepared:
        data.extend(ox.parse(p.nquads, format=ox.RdfFormat.N_QUADS))
        p.nquads = b""  # parsed: at 1M triples the text alone is ~150 MB
    # Before the reasoner, which would only call two ISO codes of one state an inconsistency: Wikidata items and ISO
    # codes first, named by the file and line of both declarations; then what only the graphs show (kinds declared
    # differently), named by graph.
    try:
        if len(paths) > 1:
            check_identities(paths)
        found = disagreements(data) if len(prepared) > 1 else []
        if found:
            raise InvalidDataError("the articles give a shared resource different identifiers", violations=found)
    except KgError:
        if child is not None:
            child.cancel()
        raise
    result = _reason(data, mode, child)
    if not result.consistent:
        raise InconsistencyError("the ontology and the data are inconsistent",
                                 violations=[line for line in result.explanation.splitlines() if line.strip()])
    timings["reason"] = result.seconds if child is not None else time.perf_counter() - t
    if progress:
        progress("reason", timings["reason"], f"consistent, {len(result.inferred)} inferred triples")

    t = time.perf_counter()
    from kg.check.ontology import load_ontology

    directory = resolve_store_dir(store_dir)
    # Graphs linked by `kg link` are inputs too; they are not reasoned over (they are not ours to check).
    data += linked_quads(directory)
    quads = _assemble(data, result.inferred, load_ontology())
    del data
    counts = dict(sorted(Counter(_graph_key(q) for q in quads).items()))
    claims = len({q.subject for q in quads if q.predicate.value == _RDF_TYPE and q.object.value in CLAIM_CLASSES})
    metadata = {
        "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inputs": _inputs(paths, prepared),
        "articles": [p.doc_id for p in prepared],
        "triples_per_graph": counts,
        "claims": claims,
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
    }
    catalogue = read_catalogue(directory)
    if catalogue:
        metadata["linked"] = catalogue
    void = description(quads, metadata, directory)
    # Everything is written into a new build folder, published by one rename only when all of it is there.
    with publishing(directory) as folder:
        dataset = write_dataset(folder, quads, canonical=True)
        write_description(void, folder)
        stage("store", t, f"{len(quads)} quads in {folder / DATASET_FILE}")
        t = time.perf_counter()
        out_dir = Path(export_dir) if export_dir is not None else folder / EXPORTS_DIR
        exports = write_exports(quads, out_dir, EXPORT_BASENAME, canonical=True)
        write_description(void, out_dir)
        stage("export", t, f"{len(exports)} files in {out_dir}")
        write_build_info(folder, metadata, dataset=dataset, exports=exports)
    if export_dir is None:
        exports = {name: directory / EXPORTS_DIR / path.name for name, path in exports.items()}
    target = directory / DATASET_FILE
    timings["total"] = time.perf_counter() - begin
    return BuildReport(directory, target, exports, [p.doc_id for p in prepared], counts, claims, timings,
                       [w for p in prepared for w in p.warnings])


def _prepare_here(paths: list[Path], mode: str, stage) -> tuple[list[PreparedArticle], Reasoner | None]:
    """Load and SHACL-check the files in this process. When HermiT will reason over the data, its child is forked
    as soon as the data is there, with the ontology parsed first (both sides need it) but before pySHACL is
    imported (only this side needs it): HermiT's JVM is the longest stage. Returns the child, still running."""
    from kg.check.ontology import load_ontology

    t = time.perf_counter()
    articles = load_articles(paths)
    graphs = [union(a.dataset) for a in articles]  # SHACL validates each article on its own union graph
    data = graphs[0] if len(graphs) == 1 else union(*(a.dataset for a in articles))
    stage("load", t, f"{len(articles)} article(s), {len(data)} triples")

    t = time.perf_counter()
    load_ontology()
    child = Reasoner(data) if _uses_hermit(mode, len(data)) else None
    try:
        prepared = [prepare_article(a, g) for a, g in zip(articles, graphs)]
        _refuse_violations(prepared, child)
    except BaseException:
        if child is not None:
            child.cancel()
        raise
    stage("shacl", t, _verdicts(prepared))
    return prepared, child


def _refuse_violations(prepared: list[PreparedArticle], child: Reasoner | None) -> None:
    """:raises ShapeViolation: listing every violation of every article, after stopping the reasoner's child."""
    violations = [v for p in prepared for v in p.violations]
    if violations:
        if child is not None:
            child.cancel()
        raise ShapeViolation("the data does not conform to the SHACL shapes", violations=violations)


def _verdicts(prepared: list[PreparedArticle]) -> str:
    cached = sum(p.cached for p in prepared)
    return f"conforms ({cached} of {len(prepared)} verdicts from the cache)" if cached else "conforms"


def _uses_hermit(mode: str, data_triples: int) -> bool:
    return mode == "hermit" or (mode == "auto" and data_triples <= HERMIT_MAX_TRIPLES)


def _reason(data: list[ox.Quad], mode: str, child: Reasoner | None) -> Reasoned:
    """The reasoner's verdict on ``data``: the HermiT child's if one was started, else HermiT or :mod:`kg.reason.rules`
    as ``mode`` says.

    :raises KgError: if the reasoner fails for another reason than inconsistency.
    """
    if child is not None:
        return child.outcome()
    if _uses_hermit(mode, len(data)):
        return Reasoner(rdflib_graph(dict.fromkeys(q.triple for q in data))).outcome()
    from kg.reason.rules import infer

    # Only the rules' input: an Oxigraph Store keeps literals by value (it reads "3"^^xsd:positiveInteger back as
    # xsd:integer), so what is stored and exported never goes through one.
    store = ox.Store()
    store.bulk_extend(data)
    return infer(store)


def _assemble(data: list[ox.Quad], inferred: list[ox.Quad], ontology) -> list[ox.Quad]:
    """The dataset to store: the articles' graphs, the inferred triples not asserted anywhere (they would show
    twice in union-graph queries) in ``fpg:inferred``, and the ontology in ``fpg:ontology``; canonical order."""
    candidates = {q.triple for q in inferred}
    asserted = {q.triple for q in data if q.triple in candidates}
    inferred_graph, ontology_graph = ox.NamedNode(str(INFERRED_GRAPH)), ox.NamedNode(str(ONTOLOGY_GRAPH))
    data += [ox.Quad(q.subject, q.predicate, q.object, inferred_graph) for q in inferred if q.triple not in asserted]
    data += [ox.Quad(q.subject, q.predicate, q.object, ontology_graph) for q in as_quads(ontology)]
    return canonical_quads(data)


def _inputs(paths: list[Path], prepared: list[PreparedArticle]) -> list[dict]:
    """Every file the build read, with its sha256: annotations, article texts, ontology and shapes."""
    files = list(paths) + [p.text_path for p in prepared]
    files += sorted(ontology_dir().glob("*.ttl"))
    return [_file_info(p) for p in dict.fromkeys(Path(f).resolve() for f in files)]


def _graph_key(q: ox.Quad) -> str:
    return "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value


def validate(paths: Iterable[str | os.PathLike], *, reason: bool = True) -> ValidationReport:
    """Check files without building: annotation YAML (loaded as the build loads it) or RDF data (Turtle, TriG,
    N-Quads, N-Triples, JSON-LD). Every file is checked against the SHACL shapes; with ``reason`` the union of
    all of them is also checked for OWL consistency. Annotation errors and violations are returned, not raised.

    :raises LoadError: if a file cannot be read or parsed at all.
    """
    from kg.annotate.loader import load_article
    from kg.check.meaning import meaning_problems
    from kg.check.shacl import validate_graph

    files = [Path(p) for p in paths]
    violations: list[str] = []
    warnings: list[str] = []
    graphs = []
    for path in files:
        if path.suffix.lower() in (".yaml", ".yml"):
            try:
                article = load_article(path)
            except InvalidDataError as e:
                violations.extend(str(v) for v in flatten([e]))
                continue
            dataset, origins = article.dataset, article.origins
            graph = union(dataset)
        else:
            dataset = read_rdf_dataset(path)
            origins = rdf_origins(path, dataset)
            graph = without_ontology(union(dataset))
        for problem in validate_graph(graph, origins=origins).violations + meaning_problems(dataset, origins):
            (violations if problem.severity == "Violation" else warnings).append(
                str(problem) if problem.file else f"{path}: {problem}")
        graphs.append(graph)
    annotations = [p for p in files if p.suffix.lower() in (".yaml", ".yml")]
    if len(annotations) > 1 and not violations:
        # As kg build does: one Wikidata item and ISO code per shared entity, naming both files and lines.
        violations.extend(str(e) for e in identity_problems(annotations))
    if reason and graphs and not violations:
        combined = graphs[0]
        for g in graphs[1:]:
            combined += g
        result = Reasoner(combined).outcome()
        if not result.consistent:
            violations.append(f"inconsistent with the ontology: {' '.join(str(result.explanation).split())}")
    return ValidationReport([str(p) for p in files], violations, warnings)

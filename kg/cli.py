"""The ``kg`` command: build, validate, query, export, link, push, stats, diagram, serve.

Exit codes: 0 success; 1 invalid data (a bad annotation, a SHACL violation, an inconsistency); 2 usage or load
error (bad arguments, unreadable input, no store built yet, a query that does not parse). Errors go to standard
error as one line each, every violation on its own line; never a traceback (set ``KG_DEBUG=1`` to see one).

The settings (:mod:`kg.settings`) are read from the ``KG_*`` environment once, here, and the options override
them. Every command that reads the store takes ``--store-dir DIR`` (default ``$KG_STORE_DIR``, else ``.kg`` in the
current directory); ``query``, ``stats`` and ``serve`` also take ``--store PATH`` to use a persistent on-disk
pyoxigraph database at PATH (refreshed from the store directory when the build changed) instead of loading the
dataset into memory. ``kg build`` reads ``./seeds/*.yaml`` unless given files or ``--seeds DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kg.errors import KgError, QueryError, StoreError, UsageError
from kg.settings import Settings, activate, current

QUERY_FORMATS = ("table", "json", "xml", "csv", "tsv", "ttl", "nt")
EXPORT_FORMATS = ("turtle", "trig", "jsonld", "nt", "nq")
ROLE_FLAGS = ("assertions", "background", "provenance", "inferred", "ontology", "linked")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# --- commands -------------------------------------------------------------------------------------------------------

def _progress(stage: str, seconds: float, detail: str) -> None:
    _stderr(f"kg build: {stage:<7} {seconds:6.2f} s  {detail}")


def cmd_build(args) -> int:
    from kg.pipeline.builder import build

    report = build(args.files or None, store_dir=args.store_dir, export_dir=args.export_dir,
                   progress=None if args.quiet else _progress, jobs=args.jobs, reasoner=args.reasoner,
                   seeds_dir=args.seeds)
    for line in report.warnings:
        _stderr(f"warning: {line}")
    print(f"built {report.triples} triples, {report.claims} claims from {len(report.articles)} article(s) "
          f"in {report.timings['total']:.2f} s")
    for name, n in _graph_summary(report.triples_per_graph):
        print(f"  {n:7d}  {name}")
    print(f"store: {report.dataset_path}")
    print(f"exports: {', '.join(str(p) for p in report.exports.values())}")
    return 0


def _graph_summary(counts: dict[str, int], most: int = 12) -> list[tuple[str, int]]:
    """Triples per graph; beyond ``most`` graphs (a corpus), the documents' graphs summed per role.

    >>> g = "https://w3id.org/fpkg/graph/"
    >>> _graph_summary({g + "a/assertions": 2, g + "b/assertions": 3}, most=1)
    [('fpg:*/assertions (2 graphs)', 5)]
    """
    if len(counts) <= most:
        return [(_compact(g) if g else "(default graph)", n) for g, n in counts.items()]
    roles: dict[str, list[int]] = {}
    for graph, n in counts.items():
        name = _compact(graph) if graph else "(default graph)"
        if name.startswith("fpg:") and "/" in name:
            name = "fpg:*/" + name.rsplit("/", 1)[1]
        roles.setdefault(name, []).append(n)
    return [(name if len(ns) == 1 else f"{name} ({len(ns)} graphs)", sum(ns)) for name, ns in sorted(roles.items())]


def cmd_validate(args) -> int:
    from kg.pipeline.builder import validate

    report = validate(args.files, reason=not args.no_reason)
    for line in report.violations:
        _stderr(line)
    for line in report.warnings:
        _stderr(f"warning: {line}")
    if not report.conforms:
        _stderr(f"kg validate: {len(report.violations)} violation(s) in {len(report.files)} file(s)")
        return 1
    print(f"{len(report.files)} file(s) valid")
    return 0


def _open(args):
    from kg.rdf.store import open_store

    settings = current()
    return open_store(settings.store_dir, persistent_path=settings.store)


def _query_text(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    path = Path(arg)
    if path.suffix.lower() in (".rq", ".sparql", ".txt") or (len(arg) < 256 and "{" not in arg and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise QueryError(f"cannot read the query file: {e}", file=arg) from e
    return arg


def _expand(name: str) -> str:
    from kg.rdf.namespaces import PREFIXES

    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    return name.strip("<>")


def _compact(iri: str) -> str:
    """An IRI as prefix:local for display (longest matching namespace), else in angle brackets.

    >>> _compact("https://w3id.org/fpkg/resource/doc/claim/c1"), _compact("http://example.org/x")
    ('fpr:doc/claim/c1', '<http://example.org/x>')
    """
    from kg.rdf.namespaces import PREFIXES

    best = max((ns for ns in PREFIXES.values() if iri.startswith(str(ns))), key=lambda ns: len(str(ns)), default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(str(best)):]}"


def _cell(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term)


def _table(header: list[str], rows: list[list[str]], width: int) -> str:
    """Rows as an aligned text table, cells clipped to ``width`` characters (0: never), with a row count.

    >>> print(_table(["s", "o"], [["fpr:China", "a long value"]], 10), end="")
    s         | o
    ----------+-----------
    fpr:China | a long va…
    (1 row)
    """
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if not width or len(text) <= width else text[:width - 1] + "…"

    rows = [[clip(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(header), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def run_query(store, text: str, graphs: list[str] | None = None):
    """Evaluate SPARQL ``text`` on ``store``: default graph = union of all graphs, or the ``graphs`` given;
    the prefixes of :data:`kg.rdf.namespaces.PREFIXES` are predeclared.

    :raises QueryError: if the query is an update, calls a SERVICE not allowed, does not parse or cannot be
        evaluated.
    """
    import pyoxigraph as ox

    from kg.rdf.namespaces import PREFIXES
    from kg.web.localquery import check_query

    options = {"prefixes": {p: str(ns) for p, ns in PREFIXES.items()}}
    check_query(text, options["prefixes"])
    if graphs:
        options["default_graph"] = [ox.NamedNode(_expand(g)) for g in graphs]
    else:
        options["use_default_graph_as_union"] = True
    try:
        return store.query(text, **options)
    except (SyntaxError, ValueError, OSError) as e:
        raise QueryError(f"query failed: {' '.join(str(e).split())}") from e


def cmd_query(args) -> int:
    from kg.web.localquery import DEFAULT_TIMEOUT, run_bounded

    store, text = _open(args), _query_text(args.query)
    timeout = args.timeout if args.timeout is not None else float(os.environ.get("KG_TIMEOUT", DEFAULT_TIMEOUT))
    return run_bounded(lambda: _answer_query(args, run_query(store, text, args.graph)), timeout)


def _answer_query(args, result) -> int:
    import pyoxigraph as ox

    fmt = args.format
    out = sys.stdout.buffer
    try:
        if isinstance(result, ox.QueryTriples):
            if fmt not in ("table", "ttl", "nt"):
                raise UsageError(f"a CONSTRUCT/DESCRIBE result is RDF: use --format ttl or nt, not {fmt}")
            from kg.rdf.export import export

            export([ox.Quad(t.subject, t.predicate, t.object) for t in result], "nt" if fmt == "nt" else "turtle", out)
        elif fmt in ("ttl", "nt"):
            raise UsageError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; use table, json, xml, csv or tsv")
        elif fmt == "table":
            if isinstance(result, ox.QueryBoolean):
                out.write(b"true\n" if bool(result) else b"false\n")
            else:
                header = [v.value for v in result.variables]
                rows = [[_cell(sol[h]) for h in header] for sol in result]
                out.write(_table(header, rows, args.width).encode())
        else:
            formats = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                       "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
            body = result.serialize(format=formats[fmt])
            out.write(body if body.endswith(b"\n") else body + b"\n")
    except OSError as e:
        if isinstance(e, BrokenPipeError):
            raise
        raise QueryError(f"query failed: {e}") from e
    out.flush()
    return 0


def cmd_export(args) -> int:
    from kg.rdf.store import read_dataset

    quads = read_dataset(args.store_dir)
    if args.events:
        return _export_events(quads, args)
    if args.format is None:
        raise UsageError("give --format (turtle, trig, jsonld, nt, nq) or --events FILE")
    from kg.rdf.export import export
    from kg.rdf.select import select

    roles = [r for r in ROLE_FLAGS if getattr(args, f"role_{r}")]
    chosen = args.graph or roles or not args.ontology or not args.text
    if chosen:
        quads = select(quads, graphs=[_expand(g) for g in args.graph or ()], roles=roles, ontology=args.ontology,
                       text=args.text)
    to_file = args.output and args.output != "-"
    export(quads, args.format, args.output if to_file else sys.stdout.buffer)
    if to_file and chosen:
        # A selection gets its own description beside it: the build's void.ttl describes the whole dataset.
        from kg.rdf.describe import void_turtle
        from kg.rdf.files import atomic_write
        from kg.rdf.store import read_build_info

        atomic_write(f"{args.output}.void.ttl", void_turtle(list(quads), build=read_build_info(args.store_dir)))
    return 0


def _export_events(quads, args) -> int:
    import pyoxigraph as ox

    from kg.rdf.events import events_csv

    store = ox.Store()
    store.bulk_extend(quads)
    body = events_csv(store, include_non_actual=args.include_non_actual)
    if args.events == "-":
        sys.stdout.buffer.write(body)
    else:
        from kg.rdf.files import atomic_write

        atomic_write(args.events, body)
    return 0


def cmd_link(args) -> int:
    from kg.pipeline.link import link

    query = _query_text(args.query) if args.query else None
    report = link(args.source, args.store_dir, name=args.name, query=query, timeout=args.timeout)
    print(f"linked {report.triples} triples from {report.source} into <{report.graph}>")
    print(f"  {report.resources} resources; {report.coinciding} coincide with ours: {report.same_iri} same IRI, "
          f"{report.same_wikidata} same Wikidata item, {report.declared} by owl:sameAs/skos:exactMatch")
    return 0


def cmd_push(args) -> int:
    from kg.rdf.push import push
    from kg.rdf.remote import RemoteStore
    from kg.rdf.store import read_dataset

    remote = RemoteStore(args.endpoint, update_url=args.update, graph_store_url=args.graph_store,
                         user=args.user, password=args.password, timeout=args.timeout)
    quads = read_dataset(args.store_dir)
    report = push(quads, remote, batch=args.batch, union=args.union_default_graph,
                  progress=None if args.quiet else _push_progress)
    if not args.quiet:
        sys.stderr.write("\n")
    print(f"pushed {report.triples} triples in {len(report.graphs)} graphs to {remote.url} in {report.seconds:.2f} s "
          f"({report.triples / max(report.seconds, 1e-9):,.0f} triples/s, {report.requests} requests); counts match")
    if report.union_written:
        print(f"wrote the union of all graphs ({report.union_written} triples) into the default graph")
    if report.union_note:
        _stderr(f"kg push: note: {report.union_note}")
    return 0


def _push_progress(done: int, total: int) -> None:
    if not sys.stderr.isatty() and done < total:
        return  # a log gets the finished bar only, not one redrawn line per batch
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\rkg push: [{'#' * filled}{'.' * (width - filled)}] {done}/{total} triples")
    sys.stderr.flush()


STATS_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class } FILTER(?g != <https://w3id.org/fpkg/graph/ontology>)
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""


def cmd_stats(args) -> int:
    from kg.rdf.store import graph_counts

    store = _open(args)
    graphs = graph_counts(store)
    classes = [(row["class"].value, int(row["n"].value)) for row in store.query(STATS_CLASSES)]
    if args.format == "json":
        print(json.dumps({"triples": len(store), "triples_per_graph": graphs,
                          "instances_per_class": dict(classes)}, indent=2))
        return 0
    rows = [[_compact(g) if g else "(default graph)", str(n)] for g, n in graphs.items()]
    rows.append(["(all graphs)", str(len(store))])
    sys.stdout.write(_table(["graph", "triples"], rows, 0))
    print()
    sys.stdout.write(_table(["class (instances outside fpg:ontology)", "instances"],
                            [[_compact(c), str(n)] for c, n in classes], 0))
    return 0


def cmd_serve(args) -> int:
    from kg.rdf.remote import is_remote
    from kg.rdf.store import DATASET_FILE, resolve_store_dir
    from kg.web.front import serve

    if is_remote(args.store):
        # Front a remote SPARQL 1.1 store (the app opens it): nothing local is read or built.
        s = current()
        serve(s.host, s.port, str(s.store_dir), persistent_path=args.store, workers=s.workers, timeout=s.timeout)
        return 0
    if not (resolve_store_dir(args.store_dir) / DATASET_FILE).is_file():
        raise StoreError("nothing built here yet: run `kg build` first (or `make run`, which builds and serves)",
                         file=str(resolve_store_dir(args.store_dir) / DATASET_FILE))
    s = current()
    serve(s.host, s.port, str(s.store_dir), persistent_path=s.store and str(s.store), workers=s.workers,
          timeout=s.timeout)
    return 0


def cmd_diagram(args) -> int:
    from types import SimpleNamespace

    from kg.rdf.prefixes import BASE
    from kg.web.diagram import svg
    from kg.web.pages import Site

    picture = svg(Site(SimpleNamespace(store=_open(args)), args.base or BASE, local_links=False))
    if args.output:
        Path(args.output).write_text(picture, encoding="utf-8")
        _stderr(f"wrote {args.output}")
    else:
        sys.stdout.write(picture)
    return 0


# --- argument parsing -------------------------------------------------------------------------------------------------

def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kg``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store-dir", metavar="DIR",
                        help="store directory (default: $KG_STORE_DIR, else .kg in the current directory)")
    persistent = argparse.ArgumentParser(add_help=False)
    persistent.add_argument("--store", metavar="PATH|URL",
                            help="use a persistent on-disk database at PATH instead of loading into memory; for "
                                 "serve, a remote SPARQL 1.1 store's query URL to front")

    parser = _Parser(prog="kg", description="Foreign-policy knowledge-graph builder.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("build", parents=[common], help="build the graph from annotation files into the store")
    p.add_argument("files", nargs="*", metavar="FILE", help="annotation files (default: SEEDS/*.yaml)")
    p.add_argument("--seeds", metavar="DIR",
                   help="folder of annotation files (default: $KG_SEEDS_DIR, else seeds in the current directory)")
    p.add_argument("--export-dir", metavar="DIR", help="where to write the exports (default: STORE_DIR/exports)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="processes loading and validating articles (default: $KG_JOBS, else one per CPU)")
    p.add_argument("--reasoner", choices=("auto", "hermit", "rules"),
                   help="hermit: HermiT over ontology and data; rules: HermiT on the ontology, rules over the data; "
                        "auto (default, or $KG_REASONER): hermit for small inputs, rules for corpora")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute SHACL verdicts and HermiT answers even for unchanged inputs (also KG_CACHE=0)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check annotation (YAML) or RDF (ttl, trig, nq, nt, jsonld) files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--no-reason", action="store_true", help="skip the OWL consistency check (SHACL only)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", parents=[common, persistent], help="run a SPARQL query on the built graph")
    p.add_argument("query", metavar="QUERY|FILE", help="SPARQL text, a file holding it, or - for standard input")
    p.add_argument("--format", choices=QUERY_FORMATS, default="table",
                   help="table (default; Turtle for CONSTRUCT), SPARQL results json|xml|csv|tsv, or RDF ttl|nt")
    p.add_argument("--graph", action="append", metavar="IRI",
                   help="use this named graph as the default graph (repeatable; default: union of all graphs)")
    p.add_argument("--width", type=int, default=80, metavar="N", help="clip table cells to N characters (0: never)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="stop a query running longer (default: $KG_TIMEOUT, else 30; 0: never)")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", parents=[common],
                       help="write the built graph (or chosen graphs) as turtle, trig, jsonld, nt or nq; or events")
    p.add_argument("--format", choices=EXPORT_FORMATS)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="output file (default: standard output); a selection also gets FILE.void.ttl")
    p.add_argument("--graph", action="append", metavar="IRI", help="export this named graph (repeatable)")
    for role in ROLE_FLAGS:
        p.add_argument(f"--{role}", dest=f"role_{role}", action="store_true", help=f"export the {role} graph(s)")
    p.add_argument("--no-ontology", dest="ontology", action="store_false", help="leave out the ontology graph")
    p.add_argument("--no-text", dest="text", action="store_false", help="leave out the articles' text (fp:text)")
    p.add_argument("--events", metavar="FILE", help="write the coded events as CSV (GDELT column order) to FILE "
                                                     "(- for standard output) instead of RDF")
    p.add_argument("--include-non-actual", action="store_true",
                   help="with --events: also hypothetical, feared, predicted, recommended and negated events, "
                        "marked Actual=0")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("link", parents=[common], help="load another RDF graph (file or SPARQL endpoint) beside ours")
    p.add_argument("source", metavar="SOURCE", help="an RDF file (any syntax) or a SPARQL endpoint URL")
    p.add_argument("--query", metavar="QUERY|FILE", help="the CONSTRUCT query for an endpoint (text or file)")
    p.add_argument("--name", help="name of the linked graph (default: from the file or host name)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for an endpoint (default 60)")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("push", parents=[common], help="write our named graphs into a SPARQL 1.1 store")
    p.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query endpoint")
    p.add_argument("--update", metavar="URL", help="its SPARQL Update endpoint (default: derived for Oxigraph/Fuseki)")
    p.add_argument("--graph-store", metavar="URL",
                   help="its Graph Store Protocol endpoint (default: derived for Oxigraph/Fuseki; else Update)")
    p.add_argument("--user", help="user name (default: $KG_REMOTE_USER)")
    p.add_argument("--password", help="password (default: $KG_REMOTE_PASSWORD)")
    p.add_argument("--batch", type=int, default=50_000, metavar="N", help="triples per request (default 50000)")
    p.add_argument("--union-default-graph", choices=("auto", "write", "no"), default="auto",
                   help="auto: say how to make the store's default graph the union; write: write the union into "
                        "it; no: leave it")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per request (default 300)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("stats", parents=[common, persistent], help="triples per graph and instances per class")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("diagram", parents=[common, persistent],
                       help="draw the argument (states, interests, concerns, causes, views) as SVG")
    p.add_argument("-o", "--output", metavar="FILE", help="SVG file to write (default: standard output)")
    p.add_argument("--base", metavar="IRI", help="public base of the IRIs the boxes link to (default: the project's)")
    p.set_defaults(func=cmd_diagram)

    p = sub.add_parser("serve", parents=[common, persistent], help="serve the SPARQL endpoint")
    p.add_argument("--host", help="default: $KG_HOST, else 127.0.0.1")
    p.add_argument("--port", type=int, help="default: $KG_PORT, else 5000")
    p.add_argument("--workers", type=int,
                   help="query processes, i.e. queries run at once (default: $KG_WORKERS, else two per CPU)")
    p.add_argument("--timeout", type=float, help="query timeout in seconds (default: $KG_TIMEOUT, else 30)")
    p.set_defaults(func=cmd_serve)
    return parser


def options_over(settings: Settings, args) -> Settings:
    """``settings`` with the command-line options given in ``args`` in place of their values."""
    option = lambda name: getattr(args, name, None)  # noqa: E731 -- each command has its own options
    return settings.replace(
        store_dir=option("store_dir"), store=option("store"), seeds_dir=option("seeds"),
        cache=False if option("no_cache") else None,
        hermit_cds=False if option("no_cache") else None, jobs=option("jobs"), reasoner=option("reasoner"),
        host=option("host"), port=option("port"), workers=option("workers"), timeout=option("timeout"))


def main(argv: list[str] | None = None) -> int:
    """Run ``kg`` with ``argv`` (default: the process arguments); returns the exit code."""
    args = make_parser().parse_args(argv)
    debug = False
    try:
        settings = options_over(Settings.from_env(), args)
        debug = settings.debug
        activate(settings)
        return args.func(args)
    except KgError as e:
        # One line each, even when a message quotes a multi-line tool output (a Java stack trace).
        for v in getattr(e, "violations", None) or []:
            _stderr(" ".join(str(v).split()))
        _stderr(f"kg {args.command}: {' '.join(str(e).split())}")
        return e.exit_code
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        if debug:
            raise
        _stderr(f"kg {args.command}: unexpected error: {type(e).__name__}: {' '.join(str(e).split())} "
                "(set KG_DEBUG=1 for a traceback)")
        return 2


if __name__ == "__main__":
    sys.exit(main())

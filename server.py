"""Serve the knowledge graph's SPARQL endpoint with gunicorn: ``python server.py --host 127.0.0.1 --port 5000``.

Builds the graph first (``kg build``) if the store directory holds none yet. Every option can also be set by a
``KG_*`` environment variable (see kg/app.py and the README).
"""

import argparse
import os
import sys

from kg.app import serve
from kg.errors import KgError
from kg.store import DATASET_FILE, resolve_store_dir


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=os.environ.get("KG_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("KG_PORT", "5000")))
    parser.add_argument("--store-dir", metavar="DIR", help="store directory (default: $KG_STORE_DIR, else .kg)")
    parser.add_argument("--store", metavar="PATH", help="persistent on-disk database at PATH (default: in memory)")
    parser.add_argument("--workers", type=int, help="worker processes (default: $KG_WORKERS, else CPUs + 1)")
    parser.add_argument("--timeout", type=float, help="query timeout in seconds (default: $KG_TIMEOUT, else 30)")
    args = parser.parse_args(argv)
    try:
        if not (resolve_store_dir(args.store_dir) / DATASET_FILE).is_file():
            from kg.pipeline import build  # only now: building needs rdflib, pyshacl and owlready2

            build(store_dir=args.store_dir)
        serve(args.host, args.port, args.store_dir, persistent_path=args.store, workers=args.workers,
              timeout=args.timeout)
    except KgError as e:
        print(f"server.py: {e}", file=sys.stderr)
        return e.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())

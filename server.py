"""Serve the knowledge graph's SPARQL endpoint: ``python server.py --host 127.0.0.1 --port 5000``.

The same as ``kg serve``: serves the graph ``kg build`` left in the store (``./.kg``), and stops with one line if
nothing was built yet (Granian in front, queries in a pool of processes: see kg/web/front.py). Options:
``--host``, ``--port``, ``--store-dir``, ``--store``, ``--workers``, ``--timeout``, and the ``KG_*`` environment
variables of kg/settings.py (see docs/endpoint.md).
"""

import sys

from kg.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))

"""Serve the knowledge graph's SPARQL endpoint: ``python server.py --host 127.0.0.1 --port 5000``.

The same as ``kg serve``: builds the graph first if the store holds none yet, then serves it (Granian in front,
queries in a pool of processes: see kg/web/front.py).
Options: ``--host``, ``--port``, ``--store-dir``, ``--store``, ``--workers``, ``--timeout``, and the ``KG_*``
environment variables of kg/web/app.py (see the README).
"""

import sys

from kg.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))

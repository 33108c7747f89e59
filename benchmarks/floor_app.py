"""The Python floor: the smallest Flask + pyoxigraph SPARQL app, with no safety at all (no timeout, no memory cap,
no row limit, no SERVICE check), for the front benchmark. It serves ``$FLOOR_NQ`` (loaded into memory at import,
union default graph) at ``/sparql``.

    FLOOR_NQ=data.nq python -m granian --interface wsgi --workers 2 benchmarks.floor_app:app   # under Granian
    FLOOR_NQ=data.nq python benchmarks/floor_app.py PORT PROCESSES                              # under bjoern
"""

import os
import socket
import sys

import pyoxigraph as ox
from flask import Flask, Response, request

store = ox.Store()
store.bulk_load(path=os.environ["FLOOR_NQ"], format=ox.RdfFormat.N_QUADS)
app = Flask(__name__)


@app.get("/sparql")
def sparql():
    result = store.query(request.args["query"], use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return Response(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES), content_type="application/n-triples")
    return Response(result.serialize(format=ox.QueryResultsFormat.JSON),
                    content_type="application/sparql-results+json")


def bjoern_main(port: int, processes: int) -> None:
    """bjoern (a C WSGI server, one request at a time per process): ``processes`` forks share one listening socket."""
    import bjoern

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    for _ in range(processes - 1):
        if os.fork() == 0:
            break
    bjoern.server_run(listener, app)


if __name__ == "__main__":
    bjoern_main(int(sys.argv[1]), int(sys.argv[2]))

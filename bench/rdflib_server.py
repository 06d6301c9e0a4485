"""rdflib-endpoint over an N-Quads file, the pure-Python peer of the benchmark.

    python -m bench.rdflib_server FILE.nq PORT

The Dataset's default graph is the union of its named graphs, as dxkg's queries expect.
Started and stopped by ``bench.servers.start_rdflib_endpoint``.
"""

from __future__ import annotations

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main(path: str, port: int) -> None:
    data = Dataset(default_union=True)
    data.parse(path, format="nquads")
    app = SparqlEndpoint(graph=data, path="/", public_url=f"http://127.0.0.1:{port}/")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

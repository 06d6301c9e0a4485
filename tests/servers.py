"""Real triple stores for the remote-store tests: started by the test session on free
127.0.0.1 ports in temporary folders and stopped by the PID it started.

Oxigraph server always runs (the ``oxigraph`` PyPI package is a test extra); Virtuoso runs
when ``virtuoso-t`` is installed, else its tests are skipped with the reason printed.
The process handling itself lives in ``bench/servers.py``, which the benchmark shares;
``bench`` is importable from the repository root (pyproject's pytest ``pythonpath``).
"""

from __future__ import annotations

import sys

import pytest
from requests.auth import HTTPDigestAuth

from bench import servers
from dxkg.kg.remote import RemoteStore, endpoints_for


def remote_store(server: servers.Server, **options) -> RemoteStore:
    """A RemoteStore speaking to ``server`` the way ``RemoteStore.from_env`` would."""
    auth = HTTPDigestAuth(*server.credentials) if server.credentials else None
    urls = endpoints_for(server.url, server.flavour, authenticated=auth is not None)
    return RemoteStore(urls, flavour=server.flavour, auth=auth, **options)


def start(kind: str, workdir=None) -> servers.Server:
    """Start an ``oxigraph`` or ``virtuoso`` server; skip the test (reason printed) if impossible."""
    if kind == "virtuoso":
        reason = servers.virtuoso_missing()
        if reason:
            print(f"skipping Virtuoso: {reason}", file=sys.stderr)
            pytest.skip(reason)
        return servers.start_virtuoso(workdir)
    if not servers.oxigraph_bin():
        pytest.fail("the oxigraph server is missing: pip install -e '.[test]' installs it")
    return servers.start_oxigraph(workdir)

"""Graph views as data (SPARQL → networkx → JSON) for ``dxkg.server.graphs``; see each module."""

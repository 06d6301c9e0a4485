"""Graph views as data (SPARQL → networkx → JSON) for ``server.graphs``; see each module."""

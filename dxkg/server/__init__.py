"""The dxkg SPARQL 1.1 service: protocol endpoints, query console, linked data pages.

See ``server/README.md`` for the endpoints and options; ``server.app.create_app`` builds the
WSGI app and ``server.wsgi.serve`` runs it.
"""

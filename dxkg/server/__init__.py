"""The dxkg SPARQL 1.1 service: protocol endpoints, query console, linked data pages.

See ``dxkg/server/README.md`` for the endpoints and options; ``dxkg.server.app.create_app`` builds the
WSGI app and ``dxkg.server.wsgi.serve`` runs it.
"""

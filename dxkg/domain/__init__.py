"""Facts every layer shares, written once: document types, issuer codes, the system catalogue
and its categories, provinces and the 2025 mergers, and accent-insensitive text folding.

The bottom layer: it imports nothing else of dxkg, so loaders (text → records), kg (records →
RDF) and server (HTTP) all read the same tables. ``tests/test_domain.py`` checks these tables
against the code lists of the ontology (``dxkg/ontology/codelists.ttl``).
"""

"""Namespaces: the dxkg ontology, instance IRIs, and the standard vocabularies it reuses.

Instance IRIs live under ``BASE`` (``DXKG_BASE`` can move them for a deployment); the
server dereferences any IRI under it.
"""

import os

BASE = os.environ.get("DXKG_BASE", "https://w3id.org/dxkg/")
ID = BASE + "id/"
DX = BASE + "ontology#"
GRAPH = ID + "graph/"
ONTOLOGY_GRAPH = GRAPH + "ontology"
SHARED_GRAPH = GRAPH + "shared"  # documents, agencies, systems, places named by several sources
REPORT_GRAPH = GRAPH + "validation-report"
DERIVED_GRAPH = GRAPH + "derived"  # closures computed from the others (kg/derived.py), never edited

PREFIXES = {
    "dx": DX,
    "dxid": ID,
    "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "dcat": "http://www.w3.org/ns/dcat#",
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def prefixed(iri: str) -> str | None:
    """``dx:Task`` for an IRI under one of ``PREFIXES`` (the longest namespace wins), else None."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return None

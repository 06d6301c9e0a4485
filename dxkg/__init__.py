"""dxkg: a knowledge graph of Vietnamese digital-transformation plans, and its SPARQL service.

Layers, each importing only those below it: ``dxkg.loaders`` (text → records),
``dxkg.kg`` (records → RDF, stores, validation), ``dxkg.server`` (HTTP), ``dxkg.cli`` on top.
"""

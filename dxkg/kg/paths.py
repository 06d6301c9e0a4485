"""Where the package's data files live: the ontology and the named queries ship inside the package."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PACKAGE_DIR / "ontology"
QUERIES_DIR = PACKAGE_DIR / "queries"

"""Layers only look down: domain ← loaders ← kg ← server ← cli.

Read from the source with ``ast`` (nothing is imported), so a late import inside a function
counts as much as one at the top of a module.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dxkg"

# layer → the dxkg modules it may import (prefixes); kg reads the loaders' records and calls
# their entry point, nothing that parses
ALLOWED = {
    "dxkg.domain": ("dxkg.domain",),
    "dxkg.loaders": ("dxkg.domain", "dxkg.loaders"),
    "dxkg.kg": ("dxkg.domain", "dxkg.kg", "dxkg.loaders.records", "dxkg.loaders.document"),
    "dxkg.server": ("dxkg.domain", "dxkg.kg", "dxkg.server"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every dxkg module ``path`` imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            mod = ".".join(x for x in (base, node.module) if x)
            # "from dxkg.loaders import agencies" imports the module dxkg.loaders.agencies
            found |= {f"{mod}.{a.name}" for a in node.names} if node.module in (None, "dxkg", *ALLOWED) else {mod}
    return {m for m in found if m == "dxkg" or m.startswith("dxkg.")}


def layer(name: str) -> str | None:
    return next((lay for lay in ALLOWED if name == lay or name.startswith(lay + ".")), None)


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_only_look_down(path):
    own = layer(module_name(path))
    if own is None:  # dxkg/__init__.py, dxkg/cli.py: the top
        return
    wrong = sorted(m for m in imports(path) if not m.startswith(ALLOWED[own]))
    assert not wrong, f"{module_name(path)} ({own}) imports {wrong}"


def test_the_walker_sees_relative_and_late_imports(tmp_path):
    assert "dxkg.loaders.records" in imports(PACKAGE / "loaders" / "appendix.py")  # from .records import …
    assert "dxkg.server.wsgi" in imports(PACKAGE / "cli.py")  # imported inside cmd_serve
    assert "dxkg.loaders.agencies" in imports(PACKAGE / "loaders" / "document.py")  # from dxkg.loaders import agencies


@pytest.mark.parametrize("folder", ["tests", "bench", "docs"])
def test_no_sys_path_games(folder):
    """Tests, benchmarks and docs scripts import dxkg and bench as installed or configured
    (pyproject's pytest ``pythonpath``), never by editing ``sys.path``."""
    offenders = [
        p.name for p in (ROOT / folder).rglob("*.py") if "sys.path." + "insert" in p.read_text(encoding="utf-8")
    ]
    assert not offenders

"""Front-end code from npm that the pages serve (pinned in package.json, installed by
``npm ci``, never committed), and where an installed dxkg finds it.

A wheel built after ``npm ci`` carries these files under ``dxkg/server/vendor/<package>/``
(setup.py's build step reads ``NPM_FILES`` from this module); a checkout (editable install)
serves them from ``node_modules``. This module imports nothing but the standard library, so
setup.py can read it before dxkg is installed.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
WHEEL_DIR = PACKAGE_DIR / "server" / "vendor"
NODE_MODULES = PACKAGE_DIR.parent / "node_modules"

# npm package → the files of it the pages load (paths inside the npm package)
NPM_FILES = {
    "@zazuko/yasgui": ("build/yasgui.min.js", "build/yasgui.min.css"),
    "chart.js": ("dist/chart.umd.js",),
}


def npm_file(package: str, path: str) -> Path:
    """The file ``path`` of npm ``package``: the wheel's copy, else a checkout's node_modules
    (which may be missing: callers answer 404 with what to run)."""
    copy = WHEEL_DIR / package / Path(path).name
    return copy if copy.is_file() else NODE_MODULES / package / path

"""Build step that puts the pages' npm front-end files into the wheel.

The query console serves YASGUI and the browsers Chart.js, npm packages pinned in
package.json, installed into ``node_modules`` by ``npm ci`` and never committed. A wheel built
where ``node_modules`` is present carries the files ``dxkg/server/vendor.py`` lists
(``NPM_FILES``) as package data under ``dxkg/server/vendor/<package>/``, each with its npm
package.json (version and licence), so an installed dxkg serves every page without the
repository. Everything else about the package is declared in pyproject.toml.
"""

import json
import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
NPM_FILES = runpy.run_path(str(ROOT / "dxkg" / "server" / "vendor.py"))["NPM_FILES"]


class BuildWithAssets(build_py):
    """``build_py`` plus the npm packages' built files, when ``npm ci`` has run."""

    def run(self) -> None:
        super().run()
        pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]
        for package, files in NPM_FILES.items():
            source = ROOT / "node_modules" / package
            if not all((source / f).is_file() for f in files):
                print(f"warning: node_modules/{package} missing (run 'npm ci'): the wheel's pages lack it")
                continue
            found = json.loads((source / "package.json").read_text())["version"]
            if found != pinned[package]:
                raise SystemExit(
                    f"node_modules has {package} {found}, package.json pins {pinned[package]}: run 'npm ci'"
                )
            target = Path(self.build_lib) / "dxkg" / "server" / "vendor" / package
            target.mkdir(parents=True, exist_ok=True)
            for name in (*files, "package.json"):
                shutil.copy2(source / name, target / Path(name).name)


setup(cmdclass={"build_py": BuildWithAssets})

"""The checks CI runs besides the tests: ruff (lint and format) and mypy, configured in
pyproject.toml, with the pinned versions of the test extra. Each failure prints the
tools' own findings."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCES = ["dxkg", "tests", "bench", "docs", "scripts", "setup.py"]


@pytest.mark.parametrize(
    "cmd",
    [
        [BIN / "ruff", "check", *SOURCES],
        [BIN / "ruff", "format", "--check", *SOURCES],
        [BIN / "mypy"],  # the packages and options of [tool.mypy]
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_clean(cmd):
    out = subprocess.run([str(c) for c in cmd], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]

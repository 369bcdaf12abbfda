"""Pyflakes-class mistakes (undefined or shadowed names, unused imports, repeated dict keys) fail the suite:
they are bugs the other tests may only hit on a rarely used path."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_no_pyflakes_errors() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (pip install -e .[dev])")
    result = subprocess.run([ruff, "check", "--select", "F", "--output-format", "concise", "bot", "handlers",
                             "models", "migrations", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

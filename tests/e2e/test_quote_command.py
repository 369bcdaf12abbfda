"""`python -m bot quote`: the evaluation interface, reading discounts from the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.botproc import run_cli

pytestmark = pytest.mark.e2e


def test_quote_prints_one_json_object_with_the_seeded_discounts(tmp_path: Path) -> None:
    result = run_cli("quote", "--income", "2000000", "--programs", "jkk,jkm,jht", "--period", "2026-03",
                     "--months", "3", "--workers", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "total": 2 * (66_800 + 53_400 + 53_400),
        "months": [
            {"period": "2026-03", "base": 66_800, "discount": 0, "due": 66_800},
            {"period": "2026-04", "base": 66_800, "discount": 13_400, "due": 53_400},
            {"period": "2026-05", "base": 66_800, "discount": 13_400, "due": 53_400},
        ],
    }
    transport = run_cli("quote", "--income", "1000000", "--period", "2027-03", "--months", "2", "--transport",
                        cwd=tmp_path)
    assert [m["due"] for m in json.loads(transport.stdout)["months"]] == [8_400, 16_800]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--income", "banyak", "--period", "2026-04"],
        ["--income", "dua ratus juta", "--period", "2026-04"],
        ["--income", "0", "--period", "2026-04"],
        ["--income", "2000000", "--period", "April"],
        ["--income", "2000000", "--period", "2026-04", "--programs", "jkk,jkm,jp"],
        ["--income", "2000000", "--period", "2026-04", "--months", "13"],
        ["--income", "2000000", "--period", "2026-04", "--workers", "x"],
        ["--period", "2026-04"],
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path, arguments: list[str]) -> None:
    result = run_cli("quote", *arguments, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and len(lines) == 1

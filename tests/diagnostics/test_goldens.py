"""Goldens of the human and concise renderers, compared verbatim.

Regenerate after a deliberate change of wording or layout with
`ORBC_REGEN_GOLDENS=1 pytest tests/diagnostics/test_goldens.py`, and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"
GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("ORBC_REGEN_GOLDENS") == "1"

# (case, root spec inside it, format): a few of each kind of layout.
GOLDEN_CASES = [
    ("unit-mismatch.orb", "", "human"),
    ("unknown-reference.orb", "", "human"),
    ("unexpected-end.orb", "", "human"),
    ("invalid-token.orb", "", "human"),
    ("not-text.orb", "", "human"),
    ("out-of-range.orb", "", "human"),
    ("missing-attribute.orb", "", "human"),
    ("import-cycle", "main.orb", "human"),
    ("import-escapes-root", "root/main.orb", "human"),
    ("unit-mismatch.orb", "", "concise"),
]


@pytest.mark.parametrize(("case", "root", "form"), GOLDEN_CASES)
def test_golden(case, root, form, orbc, monkeypatch):
    folder = CASES / case if root else CASES
    monkeypatch.chdir(folder)
    _, out, err = orbc("check", root or case, "--format", form)
    assert err == ""
    golden = GOLDEN / f"{Path(case).stem}.{form}.txt"
    if REGENERATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8", newline="\n")
    assert golden.exists(), f"no golden {golden.name}; run with ORBC_REGEN_GOLDENS=1"
    assert out == golden.read_text(encoding="utf-8")

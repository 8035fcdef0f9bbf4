"""The conformance sample's report, written once per session by the real `orbc report`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orbc.cli import main

REPO = Path(__file__).resolve().parents[2]
_FIGURE_DATA = re.compile(
    r'<script type="application/json" class="figure-data" data-figure="([^"]+)">(.*?)</script>',
    re.DOTALL)


@pytest.fixture(scope="session")
def conformance_report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["--debug", "report", str(REPO / "examples" / "conformance.orb"),
                 "-o", str(path)]) == 0
    return path


def figure_data(page: str) -> dict[str, str]:
    """Figure key -> the JSON text of its data block."""
    return dict(_FIGURE_DATA.findall(page))

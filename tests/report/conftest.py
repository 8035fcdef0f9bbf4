"""The conformance sample's report, written once per session by the real `orbc report`."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbc.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def conformance_report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["--debug", "report", str(REPO / "examples" / "conformance.orb"),
                 "-o", str(path)]) == 0
    return path

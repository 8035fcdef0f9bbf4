"""Fixtures shared by the language tests: the real `orbc` entry point, run in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orbc.cli import main
from orbc.compiler.pipeline import compile_spec

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def conformance_model():
    """The elaborated model of examples/conformance.orb (which compiles clean)."""
    compilation = compile_spec(REPO / "examples" / "conformance.orb")
    assert compilation.model is not None and not compilation.errors
    return compilation.model


@pytest.fixture
def compile_text(tmp_path):
    """`compile_text(text)`: compile a spec given as text; return the model (no errors)."""

    def run(text: str):
        spec = tmp_path / "spec.orb"
        spec.write_text(text, encoding="utf-8")
        compilation = compile_spec(spec)
        assert compilation.model is not None and not compilation.errors, [
            d.message for d in compilation.diagnostics]
        return compilation.model

    return run


@pytest.fixture(scope="session")
def conformance() -> Path:
    """The conformance sample, which must compile clean."""
    return REPO / "examples" / "conformance.orb"


@pytest.fixture
def orbc(capsys):
    """Run `orbc ARGS...` in process and return (exit code, stdout, stderr).

    `--debug` lets an internal error raise, so a traceback fails the test instead of
    hiding behind exit code 3.
    """

    def run(*args) -> tuple[int, str, str]:
        code = main(["--debug", *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def check_json(orbc):
    """`orbc check PATH --format json [EXTRA...]`: (exit code, the JSON document or None)."""

    def run(path, *extra) -> tuple[int, dict | None]:
        code, out, _ = orbc("check", path, "--format", "json", *extra)
        return code, json.loads(out) if out else None

    return run

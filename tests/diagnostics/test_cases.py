"""Diagnostic cases: one broken spec per code, the expected codes written inline.

A case is `cases/<code>.orb`, or a folder `cases/<code>/` whose entry is the one
`main.orb` in it (for imports). `<code>--<variant>` names another case of the same
code. A line that ends in `# expect: code[, code...]` must get exactly those errors
and warnings; every other line none. Each case runs through the real CLI with
`--format json`, in a copy of the case in a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from orbc.codes import CODES
from orbc.dsl.loader import MAX_FILE_BYTES

CASES = Path(__file__).parent / "cases"
CHECKED_CATEGORIES = ("syntax", "unit", "reference", "semantic", "import")
_EXPECT = re.compile(rb"#\s*expect:\s*([a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*)")
DIAGNOSTIC_KEYS = {"code", "severity", "category", "message", "help", "file", "line", "column",
                   "end_line", "end_column", "suggestion"}
SUGGESTION_KEYS = {"replacement", "file", "line", "column", "end_line", "end_column"}


def case_names() -> list[str]:
    return sorted(p.stem if p.is_file() else p.name for p in CASES.iterdir()
                  if p.suffix == ".orb" or p.is_dir())


def case_code(name: str) -> str:
    return name.split("--")[0]


def entry(folder: Path, name: str) -> Path:
    """The root spec of case `name` inside `folder` (the cases folder or a copy of it)."""
    single = folder / f"{name}.orb"
    if single.is_file():
        return single
    (main,) = (folder / name).rglob("main.orb")
    return main


def expectations(case: Path) -> set[tuple[str, int, str]]:
    """(file relative to the case, line, code) for every `# expect:` in the case's files.

    Read as bytes, since some cases are deliberately not UTF-8."""
    files = [case] if case.is_file() else sorted(case.rglob("*.orb"))
    base = case.parent if case.is_file() else case
    expected = set()
    for path in files:
        for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
            match = _EXPECT.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match[1].decode()):
                    expected.add((path.relative_to(base).as_posix(), number, code))
    return expected


def _oversized(folder: Path) -> None:
    """A sparse file just above the loader's size limit: exists, but cannot be read."""
    with open(folder / "huge.orb", "wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)


# Cases that need a file no repository should hold.
_SETUP = {"import-unreadable": _oversized}


@pytest.fixture
def run_case(tmp_path, monkeypatch, check_json):
    """Copy case `name` to a temporary folder, run it there, and return (exit code, document,
    expected set). Paths in the document are relative to the case folder."""

    def run(name: str, *extra):
        source = CASES / name if (CASES / name).is_dir() else CASES / f"{name}.orb"
        target = tmp_path / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
        base = target if target.is_dir() else tmp_path
        if name in _SETUP:
            _SETUP[name](base)
        monkeypatch.chdir(base)
        root = entry(tmp_path, name).relative_to(base)
        code, document = check_json(root.as_posix(), *extra)
        return code, document, expectations(source)

    return run


@pytest.mark.parametrize("name", case_names())
def test_case(name, run_case):
    code, document, expected = run_case(name)
    assert expected, f"case {name} has no `# expect:` line"
    assert case_code(name) in {c for _, _, c in expected}, f"{name} does not expect its own code"
    reported = document["diagnostics"]
    got = {(os.path.normpath(d["file"]), d["line"], d["code"]) for d in reported
           if d["severity"] in ("error", "warning")}
    assert got == expected, "\n".join(f"{d['file']}:{d['line']}: {d['code']}: {d['message']}"
                                      for d in reported)
    for diagnostic in reported:
        assert set(diagnostic) == DIAGNOSTIC_KEYS
        assert diagnostic["category"] == CODES[diagnostic["code"]].category
        assert diagnostic["column"] >= 1 and diagnostic["end_line"] >= diagnostic["line"]
        suggestion = diagnostic["suggestion"]
        assert suggestion is None or set(suggestion) == SUGGESTION_KEYS
    errors = any(d["severity"] == "error" for d in reported)
    assert code == (1 if errors else 0)
    assert document["ok"] is not errors
    assert {"ok", "diagnostics", "shells"} <= set(document)


@pytest.mark.parametrize("name", [n for n in case_names() if case_code(n) in
                                  ("ltan-drifts", "unused-block")])
def test_warning_cases_fail_only_with_strict(name, run_case):
    code, document, _ = run_case(name, "--strict")
    assert code == 1 and document["ok"] is False
    assert {d["severity"] for d in document["diagnostics"]} == {"warning"}


def test_every_code_has_a_case():
    """Adding a code without a case fails here."""
    wanted = {name for name, code in CODES.items() if code.category in CHECKED_CATEGORIES}
    have = {case_code(name) for name in case_names()}
    assert sorted(wanted - have) == []


def test_cases_name_and_expect_real_codes():
    for name in case_names():
        assert case_code(name) in CODES, name
        case = CASES / name if (CASES / name).is_dir() else CASES / f"{name}.orb"
        assert {c for _, _, c in expectations(case)} <= set(CODES), name

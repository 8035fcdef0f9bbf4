"""The VS Code extension skeleton hangs together: the files it names exist, its grammar's
patterns compile and colour the conformance sample's numbers, units and comments."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VSCODE = REPO / "editors" / "vscode"


def patterns(node):
    if isinstance(node, dict):
        if "match" in node:
            yield node
        for value in node.values():
            yield from patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from patterns(value)


def test_package_names_existing_files_and_starts_orbc_lsp():
    package = json.loads((VSCODE / "package.json").read_text())
    (language,) = package["contributes"]["languages"]
    assert language["extensions"] == [".orb"]
    assert (VSCODE / language["configuration"]).is_file()
    (grammar,) = package["contributes"]["grammars"]
    assert (VSCODE / grammar["path"]).is_file() and grammar["language"] == language["id"]
    assert (VSCODE / package["main"]).is_file()
    assert '["lsp"]' in (VSCODE / package["main"]).read_text()
    json.loads((VSCODE / "language-configuration.json").read_text())


def test_grammar_patterns_compile_and_match_the_sample():
    grammar = json.loads((VSCODE / "syntaxes" / "orb.tmLanguage.json").read_text())
    compiled = {p.get("name", ""): re.compile(p["match"], re.MULTILINE)  # TextMate: per line
                for p in patterns(grammar)}
    sample = (REPO / "examples" / "conformance.orb").read_text()
    assert compiled["comment.line.orb"].search(sample)
    (quantity,) = [p for p in patterns(grammar) if "support.constant.unit.orb" in json.dumps(p)]
    found = re.compile(quantity["match"]).search("  area        = 105 m^2")
    assert found[1] == "105" and found[2] == "m^2"

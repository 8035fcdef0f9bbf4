"""`--format sarif` and `--format github`: the SARIF log validates against the official
SARIF 2.1.0 schema (vendored, see README.md) and its regions and fixes point at the right
text; workflow commands escape what GitHub's runner requires."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest

from orbc.codes import CODES
from orbc.github import escape_data, escape_property

HERE = Path(__file__).parent
REPO = HERE.parents[1]
CASES = REPO / "tests" / "diagnostics" / "cases"
SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
CODE_DOCS = REPO / "docs" / "diagnostics.md"

BAD_UNIT = '''constellation "demo" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 kyr
}
'''


def case_roots() -> list[Path]:
    """The root spec of each diagnostic case (a folder case's one `main.orb`)."""
    return sorted(next(p.rglob("main.orb")) if p.is_dir() else p for p in CASES.iterdir()
                  if p.suffix == ".orb" or p.is_dir())


def sarif(orbc, *args) -> tuple[int, dict]:
    code, out, _ = orbc(*args, "--format", "sarif")
    log = json.loads(out)
    VALIDATOR.validate(log)
    return code, log


@pytest.mark.parametrize("spec", case_roots(), ids=lambda p: p.relative_to(CASES).parts[0]
                         .removesuffix(".orb"))
def test_every_case_gives_a_valid_sarif_log_with_its_json_diagnostics(orbc, spec):
    code, log = sarif(orbc, "check", spec)
    _, out, _ = orbc("check", spec, "--format", "json")
    document = json.loads(out)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert code in (0, 1)
    assert [r["ruleId"] for r in results] == [d["code"] for d in document["diagnostics"]]
    for result, diagnostic in zip(results, document["diagnostics"], strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == diagnostic["severity"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"],
                region["endColumn"]) == (diagnostic["line"], diagnostic["column"],
                                         diagnostic["end_line"], diagnostic["end_column"])
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (spec.parent / uri).resolve() == Path(diagnostic["file"]).resolve()


def test_rules_are_the_code_registry_with_explain_text_and_docs(orbc, tmp_path):
    spec = tmp_path / "spec.orb"
    spec.write_text(BAD_UNIT)
    _, log = sarif(orbc, "check", spec)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "orbc" and driver["informationUri"].startswith("https://")
    assert {rule["id"] for rule in driver["rules"]} == set(CODES)
    docs = CODE_DOCS.read_text(encoding="utf-8")
    for rule in driver["rules"]:
        assert rule["fullDescription"]["text"] == CODES[rule["id"]].explanation
        anchor = rule["helpUri"].rsplit("#", 1)[1]
        assert f"\n### `{anchor}`\n" in docs, f"{anchor} not in docs/diagnostics.md"


def test_docs_list_every_code_with_its_explanation():
    """docs/diagnostics.md is generated from the registry; after adding a code, rewrite it
    with ORBC_REGEN_GOLDENS=1 and review the diff."""
    expected = render_code_docs()
    if os.environ.get("ORBC_REGEN_GOLDENS") == "1":
        CODE_DOCS.write_text(expected, encoding="utf-8")
    assert CODE_DOCS.read_text(encoding="utf-8") == expected


def render_code_docs() -> str:
    lines = ["# Diagnostic codes", "",
             ("Every code orbc reports, by category, with its `orbc explain` text. SARIF "
              "output (`--format sarif`) links each rule here. Generated from "
              "`src/orbc/codes.py` by `tests/formats/test_ci_formats.py` "
              "(`ORBC_REGEN_GOLDENS=1`)."), ""]
    for category in dict.fromkeys(code.category for code in CODES.values()):
        lines += [f"## {category}", ""]
        for code in sorted((c for c in CODES.values() if c.category == category),
                           key=lambda c: c.name):
            lines += [f"### `{code.name}`", "", code.explanation, ""]
    return "\n".join(lines)


def test_a_fix_applied_as_sarif_says_clears_the_diagnostic(orbc, tmp_path):
    """The replacement goes at the deleted region, counted as SARIF counts (lines and
    code-point columns from 1, end exclusive), independently of orbc's own apply."""
    spec = tmp_path / "spec.orb"
    spec.write_text(BAD_UNIT)
    code, log = sarif(orbc, "check", spec)
    assert code == 1
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "unknown-unit"
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "spec.orb", "uriBaseId": "SPECROOT"}
    (replacement,) = change["replacements"]
    region = replacement["deletedRegion"]
    lines = spec.read_text().split("\n")
    line = lines[region["startLine"] - 1]
    assert region["startLine"] == region["endLine"]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == "kyr"
    lines[region["startLine"] - 1] = (line[:region["startColumn"] - 1]
                                      + replacement["insertedContent"]["text"]
                                      + line[region["endColumn"] - 1:])
    spec.write_text("\n".join(lines))
    code, log = sarif(orbc, "check", spec)
    assert code == 0 and log["runs"][0]["results"] == []


def test_columns_count_code_points_as_sarif_declares(orbc, tmp_path):
    spec = tmp_path / "spec.orb"
    spec.write_text(BAD_UNIT.replace('"demo"', '"démo 🛰"').replace("5 kyr", "5 km"))
    _, log = sarif(orbc, "check", spec)
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == spec.read_text().split("\n")[2].index("5 km") + 1


def test_build_prints_sarif_and_writes_nothing_on_errors(orbc, tmp_path):
    spec = tmp_path / "spec.orb"
    spec.write_text(BAD_UNIT)
    code, log = sarif(orbc, "build", spec, "-o", tmp_path / "out")
    assert code == 1 and log["runs"][0]["results"][0]["ruleId"] == "unknown-unit"
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert not (tmp_path / "out").exists()


def test_conformance_is_a_valid_sarif_log_without_errors(orbc, conformance):
    code, log = sarif(orbc, "check", conformance)
    assert code == 0
    assert all(r["level"] != "error" for r in log["runs"][0]["results"])


# --- GitHub workflow commands ----------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)"
                     r"::(.*)$")


def unescape(text: str) -> str:
    """What the runner does with a property or message."""
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","),
                          ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def test_github_commands_locate_each_diagnostic(orbc, tmp_path):
    folder = tmp_path / "a,b:c%d"
    folder.mkdir()
    spec = folder / "spec.orb"
    spec.write_text(BAD_UNIT)
    code, out, _ = orbc("check", spec, "--format", "github")
    assert code == 1
    commands = [COMMAND.match(line) for line in out.splitlines() if line.startswith("::")]
    assert all(commands), out
    by_title = {}
    for match in commands:
        properties = dict(item.split("=", 1) for item in match[2].split(","))
        by_title[properties["title"]] = (match[1], properties, unescape(match[3]))
    level, properties, message = by_title["unknown-unit"]
    assert level == "error"
    assert unescape(properties["file"]) == str(spec)
    assert (properties["line"], properties["col"], properties["endLine"],
            properties["endColumn"]) == ("3", "20", "3", "23")
    assert "`kyr`" in message
    assert "\nhelp: " in message


def test_github_warnings_are_warning_commands(orbc, tmp_path):
    spec = tmp_path / "spec.orb"
    spec.write_text(BAD_UNIT.replace("kyr", "yr") + 'hardware "spare" {\n  mass = 800 kg\n}\n')
    code, out, _ = orbc("check", spec, "--format", "github")
    assert code == 0
    assert out.startswith("::warning file=") and ",title=unused-block::" in out


def test_github_escaping_is_the_runners():
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("50% a\r\nb: c, d") == "50%25 a%0D%0Ab%3A c%2C d"

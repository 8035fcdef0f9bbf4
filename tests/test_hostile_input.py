"""Input written to break orbc: each case gets a diagnostic (or works), never a traceback, a
hang, or a terminal driven by a label.

The huge expression runs in a subprocess under a 2 GiB address-space limit, with a timeout
only as a guard against a hang: what is asserted is that it is refused with its code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orbc.compiler.labels import MAX_LABEL_LENGTH
from orbc.compiler.pipeline import compile_spec
from orbc.dsl.parser import MAX_VALUE_TOKENS

SRC = Path(__file__).resolve().parents[1] / "src"
CONSTELLATION = '''constellation "{name}" {{
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}}
'''
HARDWARE = '''hardware "bus" {
  mass = 800 kg
}
'''


def shell(label: str, hardware: str = "bus") -> str:
    return f'''shell "{label}" {{
  altitude    = 550 km
  inclination = 53 deg
  walker_delta {{
    planes    = 2
    per_plane = 2
    phasing   = 1
  }}
  hardware = "{hardware}"
}}
'''


def spec(shell_label: str = "low", name: str = "demo", hardware: str = "bus") -> str:
    return CONSTELLATION.format(name=name) + HARDWARE + shell(shell_label, hardware)


def run_orbc(*args, env: dict | None = None, limit_bytes: int | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m orbc ARGS` in a fresh process (optionally under an address-space limit)."""
    environment = dict(os.environ, PYTHONPATH=str(SRC), **(env or {}))

    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "orbc", *map(str, args)], env=environment,
                          check=False,
                          capture_output=True, timeout=timeout,
                          preexec_fn=limit if limit_bytes else None)


# --- size ------------------------------------------------------------------------------------


def test_an_import_chain_of_700_files_loads(tmp_path):
    """Loading was recursive: about 490 files overflowed Python's recursion limit."""
    count = 700
    (tmp_path / "main.orb").write_text('import "f1.orb"\n' + spec())
    for i in range(1, count):
        following = f'import "f{i + 1}.orb"\n' if i < count - 1 else ""
        (tmp_path / f"f{i}.orb").write_text(following + f"# link {i}\n")
    (tmp_path / f"f{count - 1}.orb").write_text('hardware "spare" {\n  mass = 1 W\n}\n')
    result = compile_spec(tmp_path / "main.orb")
    assert len(result.sources) == count
    assert [(Path(d.span.file).name, d.span.line, d.code) for d in result.diagnostics] == [
        (f"f{count - 1}.orb", 2, "unit-mismatch")]


def test_an_extends_chain_of_2000_blocks_merges(tmp_path):
    """Written child first, the chain was merged by recursion: a RecursionError (exit 3)."""
    count = 2000
    chain = "".join(f'hardware "h{i}" extends "h{i - 1}" {{\n  mass = {i} kg\n}}\n'
                    for i in reversed(range(1, count)))
    (tmp_path / "spec.orb").write_text(
        spec(hardware=f"h{count - 1}").replace('hardware "bus"', 'hardware "h0"') + chain)
    result = compile_spec(tmp_path / "spec.orb")
    assert not result.errors, [d.message for d in result.diagnostics]
    assert result.model.hardware[f"h{count - 1}"].mass_kg == count - 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs RLIMIT_AS")
def test_a_4_mb_expression_is_refused_within_2_gib(tmp_path):
    """Parsed into a tree first, this took minutes and gigabytes before the nesting bound
    refused it; under the limit the old parser ran out of memory (exit 3)."""
    terms = 4_000_000 // len(" + 1 yr")
    (tmp_path / "huge.orb").write_text(
        CONSTELLATION.format(name="demo").replace("5 yr", "1 yr" + " + 1 yr" * terms))
    done = run_orbc("check", "--format", "json", tmp_path / "huge.orb", limit_bytes=2 << 30)
    assert done.returncode == 1, done.stderr.decode()[-2000:]
    (diagnostic,) = json.loads(done.stdout)["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"]) == ("value-too-long", 3)


FILLERS = {"blank lines": "\n", "comment lines": "# c\n", "semicolons": ";",
           "semicolon lines": ";\r\n", "escapes": None, "plain": None}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs RLIMIT_AS")
@pytest.mark.parametrize("filler", FILLERS)
def test_15_mib_of_one_thing_is_read_within_2_gib(tmp_path, filler):
    """A 15 MiB label took 3 GB in the string pattern's repeated group; 15 MiB of blank
    lines or `;`, one token each, took minutes (the timeout here is only a hang guard)."""
    size = 15 << 20
    if FILLERS[filler] is None:
        label = ('\\"' * (size // 2)) if filler == "escapes" else "x" * size
        text, expected = spec(name=label), [("invalid-label", 1)]
    else:
        run = FILLERS[filler] * (size // len(FILLERS[filler]))
        text, expected = spec().replace("{\n", "{\n" + run, 1), []
    (tmp_path / "spec.orb").write_text(text)
    done = run_orbc("check", "--format", "json", tmp_path / "spec.orb", limit_bytes=2 << 30,
                    timeout=120)
    assert done.returncode == (1 if expected else 0), done.stderr.decode()[-2000:]
    found = [(d["code"], d["line"]) for d in json.loads(done.stdout)["diagnostics"]]
    assert found == expected


def test_the_token_limit_refuses_long_flat_values_too(tmp_path):
    items = ", ".join(["1 deg"] * (MAX_VALUE_TOKENS // 3 + 1))
    (tmp_path / "spec.orb").write_text(spec() + f'ground_station "g" {{\n  location = [{items}]\n}}\n')
    result = compile_spec(tmp_path / "spec.orb")
    assert [(d.span.line, d.code) for d in result.diagnostics] == [(19, "value-too-long")]


@pytest.mark.parametrize("opening", ["(", "[", "x {"])
def test_deep_nesting_is_refused_as_it_is_read(tmp_path, opening):
    """A million open brackets or blocks: refused at the 101st, not after building a tree."""
    head = "" if opening == "x {" else 'ground_station "g" {\n  x = '
    text = spec() + head + opening * 1_000_000
    (tmp_path / "spec.orb").write_text(text)
    result = compile_spec(tmp_path / "spec.orb")
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "syntax-error" and "nested more than 100" in diagnostic.message


# --- streams and terminals -------------------------------------------------------------------


@pytest.mark.parametrize("form", ["human", "concise", "json"])
@pytest.mark.parametrize("broken", [False, True])
def test_a_stream_that_is_not_utf8_degrades_characters(tmp_path, form, broken):
    """`PYTHONIOENCODING=ascii`: an ω label, the table's `°` and `—`, a diagnostic quoting
    the ω: escaped, not exit 3."""
    text = spec("ωmega", hardware="büs" if broken else "bus")
    (tmp_path / "spec.orb").write_text(text, encoding="utf-8")
    done = run_orbc("check", "--format", form, tmp_path / "spec.orb",
                    env={"PYTHONIOENCODING": "ascii"}, timeout=120)
    assert done.returncode == (1 if broken else 0), done.stderr.decode()
    out = done.stdout.decode("ascii")
    if broken and form != "json":
        assert "`\\xfc`" not in out and "b\\xfcs" in out  # in the message (and source line)
    if not broken and form == "human":
        assert "\\u03c9mega" in out and "inc \\xb0" in out  # the table


ESC_LABEL = "red\x1b[31m\x07\u202e"


def test_control_characters_in_labels_never_reach_the_terminal_raw(tmp_path, orbc):
    (tmp_path / "ok.orb").write_text(spec(ESC_LABEL, name=ESC_LABEL), encoding="utf-8")
    (tmp_path / "bad.orb").write_text(spec("low", hardware=ESC_LABEL), encoding="utf-8")
    outputs = {}
    for name in ("ok", "bad"):
        for form in ("human", "concise"):
            code, out, err = orbc("check", "--format", form, tmp_path / f"{name}.orb")
            assert code == (0 if name == "ok" else 1)
            outputs[name, form] = out + err
    for out in outputs.values():
        assert not {"\x1b", "\x07", "\u202e"} & set(out), out
    assert "red\\x1b[31m\\x07\\u202e" in outputs["ok", "human"]  # the table and the summary
    human = outputs["bad", "human"]
    assert 'labelled "red\\x1b[31m\\x07\\u202e"' in human  # the message
    assert '  hardware = "red\\x1b[31m\\x07\\u202e"' in human  # the echoed source line
    # The caret still sits under the string as shown (escapes widen the line).
    source, caret = [line for line in human.split("\n") if "hardware = " in line or "^" in line]
    assert caret.index("^") == source.index('"red') and caret.count("^") == len('"red\\x1b[31m\\x07\\u202e"')


def test_a_long_source_line_is_shown_around_its_span():
    from orbc.diagnostics import MAX_SHOWN_COLUMNS, Diagnostic, Span, render_human

    line = "x" * 5000 + "BAD" + "y" * 5000
    rendered = render_human(Diagnostic("syntax-error", "m", Span("f", 1, 5001, 1, 5004)),
                            {"f": line})
    source, caret = rendered.split("\n")[3:5]
    assert len(source) <= MAX_SHOWN_COLUMNS + 10
    assert source[caret.index("^"):][:3] == "BAD" and caret.count("^") == 3


# --- labels that become cells and file names -------------------------------------------------


@pytest.mark.parametrize("label", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\\tx", "=HYPERLINK(\\\"u\\\")"])
def test_formula_labels_are_refused_where_written(tmp_path, label):
    (tmp_path / "spec.orb").write_text(spec(label) + f'ground_station "{label}" {{\n}}\n')
    result = compile_spec(tmp_path / "spec.orb")
    assert result.model is None
    found = [(d.span.line, d.span.column, d.code) for d in result.diagnostics
             if d.code == "invalid-label"]
    assert found == [(8, 7, "invalid-label"), (18, 16, "invalid-label")]


def test_labels_that_only_contain_formula_characters_are_fine(tmp_path):
    (tmp_path / "spec.orb").write_text(spec("a=b+c-d@e"))
    assert not compile_spec(tmp_path / "spec.orb").diagnostics


def test_a_label_too_long_for_a_file_name_is_refused_at_check_time(tmp_path):
    """`check` said ok and `build` then failed with "File name too long" (exit 2)."""
    (tmp_path / "spec.orb").write_text(spec("s" * 300))
    done = run_orbc("check", "--format", "json", tmp_path / "spec.orb", timeout=120)
    assert done.returncode == 1
    (diagnostic,) = json.loads(done.stdout)["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == (
        "invalid-label", 8, 7)


def test_the_longest_label_builds(tmp_path):
    """A label of the limit's length becomes a Hypatia folder that a file system accepts, even
    when it needs a leading letter and a suffix to stay distinct from its neighbour."""
    stem = "9" * (MAX_LABEL_LENGTH - 1)
    text = spec(stem + "_") + shell(stem + ".")  # both x999…_, so one becomes x999…__2
    (tmp_path / "spec.orb").write_text(text)
    done = run_orbc("build", tmp_path / "spec.orb", "-o", tmp_path / "out", "--target",
                    "hypatia", "--quiet", timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    folders = sorted(p.name for p in (tmp_path / "out" / "hypatia").iterdir())
    assert folders == ["x" + stem + "_", "x" + stem + "__2"]

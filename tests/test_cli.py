"""The `orbc` command line: exit codes, formats, --strict, explain, --version.

Exit codes: 0 clean (warnings allowed unless --strict), 1 spec errors, 2 usage or
an unreadable root file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orbc import __version__
from orbc.cli import main
from orbc.codes import CODES

CASES = Path(__file__).parent / "diagnostics" / "cases"
ORBC = Path(sys.executable).parent / "orbc"

WARNING_ONLY = '''constellation "demo" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}

hardware "spare" {
  mass = 800 kg
}
'''


def write(folder: Path, text: str | bytes, name: str = "spec.orb") -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_conformance_is_clean_in_every_format(orbc, check_json, conformance):
    code, document = check_json(conformance)
    assert code == 0 and document["ok"] is True
    assert [d for d in document["diagnostics"] if d["severity"] == "error"] == []
    for form in ("human", "concise"):
        code, out, err = orbc("check", conformance, "--format", form)
        assert code == 0, out
        assert "error[" not in out and err == ""
        assert out.rstrip().splitlines()[-1].startswith('ok: constellation "orbital-compute-demo"')


def test_conformance_is_clean_with_strict(orbc, conformance):
    code, out, _ = orbc("check", conformance, "--strict", "--format", "concise")
    assert code == 0, out


def test_spec_error_exits_1_in_every_format(orbc, tmp_path):
    spec = write(tmp_path, WARNING_ONLY.replace("5 yr", "5 km"))
    code, out, _ = orbc("check", spec, "--format", "concise")
    assert code == 1
    assert f"{spec}:3:18: error[unit-mismatch] `mission_life` expects a duration" in out
    code, out, _ = orbc("check", spec)
    assert code == 1
    assert "error[unit-mismatch]: `mission_life` expects a duration, got a length (5 km)" in out
    assert " --> " in out and "^^^^" in out and "= help:" in out
    assert out.rstrip().endswith("failed: 1 error(s), 0 warning(s)")
    code, out, _ = orbc("check", spec, "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["ok"] is False
    (diagnostic,) = document["diagnostics"]
    assert diagnostic == {
        "code": "unit-mismatch", "severity": "error", "category": "unit",
        "message": "`mission_life` expects a duration, got a length (5 km)",
        "help": "write a duration such as `5 yr`", "file": str(spec), "line": 3,
        "column": 18, "end_line": 3, "end_column": 22, "suggestion": None,
    }


def test_warnings_pass_unless_strict(orbc, check_json, tmp_path):
    spec = write(tmp_path, WARNING_ONLY)
    code, document = check_json(spec)
    assert code == 0 and document["ok"] is True
    assert [(d["code"], d["severity"], d["line"]) for d in document["diagnostics"]] == [
        ("unused-block", "warning", 6)]
    code, document = check_json(spec, "--strict")
    assert code == 1 and document["ok"] is False
    code, out, _ = orbc("check", spec, "--strict", "--format", "concise")
    assert code == 1 and "warning[unused-block]" in out


@pytest.mark.parametrize("form", ["human", "concise"])
def test_missing_file_exits_2(orbc, tmp_path, form):
    code, out, err = orbc("check", tmp_path / "nope.orb", "--format", form)
    assert code == 2
    assert out == ""
    assert "nope.orb" in err and "No such file" in err and "Traceback" not in err


def usage_error(out: str) -> dict:
    """The JSON document of a usage error: ok false, the error, and it as a diagnostic."""
    document = json.loads(out)
    assert document["ok"] is False
    error = document["error"]
    assert document["diagnostics"][-1]["code"] == error["code"]
    assert document["diagnostics"][-1]["category"] == "usage"
    return error


@pytest.mark.parametrize("command", ["check", "build"])
def test_usage_and_io_errors_are_json_with_format_json(orbc, capsys, tmp_path, command,
                                                       conformance):
    """With `--format json`, a tool reading stdout gets a document for exit 2 as well."""
    output = ["-o", tmp_path / "out"] if command == "build" else []
    code, out, err = orbc(command, tmp_path / "nope.orb", *output, "--format", "json")
    assert code == 2 and "No such file" in err
    error = usage_error(out)
    assert error["code"] == "file-unreadable" and "nope.orb" in error["message"]
    code, out, _ = orbc(command, tmp_path, *output, "--format=json")
    assert code == 2 and "is a directory" in usage_error(out)["message"]
    with pytest.raises(SystemExit) as exit_:
        main([command, str(conformance), *map(str, output), "--format", "json", "--bogus"])
    assert exit_.value.code == 2
    assert "--bogus" in usage_error(capsys.readouterr().out)["message"]


def test_build_io_error_is_json_with_the_specs_diagnostics(orbc, tmp_path):
    spec = write(tmp_path, WARNING_ONLY)
    (tmp_path / "file").write_text("not a folder")
    code, out, err = orbc("build", spec, "-o", tmp_path / "file", "--target", "tle",
                          "--format", "json")
    assert code == 2 and "cannot write to" in err
    error = usage_error(out)
    assert error["code"] == "output-unwritable"
    document = json.loads(out)
    assert [d["code"] for d in document["diagnostics"]] == ["unused-block", "output-unwritable"]
    code, out, _ = orbc("build", spec, "-o", tmp_path / "out", "--target", "nope",
                        "--format", "json")
    assert code == 2 and usage_error(out)["code"] == "unknown-target"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_pipe_exits_2_without_hanging(orbc, tmp_path):
    os.mkfifo(tmp_path / "pipe.orb")
    code, _, err = orbc("check", tmp_path / "pipe.orb")
    assert code == 2 and "not a regular file" in err


@pytest.mark.parametrize("garbage", [
    bytes(range(256)) * 4,
    b"\xff\xfe\x00\x01binary\n\x89PNG\r\n\x1a\n",
    b"\x7fELF\x02\x01\x01\x00" + bytes(200),
])
def test_binary_garbage_is_a_syntax_error_at_line_1(check_json, tmp_path, garbage):
    code, document = check_json(write(tmp_path, garbage))
    assert code == 1
    (diagnostic,) = document["diagnostics"]
    assert (diagnostic["category"], diagnostic["code"], diagnostic["line"]) == (
        "syntax", "not-text", 1)


@pytest.mark.parametrize("text", [b"", b"\n\n", b"   \t\n", b"# only a comment\n",
                                  b"\xef\xbb\xbf"])
def test_empty_file_is_missing_constellation(check_json, tmp_path, text):
    code, document = check_json(write(tmp_path, text))
    assert code == 1
    (diagnostic,) = document["diagnostics"]
    assert (diagnostic["code"], diagnostic["category"], diagnostic["line"]) == (
        "missing-constellation", "semantic", 1)


@pytest.mark.parametrize("code", sorted(CODES))
def test_explain_every_code(orbc, code):
    exit_code, out, _ = orbc("explain", code)
    assert exit_code == 0
    assert out.startswith(f"{code} ({CODES[code].category})\n\n")
    assert len(out.split("\n\n", 1)[1].strip()) > 20


def test_explain_unknown_code_exits_2(orbc):
    code, out, err = orbc("explain", "no-such-code")
    assert (code, out) == (2, "")
    assert "no-such-code" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"orbc {__version__}"


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2


def test_unknown_format_is_a_usage_error(capsys, conformance):
    with pytest.raises(SystemExit) as exit_:
        main(["check", str(conformance), "--format", "xml"])
    assert exit_.value.code == 2


# --- the installed executable, in a real process -----------------------------------------------

def run_process(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(ORBC), *map(str, args)], capture_output=True, text=True,
                          timeout=60, cwd=cwd, check=False)


@pytest.mark.skipif(not ORBC.exists(), reason="the orbc script is not installed")
def test_process_exit_codes(tmp_path, conformance):
    clean = run_process("check", conformance, "--format", "json")
    assert clean.returncode == 0 and json.loads(clean.stdout)["ok"] is True
    broken = run_process("check", CASES / "unexpected-end.orb", "--format", "json")
    assert broken.returncode == 1
    assert [(d["code"], d["line"]) for d in json.loads(broken.stdout)["diagnostics"]] == [
        ("unexpected-end", 4)]
    garbage = run_process("check", write(tmp_path, bytes(range(256))), "--format", "json")
    assert garbage.returncode == 1
    missing = run_process("check", tmp_path / "missing.orb", "--format", "json")
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == (
        "file-unreadable")
    for result in (clean, broken, garbage, missing):
        assert "Traceback" not in result.stderr


def test_explain_defaults_lists_every_overridable_assumption(capsys):
    assert main(["explain", "defaults"]) == 0
    out = capsys.readouterr().out
    for name, value in [("laser_terminal.losses", "3 dB"),
                        ("laser_terminal.aperture_efficiency", "80 %"),
                        ("radiator.absorptivity", "9 %"), ("radiator.faces", "2"),
                        ("solar_array.packing", "90 %")]:
        line = next(line for line in out.splitlines() if name in line)
        assert value in line


def test_sigterm_stops_a_build_without_a_partial_artifact(orbc, conformance, tmp_path,
                                                          monkeypatch):
    """SIGTERM (a CI timeout, say) ends the build with 143 and leaves no artifact, finished
    or partial, of the interrupted build."""
    import signal

    from orbc.targets import TARGETS

    def emit(model, engine):
        def chunks():
            yield b"1 00001U ..."
            os.kill(os.getpid(), signal.SIGTERM)
            yield from (b"more" for _ in range(1000))
        yield "tle/constellation.tle", chunks()

    monkeypatch.setattr(TARGETS["tle"], "emit", emit)
    before = signal.getsignal(signal.SIGTERM)
    code, _, _ = orbc("build", conformance, "-o", tmp_path / "out", "--target", "tle")
    assert code == 143
    assert [p.name for p in (tmp_path / "out").rglob("*") if p.is_file()] == [".orbc.lock"]
    assert signal.getsignal(signal.SIGTERM) is before

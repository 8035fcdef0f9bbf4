"""`import`: relative paths, each file once, cycles, and confinement to the root folder.

A file outside the root spec's folder must never be read, whatever path leads to it
(`..`, an absolute path, a symbolic link): the loader's file reads are spied on.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orbc.compiler.pipeline import compile_spec
from orbc.dsl import loader

CONSTELLATION = '''constellation "demo" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}
'''
HARDWARE = '''hardware "bus" {
  mass = 800 kg
}
'''
SHELL = '''shell "low" {
  altitude    = 550 km
  inclination = 53 deg
  walker_delta {
    planes    = 24
    per_plane = 22
    phasing   = 1
  }
  hardware = "bus"
}
'''


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every path the loader reads, resolved."""
    seen: list[Path] = []
    real = loader._read_bytes

    def spy(path: Path) -> bytes:
        seen.append(Path(path).resolve())
        return real(path)

    monkeypatch.setattr(loader, "_read_bytes", spy)
    return seen


def found(result) -> list[tuple[str, int, str]]:
    return [(d.span.file, d.span.line, d.code) for d in result.diagnostics
            if d.severity in ("error", "warning")]


def test_relative_imports_from_subfolders(tmp_path, monkeypatch):
    tree(tmp_path, {
        "main.orb": 'import "parts/hardware.orb"\n' + CONSTELLATION,
        "parts/hardware.orb": 'import "../shells/low.orb"\n' + HARDWARE,
        "shells/low.orb": SHELL,
    })
    monkeypatch.chdir(tmp_path)
    result = compile_spec("main.orb")
    assert found(result) == []
    assert result.model is not None and list(result.model.shells) == ["low"]
    assert sorted(result.sources) == ["main.orb", "parts/hardware.orb", "shells/low.orb"]


def test_diamond_is_read_once(tmp_path, reads):
    tree(tmp_path, {
        "main.orb": 'import "a.orb"\nimport "b.orb"\n' + CONSTELLATION,
        "a.orb": 'import "common.orb"\n' + SHELL,
        "b.orb": 'import "./common.orb"\nimport "sub/../common.orb"\n',
        "common.orb": HARDWARE,
    })
    result = compile_spec(tmp_path / "main.orb")
    assert found(result) == []  # a second read would define `hardware "bus"` twice
    assert reads.count((tmp_path / "common.orb").resolve()) == 1
    assert len(reads) == 4


def test_cycle_of_three_names_the_chain(tmp_path):
    tree(tmp_path, {
        "main.orb": 'import "a.orb"\n' + CONSTELLATION,
        "a.orb": '# a\nimport "b.orb"\n',
        "b.orb": '# b\n\nimport "a.orb"\n',
    })
    result = compile_spec(tmp_path / "main.orb")
    (diagnostic,) = result.diagnostics
    assert (diagnostic.code, diagnostic.span.line) == ("import-cycle", 3)
    assert diagnostic.span.file.endswith("b.orb")
    assert diagnostic.message == "import cycle: a.orb -> b.orb -> a.orb"


def test_escape_with_dotdot_is_refused_unread(tmp_path, reads):
    tree(tmp_path, {"spec/main.orb": 'import "../secret.orb"\n' + CONSTELLATION,
                    "secret.orb": HARDWARE})
    result = compile_spec(tmp_path / "spec" / "main.orb")
    assert [(line, code) for _, line, code in found(result)] == [(1, "import-escapes-root")]
    assert (tmp_path / "secret.orb").resolve() not in reads


def test_dotdot_that_stays_inside_is_allowed(tmp_path):
    tree(tmp_path, {"spec/main.orb": 'import "../spec/hw.orb"\n' + CONSTELLATION + SHELL,
                    "spec/hw.orb": HARDWARE})
    assert found(compile_spec(tmp_path / "spec" / "main.orb")) == []


@pytest.mark.parametrize("inside", [True, False])
def test_absolute_path_is_refused_unread(tmp_path, reads, inside):
    target = tmp_path / ("spec/hw.orb" if inside else "hw.orb")
    tree(tmp_path, {"spec/main.orb": f'import "{target}"\n' + CONSTELLATION,
                    target.relative_to(tmp_path).as_posix(): HARDWARE})
    result = compile_spec(tmp_path / "spec" / "main.orb")
    assert [code for _, _, code in found(result)] == ["import-escapes-root"]
    assert target.resolve() not in reads


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_pointing_outside_is_refused_unread(tmp_path, reads):
    tree(tmp_path, {"spec/main.orb": 'import "link.orb"\nimport "dir/hw.orb"\n' + CONSTELLATION,
                    "outside/hw.orb": HARDWARE})
    os.symlink(tmp_path / "outside" / "hw.orb", tmp_path / "spec" / "link.orb")
    os.symlink(tmp_path / "outside", tmp_path / "spec" / "dir")
    result = compile_spec(tmp_path / "spec" / "main.orb")
    assert [(line, code) for _, line, code in found(result)] == [
        (1, "import-escapes-root"), (2, "import-escapes-root")]
    assert (tmp_path / "outside" / "hw.orb").resolve() not in reads


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_inside_the_root_is_followed(tmp_path):
    tree(tmp_path, {"main.orb": 'import "link.orb"\n' + CONSTELLATION + SHELL,
                    "parts/hw.orb": HARDWARE})
    os.symlink(tmp_path / "parts" / "hw.orb", tmp_path / "link.orb")
    assert found(compile_spec(tmp_path / "main.orb")) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_loop_is_an_error_not_a_crash(tmp_path):
    tree(tmp_path, {"main.orb": CONSTELLATION + '\nimport "loop-a.orb"\n'})
    os.symlink(tmp_path / "loop-b.orb", tmp_path / "loop-a.orb")
    os.symlink(tmp_path / "loop-a.orb", tmp_path / "loop-b.orb")
    result = compile_spec(tmp_path / "main.orb")
    assert [(line, code) for _, line, code in found(result)] == [(6, "import-unreadable")]


@pytest.mark.parametrize("written", ["missing.orb", "parts", "x" * 5000 + ".orb", "",
                                     "a/" * 3000 + "b.orb"])
def test_missing_file_directory_or_impossible_name(tmp_path, written):
    tree(tmp_path, {"main.orb": CONSTELLATION + f'import "{written}"\n', "parts/x.orb": ""})
    result = compile_spec(tmp_path / "main.orb")
    assert [(line, code) for _, line, code in found(result)] == [(5, "import-not-found")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_pipe_is_not_imported(tmp_path):
    tree(tmp_path, {"main.orb": 'import "pipe.orb"\n' + CONSTELLATION})
    os.mkfifo(tmp_path / "pipe.orb")
    result = compile_spec(tmp_path / "main.orb")  # reading a pipe would block forever
    assert [code for _, _, code in found(result)] == ["import-not-found"]


def test_errors_in_imported_files_point_into_them(tmp_path, monkeypatch):
    tree(tmp_path, {"main.orb": 'import "hw/bus.orb"\n' + CONSTELLATION + SHELL,
                    "hw/bus.orb": '\nhardware "bus" {\n  mass = 800 W\n}\n'})
    monkeypatch.chdir(tmp_path)
    assert found(compile_spec("main.orb")) == [("hw/bus.orb", 3, "unit-mismatch")]


def test_a_failed_import_stops_before_elaboration(tmp_path):
    """The shell's hardware lives in the missing file: one error, not a cascade."""
    tree(tmp_path, {"main.orb": 'import "hw.orb"\n' + SHELL})
    result = compile_spec(tmp_path / "main.orb")
    assert [code for _, _, code in found(result)] == ["import-not-found"]
    assert result.model is None


def test_not_text_import_is_reported_in_that_file(tmp_path):
    tree(tmp_path, {"main.orb": 'import "hw.orb"\n' + CONSTELLATION})
    (tmp_path / "hw.orb").write_bytes(b"hardware \"bus\" {\n  mass = 800 kg \xff\n}\n")
    result = compile_spec(tmp_path / "main.orb")
    assert [(Path(f).name, line, code) for f, line, code in found(result)] == [
        ("hw.orb", 2, "not-text")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_two_files_never_share_a_name(tmp_path, monkeypatch):
    """`lnk/../x.orb` through a link to `sub/deep` is `sub/x.orb`, not the root's `x.orb`:
    each error is shown in the file it is in."""
    tree(tmp_path, {
        "main.orb": 'import "x.orb"\nimport "lnk/../x.orb"\n' + CONSTELLATION,
        "x.orb": 'hardware "a" {\n  mass = 1 W\n}\n',
        "sub/x.orb": '# the other x\n\nhardware "b" {\n  mass = 1 s\n}\n',
        "sub/deep/keep.orb": "",
    })
    os.symlink(tmp_path / "sub" / "deep", tmp_path / "lnk")
    monkeypatch.chdir(tmp_path)
    result = compile_spec("main.orb")
    assert sorted(found(result)) == [("sub/x.orb", 4, "unit-mismatch"),
                                     ("x.orb", 2, "unit-mismatch")]
    assert result.sources["sub/x.orb"].startswith("# the other x")
    assert result.sources["x.orb"].startswith('hardware "a"')


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_linked_root_spec_imports_from_the_folder_it_is_named_in(tmp_path, reads,
                                                                   monkeypatch):
    """The root folder is the folder of the path as given, not of the link's target."""
    tree(tmp_path, {
        "named/hw.orb": HARDWARE,
        "elsewhere/real.orb": 'import "hw.orb"\nimport "parts/missing.orb"\n' + CONSTELLATION
                              + SHELL,
        "elsewhere/hw.orb": 'hardware "bus" {\n  mass = 800 W\n}\n',
    })
    os.symlink(tmp_path / "elsewhere" / "real.orb", tmp_path / "named" / "main.orb")
    monkeypatch.chdir(tmp_path)
    result = compile_spec("named/main.orb")
    assert found(result) == [("named/main.orb", 2, "import-not-found")]
    assert "`named/parts/missing.orb`" in result.diagnostics[0].message
    assert (tmp_path / "elsewhere" / "hw.orb").resolve() not in reads
    assert (tmp_path / "named" / "hw.orb").resolve() in reads
    assert sorted(result.sources) == ["named/hw.orb", "named/main.orb"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_file_reached_through_a_link_is_named_by_its_own_path(tmp_path, monkeypatch):
    tree(tmp_path, {"main.orb": 'import "link.orb"\n' + CONSTELLATION + SHELL,
                    "parts/hw.orb": 'hardware "bus" {\n  mass = 800 W\n}\n'})
    os.symlink(tmp_path / "parts" / "hw.orb", tmp_path / "link.orb")
    monkeypatch.chdir(tmp_path)
    assert found(compile_spec("main.orb")) == [("parts/hw.orb", 2, "unit-mismatch")]

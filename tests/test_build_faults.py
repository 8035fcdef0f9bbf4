"""Faults during `orbc build`: the output directory is a transaction.

Whatever stops a rebuild (SIGTERM, SIGKILL, a full disk, a second build, a kill between any
two file-system operations of the publish), the directory afterwards is *truthful*: if
`manifest.json` exists, every file it lists is there with its sha256, and no file orbc wrote
is missing from it. The next build then leaves exactly its own artifacts, removing what an
earlier build wrote (only that: never a user's file, never through a symbolic link).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STARLINK = REPO / "examples" / "starlink-gen1.orb"
CONFORMANCE = REPO / "examples" / "conformance.orb"
# orbc's bookkeeping in the output directory, not artifacts (docs/targets.md).
BOOKKEEPING = (".orbc.lock", ".orbc-staging")
USER_FILES = {"notes/readme.txt": b"mine\n", "hypatia/mine.txt": b"also mine\n"}

A = ["tle", "omm-kvn", "hypatia"]  # the first build
B = ["flight-csv", "isl-csv", "tle"]  # the rebuild: some artifacts change, some go


def targets(names: list[str]) -> list[str]:
    return [arg for name in names for arg in ("--target", name)]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(out: Path) -> set[str]:
    """Every file under `out` (links too) but orbc's bookkeeping and the user's files."""
    found = {p.relative_to(out).as_posix() for p in out.rglob("*")
             if p.is_file() or p.is_symlink()}
    return {f for f in found if f.split("/")[0] not in BOOKKEEPING and f not in USER_FILES}


def assert_truthful(out: Path) -> dict | None:
    """If there is a manifest, it lists exactly the artifacts there, each with its sha256.
    Return the manifest (None if there is none). Planted user files are untouched."""
    if (out.parent / f"{out.name}.planted").exists():
        for relative, content in USER_FILES.items():
            assert (out / relative).read_bytes() == content, f"user file {relative} changed"
    manifest = out / "manifest.json"
    if not manifest.exists():
        return None
    document = json.loads(manifest.read_text())
    listed = {a["path"]: a for a in document["artifacts"]}
    for path, artifact in listed.items():
        assert (out / path).is_file(), f"the manifest lists {path}, which is not there"
        assert sha256(out / path) == artifact["sha256"], f"{path} is not what the manifest says"
        assert (out / path).stat().st_size == artifact["bytes"]
    assert files(out) - {"manifest.json"} == set(listed), "files orbc wrote and did not list"
    return document


def plant_user_files(out: Path) -> None:
    """A user's files in the output directory, which no build may touch."""
    (out.parent / f"{out.name}.planted").touch()
    for relative, content in USER_FILES.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(content)


def run_orbc(*args, **kwargs) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen([sys.executable, "-m", "orbc", *map(str, args)], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def build(spec: Path, out: Path, names: list[str], *extra) -> subprocess.CompletedProcess:
    process = run_orbc("build", spec, "-o", out, "--quiet", *targets(names), *extra)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def assert_exactly(out: Path, names: list[str]) -> dict:
    """A completed build of `names`: truthful, and only those targets' artifacts."""
    document = assert_truthful(out)
    assert document is not None, "no manifest after a completed build"
    assert {a["target"] for a in document["artifacts"]} == set(names)
    assert not (out / ".orbc-staging").exists(), "scratch left after a completed build"
    return document


# --- killed rebuilds -------------------------------------------------------------------------

def test_killed_rebuilds_leave_a_truthful_directory(tmp_path):
    """SIGTERM and SIGKILL at random moments of rebuilds of the Starlink example. Before the
    transaction, 13 of 40 such kills left a manifest that disagreed with the files."""
    out = tmp_path / "out"
    first = build(STARLINK, out, A)
    assert first.returncode == 0, first.stderr
    plant_user_files(out)
    start = time.monotonic()
    assert build(STARLINK, out, B).returncode == 0
    duration = time.monotonic() - start  # how long a rebuild takes on this machine
    chance = random.Random(20270321)
    outcomes = []
    for kill in range(10):
        names = chance.choice([A, B, ["tle"]])
        process = run_orbc("build", STARLINK, "-o", out, "--quiet", *targets(names))
        time.sleep(chance.uniform(0.2, 1.1) * duration)
        process.send_signal(signal.SIGKILL if kill % 2 else signal.SIGTERM)
        process.communicate(timeout=60)
        outcomes.append(process.returncode)
        document = assert_truthful(out)
        if document is not None and process.returncode != 0:
            # Interrupted before it published: the previous build stands, or it finished.
            assert document["artifacts"]
    assert any(code != 0 for code in outcomes), f"no build was interrupted: {outcomes}"
    last = build(STARLINK, out, ["tle"])
    assert last.returncode == 0, last.stderr
    assert_exactly(out, ["tle"])
    assert not [p for p in out.rglob("*.partial")]


def _build_dying_at(model, out: Path, names: list[str], die_at: int) -> int:
    """Build in a forked child that dies, as with SIGKILL (no clean-up of any kind), before
    its `die_at`-th rename, unlink, rmdir or mkdir; the child's exit status."""
    from orbc.targets import build_targets

    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        calls = [0]

        def dying(real):
            def call(*args, **kwargs):
                if calls[0] == die_at:
                    os._exit(137)
                calls[0] += 1
                return real(*args, **kwargs)
            return call

        try:
            for name in ("replace", "unlink", "rmdir", "mkdir"):
                setattr(os, name, dying(getattr(os, name)))
            build_targets(model, str(out), names)
            os._exit(0)
        finally:
            os._exit(1)
    return os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_kill_between_any_two_file_operations_leaves_a_truthful_directory(
        conformance_model, tmp_path):
    """A kill before each rename, unlink, rmdir and mkdir of a rebuild, in turn: the
    directory is truthful, and the next build cleans up whatever the killed one left."""
    from orbc.targets import build_targets

    previous, names = ["tle", "omm-kvn", "hypatia"], ["tle", "omm-xml"]
    base = tmp_path / "base"
    build_targets(conformance_model, str(base), previous)
    plant_user_files(base)
    for die_at in range(200):
        out = tmp_path / f"out{die_at}"
        shutil.copytree(base, out, symlinks=True)
        (tmp_path / f"{out.name}.planted").touch()
        code = _build_dying_at(conformance_model, out, names, die_at)
        document = assert_truthful(out)
        if code == 0:  # past the last operation: the build completed
            assert {a["target"] for a in document["artifacts"]} == set(names)
            break
        assert code == 137
        if document is not None:  # the previous build intact, or the new one complete
            built = {a["target"] for a in document["artifacts"]}
            assert built in (set(previous), set(names)), (die_at, built)
        build_targets(conformance_model, str(out), ["tle"])
        assert_exactly(out, ["tle"])
        assert files(out) == {"manifest.json", "tle/satellites.tle"}
        shutil.rmtree(out)
    else:
        pytest.fail("the build never completed")
    assert die_at > 20, f"only {die_at} operations: the publish was not covered"


def test_sigterm_while_publishing_finishes_the_publish(orbc, tmp_path, monkeypatch):
    """SIGTERM during the renames waits for them: the build is complete, then orbc exits 143."""
    out = tmp_path / "out"
    assert orbc("build", CONFORMANCE, "-o", out, *targets(A))[0] == 0
    real, calls = os.replace, []

    def replace(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:  # the journal, one artifact, now the second
            os.kill(os.getpid(), signal.SIGTERM)
        return real(*args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    code, _, _ = orbc("build", CONFORMANCE, "-o", out, *targets(B))
    assert code == 143
    assert_exactly(out, B)


# --- a full disk -----------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs (needs root and a kernel that lets us mount; skipped otherwise)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("cannot mount a tmpfs for the ENOSPC test: no `mount` command")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr or result.stdout).strip()
        print(f"ENOSPC test skipped: cannot mount a tmpfs: {reason}")
        pytest.skip(f"cannot mount a tmpfs for the ENOSPC test: {reason}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_fails_the_rebuild_and_keeps_the_previous_build(small_disk):
    out = small_disk / "out"
    assert build(STARLINK, out, ["tle"]).returncode == 0
    before = assert_exactly(out, ["tle"])
    full = build(STARLINK, out, ["tle", "omm-kvn", "flight-csv"], "--format", "json")
    assert full.returncode == 2, full.stderr  # 3.8 MB: does not fit
    assert "No space left on device" in full.stderr and "Traceback" not in full.stderr
    assert json.loads(full.stdout)["error"]["code"] == "output-unwritable"
    assert assert_exactly(out, ["tle"]) == before
    # What the failed builds staged is gone, so a build that fits still works.
    assert build(STARLINK, out, ["flight-csv"]).returncode == 0
    assert_exactly(out, ["flight-csv"])


# --- two builds at once ----------------------------------------------------------------------

def test_a_second_build_into_a_locked_directory_is_refused(orbc, tmp_path):
    out = tmp_path / "out"
    assert orbc("build", CONFORMANCE, "-o", out, "--target", "tle")[0] == 0
    before = (out / "manifest.json").read_bytes()
    with open(out / ".orbc.lock", "a") as lock:  # a build in progress holds this
        fcntl.flock(lock, fcntl.LOCK_EX)
        code, _, err = orbc("build", CONFORMANCE, "-o", out, "--target", "omm-xml")
        assert code == 2
        assert "another orbc build is writing to" in err
        code, out_json, _ = orbc("build", CONFORMANCE, "-o", out, "--target", "omm-xml",
                                 "--format", "json")
        assert code == 2 and json.loads(out_json)["error"]["code"] == "output-busy"
    assert (out / "manifest.json").read_bytes() == before
    assert_exactly(out, ["tle"])


def test_two_builds_at_once_do_not_mix(tmp_path):
    """Started together: one may be refused (exit 2), and the directory holds one build."""
    out = tmp_path / "out"
    first = run_orbc("build", STARLINK, "-o", out, "--quiet", *targets(A))
    second = run_orbc("build", STARLINK, "-o", out, "--quiet", *targets(B))
    errors = [p.communicate(timeout=120)[1] for p in (first, second)]
    codes = [first.returncode, second.returncode]
    assert sorted(codes) in ([0, 0], [0, 2]), (codes, errors)
    document = assert_truthful(out)
    assert {a["target"] for a in document["artifacts"]} in (set(A), set(B))
    if 2 in codes:
        assert "another orbc build is writing to" in errors[codes.index(2)]


# --- what a rebuild removes, and what it never touches ---------------------------------------

def test_a_rebuild_removes_stale_artifacts_and_keeps_user_files(orbc, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    plant_user_files(out)
    assert orbc("build", CONFORMANCE, "-o", out, *targets(A))[0] == 0
    assert (out / "hypatia" / "relay" / "tles.txt").exists()
    assert orbc("build", CONFORMANCE, "-o", out, "--target", "tle")[0] == 0
    assert_exactly(out, ["tle"])
    assert files(out) == {"manifest.json", "tle/satellites.tle"}
    assert not (out / "omm").exists()  # emptied folders of orbc's go too
    assert not (out / "hypatia" / "relay").exists()
    assert (out / "hypatia" / "mine.txt").exists()  # a folder with a user's file stays


def test_leftovers_of_a_killed_build_are_removed(orbc, tmp_path):
    out = tmp_path / "out"
    assert orbc("build", CONFORMANCE, "-o", out, *targets(A))[0] == 0
    staged = out / ".orbc-staging" / "build" / "3.partial"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"half an artifact")
    old_style = out / "tle" / ".satellites.tle.k2j4x_9q.partial"  # earlier versions left these
    old_style.write_bytes(b"half a TLE")
    assert orbc("build", CONFORMANCE, "-o", out, "--target", "tle")[0] == 0
    assert not staged.exists() and not (out / ".orbc-staging").exists()
    assert not old_style.exists()
    assert_exactly(out, ["tle"])


def test_links_out_of_the_directory_are_never_followed(orbc, tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (outside / "satellites.tle").write_bytes(b"someone else's file\n")
    (outside / "description.txt").write_bytes(b"someone else's too\n")
    assert orbc("build", CONFORMANCE, "-o", out, *targets(A))[0] == 0
    before = (out / "manifest.json").read_bytes()
    # A user replaces a folder orbc writes into with a link to elsewhere.
    shutil.rmtree(out / "tle")
    (out / "tle").symlink_to(outside, target_is_directory=True)
    code, _, err = orbc("build", CONFORMANCE, "-o", out, "--target", "tle")
    assert code == 2 and "symbolic link" in err
    assert (outside / "satellites.tle").read_bytes() == b"someone else's file\n"
    assert (out / "manifest.json").read_bytes() == before  # refused before anything changed
    # A stale artifact whose folder is now a link: the link is not followed to delete.
    shutil.rmtree(out / "hypatia" / "relay")
    (out / "hypatia" / "relay").symlink_to(outside, target_is_directory=True)
    (out / "tle").unlink()
    (out / "tle").mkdir()
    code, _, err = orbc("build", CONFORMANCE, "-o", out, "--target", "tle")
    assert code == 0, err
    assert (outside / "description.txt").read_bytes() == b"someone else's too\n"
    assert (out / "hypatia" / "relay").is_symlink()


def test_a_publish_that_would_fail_is_refused_before_anything_changes(orbc, tmp_path):
    """A folder where an artifact goes: refused while the previous build still stands."""
    out = tmp_path / "out"
    assert orbc("build", STARLINK, "-o", out, "--target", "omm-xml")[0] == 0
    before = (out / "manifest.json").read_bytes()
    (out / "tle" / "satellites.tle").mkdir(parents=True)
    code, _, err = orbc("build", CONFORMANCE, "-o", out, "--target", "omm-xml", "--target",
                        "tle")
    assert code == 2 and "`tle/satellites.tle` is a folder" in err
    assert (out / "manifest.json").read_bytes() == before
    assert_truthful(out)


def test_a_forged_manifest_cannot_delete_outside_the_directory(orbc, tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    victim.write_text("keep me")
    assert orbc("build", CONFORMANCE, "-o", out, "--target", "tle")[0] == 0
    document = json.loads((out / "manifest.json").read_text())
    document["artifacts"] += [{"path": p, "target": "x", "sha256": "", "bytes": 0}
                              for p in ("../victim.txt", str(victim), "tle/../../victim.txt")]
    (out / "manifest.json").write_text(json.dumps(document))
    assert orbc("build", CONFORMANCE, "-o", out, "--target", "omm-xml")[0] == 0
    assert victim.read_text() == "keep me"
    assert_exactly(out, ["omm-xml"])


# --- what the manifest records ---------------------------------------------------------------

def test_the_manifest_records_the_inputs_wherever_orbc_runs(tmp_path):
    """sha256 of every input file as `sha256sum` gives it (a BOM included), the spec path
    relative to its folder: the same manifest from any working directory."""
    folder = tmp_path / "project" / "spec"
    (folder / "parts").mkdir(parents=True)
    (folder / "main.orb").write_bytes(b"\xef\xbb\xbfimport \"parts/spare.orb\"\n"
                                      + STARLINK.read_bytes())
    (folder / "parts" / "spare.orb").write_text('hardware "spare" {\n  mass = 800 kg\n}\n')
    manifests = []
    for cwd, spec in ((tmp_path, "project/spec/main.orb"), (folder, "main.orb"),
                      (folder / "..", "spec/../spec/main.orb")):
        out = tmp_path / f"out{len(manifests)}"
        result = subprocess.run([sys.executable, "-m", "orbc", "build", spec, "-o", str(out),
                                 "--target", "tle", "--quiet"], cwd=cwd, capture_output=True,
                                env={**os.environ, "PYTHONPATH": str(REPO / "src")},
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        manifests.append((out / "manifest.json").read_bytes())
    assert manifests[0] == manifests[1] == manifests[2]
    document = json.loads(manifests[0])
    from orbc import __version__

    assert document["orbc"] == __version__
    assert document["spec"] == "main.orb"
    assert document["physics_checks"] == "passed"
    assert {i["path"]: i["sha256"] for i in document["inputs"]} == {
        p.relative_to(folder).as_posix(): sha256(p) for p in folder.rglob("*.orb")}


# --- building a design that fails its physics checks -----------------------------------------

def test_no_checks_builds_a_design_that_fails_physics(orbc, tmp_path, check_json):
    spec = tmp_path / "spec.orb"
    spec.write_text(CONFORMANCE.read_text().replace("area = 520 m^2", "area = 5 m^2"))
    code, document = check_json(spec)
    physics = [d for d in document["diagnostics"] if d["severity"] == "error"]
    assert code == 1 and physics and {d["category"] for d in physics} == {"physics"}
    out = tmp_path / "out"
    code, _, err = orbc("build", spec, "-o", out, "--target", "tle")
    assert code == 1 and not out.exists()
    code, _, err = orbc("build", spec, "-o", out, "--target", "tle", "--no-checks")
    assert code == 0, err
    assert "error[power-deficit]" in err  # still reported
    manifest = assert_exactly(out, ["tle"])
    assert manifest["physics_checks"] == f"failed: {len(physics)} error(s)"
    code, out_json, _ = orbc("build", spec, "-o", out, "--target", "tle", "--no-checks",
                             "--format", "json")
    assert code == 0
    assert json.loads(out_json)["physics_checks"] == f"failed: {len(physics)} error(s)"
    # Only the physics is waived: a unit error still stops the build.
    spec.write_text(spec.read_text().replace("area = 5 m^2", "area = 5 km"))
    code, _, _ = orbc("build", spec, "-o", tmp_path / "other", "--target", "tle",
                      "--no-checks")
    assert code == 1 and not (tmp_path / "other").exists()

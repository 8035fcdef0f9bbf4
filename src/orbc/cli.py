"""The `orbc` command: check | build | targets | explain | fmt | lsp | diff.

Exit codes: 0 clean (warnings allowed unless --strict), 1 the spec has errors,
2 usage or I/O errors. No traceback reaches the user unless --debug is given.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

import attrs

from orbc import __version__
from orbc.codes import CODES
from orbc.compiler.pipeline import Compilation, compile_spec
from orbc.diagnostics import (
    Diagnostic,
    printable,
    render_concise,
    render_human,
    render_json_document,
)
from orbc.dsl.loader import SpecUnreadable
from orbc.engine import Engine, EngineUnavailable, WorkerDied, make_engine
from orbc.report import render_figures

if TYPE_CHECKING:  # the targets load only for `build`: `check` stays quick to start
    from orbc.targets.writer import Provenance

EXIT_OK, EXIT_SPEC_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Diagnostic formats; the machine ones print one document (or command stream) on stdout.
FORMATS = ("human", "concise", "json", "sarif", "github")
MACHINE_FORMATS = ("json", "sarif", "github")


class UsageError(Exception):
    """A problem with the command line or the file system (exit 2), with its usage code and
    the diagnostics the spec had before it (for the JSON document)."""

    def __init__(self, message: str, code: str = "invalid-arguments",
                 diagnostics: tuple[Diagnostic, ...] = ()):
        super().__init__(message)
        self.code = code
        self.diagnostics = diagnostics


def _usage_document(message: str, code: str, diagnostics: tuple[Diagnostic, ...] = ()) -> str:
    """The JSON document of a usage or I/O error: ok false, the error, and the error again as
    a diagnostic after the spec's own, so a tool reading only `diagnostics` sees it too."""
    error = Diagnostic(code, message)
    return render_json_document(False, [*diagnostics, error], {},
                                error={"code": code, "message": message})


def _wants_json(argv: list[str]) -> bool:
    """Whether the command line asks for `--format json`, looked for before it is parsed so
    that an argument error can be reported in JSON too."""
    return "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in itertools.pairwise(argv))


class _Parser(argparse.ArgumentParser):
    """argparse, except that an argument error is also a JSON document on stdout when the
    command line asks for `--format json`. It still exits with 2."""

    def __init__(self, *args, json_errors: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.json_errors = json_errors

    def error(self, message: str):
        if self.json_errors:
            print(_usage_document(message, "invalid-arguments"))
        super().error(message)


def _parser(json_errors: bool = False) -> argparse.ArgumentParser:
    parser = _Parser(prog="orbc", description="Constellation-as-code compiler.",
                     json_errors=json_errors)
    parser.add_argument("--version", action="version", version=f"orbc {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="prove a spec physically feasible or say why not",
                                json_errors=json_errors)
    check.add_argument("spec", help="the root .orb file")
    check.add_argument("--format", choices=FORMATS, default="human")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")

    build = commands.add_parser("build", help="emit artifacts for other tools",
                                json_errors=json_errors)
    build.add_argument("spec", help="the root .orb file")
    build.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    build.add_argument("--target", action="append", default=[], metavar="NAME",
                       help="a target to build (repeatable; default: all)")
    build.add_argument("--format", choices=FORMATS, default="human")
    build.add_argument("--strict", action="store_true", help="warnings fail the build too")
    build.add_argument("--no-checks", action="store_true",
                       help="build even if the physics checks fail (they are still run, "
                            "reported and recorded in the manifest); other errors still stop "
                            "the build")
    build.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="where heavy work runs (dask needs `pip install 'orbc[dask]'`)")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="a Dask scheduler, such as tcp://10.0.0.5:8786 (default: a local "
                            "cluster on loopback)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")

    fmt = commands.add_parser("fmt", help="rewrite specs in the canonical style")
    fmt.add_argument("files", nargs="+", metavar="FILE", help=".orb files to format in place")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 listing the files that would change")

    diff = commands.add_parser("diff", help="what changes between two versions of a spec")
    diff.add_argument("old", help="the old root .orb file")
    diff.add_argument("new", help="the new root .orb file")
    diff.add_argument("--format", choices=("human", "markdown", "json"), default="human")

    report = commands.add_parser("report", help="write a self-contained HTML report with figures")
    report.add_argument("spec", help="the root .orb file")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="the .html to write")
    report.add_argument("--strict", action="store_true", help="warnings fail the verdict too")

    commands.add_parser("lsp", help="run the language server on stdin/stdout (needs "
                                    "`pip install 'orbc[lsp]'`)")
    commands.add_parser("targets", help="list the build targets")
    explain = commands.add_parser("explain", help="explain a diagnostic code, or `defaults`")
    explain.add_argument("code", help="a diagnostic code such as unit-mismatch, or `defaults`")

    for sub in (check, build, explain, fmt, diff, report):
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help=argparse.SUPPRESS)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that partial artifacts are removed."""


def _terminate(signum, frame):
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    # A stream that cannot encode a character (PYTHONIOENCODING=ascii, a C locale) shows it
    # escaped (`\u03c9`) instead of failing the command half-way through its output.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser(_wants_json(sys.argv[1:] if argv is None else argv)).parse_args(argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        return _COMMANDS[args.command](args)
    except _Terminated:
        return 143
    except UsageError as error:
        if getattr(args, "format", None) == "json":
            print(_usage_document(str(error), error.code, error.diagnostics))
        print(f"orbc: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except WorkerDied as error:  # the machine failed the build: exit 2, as for I/O
        if getattr(args, "format", None) == "json":
            print(_usage_document(str(error), "worker-died"))
        print(f"orbc: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # a reader such as `head` went away: stop quietly, as shells expect
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:  # the last line of defence: a bug in orbc, never the user's fault
        if args.debug:
            raise
        print("orbc: internal error (a bug in orbc); run again with --debug and report it",
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _compile(path: str) -> Compilation:
    try:
        return compile_spec(path)
    except SpecUnreadable as error:
        raise UsageError(str(error), "file-unreadable") from None


def _print_diagnostics(result: Compilation, form: str, stream) -> None:
    for diagnostic in result.diagnostics:
        if form == "concise":
            print(render_concise(diagnostic), file=stream)
        else:
            print(render_human(diagnostic, result.sources) + "\n", file=stream)


def _machine_output(args, result: Compilation, failed: bool) -> str:
    """The `--format json|sarif|github` output of `check` or `build`."""
    if args.format == "sarif":
        from orbc.sarif import render_sarif

        return render_sarif(result.diagnostics, args.spec, ok=not failed)
    if args.format == "github":
        from orbc.github import render_github

        return "\n".join([*map(render_github, result.diagnostics), _summary(result, failed)])
    return render_json_document(not failed, list(result.diagnostics), result.shells,
                                summary=result.summary, **_network_figures(result))


def _network_figures(result: Compilation) -> dict:
    """The routes and network figures of the JSON document (`network` only when it has any)."""
    return {"routes": result.routes, **({"network": result.network} if result.network else {})}


def _failed(result: Compilation, strict: bool) -> bool:
    return result.errors > 0 or (strict and result.warnings > 0)


def _summary(result: Compilation, failed: bool) -> str:
    counts = f"{result.errors} error(s), {result.warnings} warning(s)"
    if result.model is None:
        return f"failed: {counts}"
    model = result.model
    verdict = "failed" if failed else "ok"
    return (f"{verdict}: constellation \"{printable(model.constellation.name)}\": "
            f"{len(model.shells)} shell(s), {model.satellites:,} satellites; {counts}")


def cmd_check(args) -> int:
    result = _compile(args.spec)
    failed = _failed(result, args.strict)
    if args.format in MACHINE_FORMATS:
        print(_machine_output(args, result, failed))
    else:
        _print_diagnostics(result, args.format, sys.stdout)
        if result.shells and args.format == "human":
            print(render_figures(result.shells, result.summary, result.routes,
                                 result.network))
        print(_summary(result, failed))
    return EXIT_SPEC_ERRORS if failed else EXIT_OK


def cmd_build(args) -> int:
    from orbc.targets import TARGETS

    unknown = [name for name in args.target if name not in TARGETS]
    if unknown:
        raise UsageError(f"unknown target(s): {', '.join(unknown)}; `orbc targets` lists them",
                         "unknown-target")
    result = _compile(args.spec)
    names = args.target or sorted(TARGETS)
    # Target checks (and the engine they may need) only for a spec that compiled cleanly,
    # apart from the physics errors --no-checks waives.
    clean = result.model is not None and not _blocking(result, args, warnings=False)
    engine = _engine(args) if clean else None
    try:
        return _build(args, result, names, engine)
    finally:
        if engine is not None:
            engine.close()


def _waived(result: Compilation, args) -> list[Diagnostic]:
    """The diagnostics --no-checks takes out of the verdict: the physics checks'."""
    return [d for d in result.diagnostics if args.no_checks and d.category == "physics"]


def _blocking(result: Compilation, args, warnings: bool) -> bool:
    """Whether the build must stop: an error (or with --strict a warning) not waived."""
    waived = {id(d) for d in _waived(result, args)}
    return any((d.is_error or (warnings and d.severity == "warning"))
               for d in result.diagnostics if id(d) not in waived)


def _engine(args) -> Engine:
    try:
        return make_engine(args.engine, args.scheduler, args.quiet)
    except (EngineUnavailable, OSError) as error:
        raise UsageError(f"cannot start the {args.engine} engine: {error}",
                         "engine-unavailable") from None


def _provenance(result: Compilation) -> Provenance:
    """The manifest's record of the inputs, with paths relative to the root spec's folder."""
    from orbc.targets.writer import Provenance

    base = os.path.dirname(result.model.root) or os.curdir
    physics = sum(d.is_error for d in result.diagnostics if d.category == "physics")
    return Provenance(
        spec=os.path.relpath(result.model.root, base),
        inputs=tuple((os.path.relpath(display, base), sha256)
                     for display, sha256 in result.digests.items()),
        physics_checks=f"failed: {physics} error(s)" if physics else "passed")


def _build(args, result: Compilation, names: list[str], engine: Engine | None) -> int:
    from orbc.targets import build_targets, check_targets
    from orbc.targets.output import OutputBusy

    if engine is not None:
        result = attrs.evolve(result, diagnostics=result.diagnostics + tuple(
            check_targets(result.model, names, engine)))
    failed = _blocking(result, args, warnings=args.strict)
    if args.format not in MACHINE_FORMATS:
        _print_diagnostics(result, args.format, sys.stderr)
    if failed:
        if args.format in MACHINE_FORMATS:
            print(_machine_output(args, result, failed))
        print(_summary(result, failed) + "; nothing written", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    provenance = _provenance(result)
    try:
        written = build_targets(result.model, args.output, names, engine, provenance)
    except OutputBusy as error:
        raise UsageError(str(error), "output-busy", result.diagnostics) from None
    except OSError as error:
        raise UsageError(f"cannot write to `{args.output}`: {error.strerror or error}",
                         "output-unwritable", result.diagnostics) from None
    if args.format == "json":
        print(render_json_document(True, list(result.diagnostics), result.shells,
                                   summary=result.summary, **_network_figures(result),
                                   output=args.output,
                                   physics_checks=provenance.physics_checks,
                                   artifacts=[attrs.asdict(w) for w in written]))
    elif args.format in MACHINE_FORMATS:
        print(_machine_output(args, result, failed))
    else:
        if provenance.physics_checks != "passed" and _waived(result, args):
            print(f"the physics checks {provenance.physics_checks}; built anyway "
                  "(--no-checks), and the manifest records it", file=sys.stderr)
        print(f"wrote {len(written)} artifact(s) to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_report(args) -> int:
    """The check's verdict, diagnostics and figures as one HTML page, written whatever the
    verdict (exit 1 when the spec fails, as `check`)."""
    from pathlib import Path

    from orbc.targets.writer import write_atomically

    try:
        from orbc.report.page import render_report
    except ImportError as error:
        if (error.name or "").split(".")[0] != "matplotlib":
            raise
        raise UsageError("`orbc report` needs matplotlib: pip install 'orbc[report]'",
                         "report-unavailable") from None
    result = _compile(args.spec)
    failed = _failed(result, args.strict)
    page = render_report(result, failed)
    target = Path(args.output)
    try:
        write_atomically(target.parent, target.name, [page])
    except OSError as error:
        raise UsageError(f"cannot write `{args.output}`: {error.strerror or error}",
                         "output-unwritable", result.diagnostics) from None
    print(f"{_summary(result, failed)}; wrote {args.output}", file=sys.stderr)
    return EXIT_SPEC_ERRORS if failed else EXIT_OK


def cmd_targets(args) -> int:
    from orbc.targets import TARGETS

    for name, target in sorted(TARGETS.items()):
        print(f"{name:16} {target.description}")
    return EXIT_OK


def cmd_explain(args) -> int:
    if args.code == "defaults":
        from orbc.compiler.schema import defaults

        print("Values orbc assumes when a spec leaves them out (each can be set in the spec):\n")
        for name, value, why in defaults():
            print(f"  {name:48} {value:12} {why}".rstrip())
        print("\nThe models behind the checks, with their fixed assumptions: `orbc explain` "
              "power-deficit, battery-depth-exceeded, thermal-deficit, isl-margin, "
              "relay-availability, downlink-margin.")
        return EXIT_OK
    code = CODES.get(args.code)
    if code is None:
        raise UsageError(f"no diagnostic code `{args.code}`; codes look like `unit-mismatch`")
    print(f"{code.name} ({code.category})\n\n{code.explanation}")
    return EXIT_OK


def cmd_fmt(args) -> int:
    from orbc.fmt import format_files

    return format_files(args.files, check=args.check, usage_error=UsageError)


def cmd_diff(args) -> int:
    from orbc.diff import RENDERERS, diff

    result = diff(_compile(args.old), _compile(args.new), args.old, args.new)
    sys.stdout.write(RENDERERS[args.format](result))
    return EXIT_OK


def cmd_lsp(args) -> int:
    try:
        from orbc.lsp.server import serve
    except ImportError as error:
        raise UsageError(f"the language server needs pygls ({error}); install it with "
                         "`pip install 'orbc[lsp]'`") from None
    return serve()


_COMMANDS = {"check": cmd_check, "build": cmd_build, "targets": cmd_targets,
             "explain": cmd_explain, "fmt": cmd_fmt, "lsp": cmd_lsp, "diff": cmd_diff,
             "report": cmd_report}

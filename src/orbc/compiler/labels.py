"""The rules every block label obeys, because labels travel into every artifact.

A label names a block, and from there it is copied into file names (a Hypatia
folder per shell), CSV cells, XML and KVN records, GMAT scripts and terminals.
Two rules, checked when the spec is checked, keep it data everywhere:

- **At most `MAX_LABEL_LENGTH` characters.** A shell label becomes a folder name
  (`hypatia/<shell>/`, through `orbc.targets.identifiers`, one ASCII character
  per character of the label, plus at most a leading letter and a `_N` suffix
  that keeps names distinct), and file systems allow 255 bytes per name. 240
  leaves room for both, so `check` refuses what `build` could not write.
- **No formula start.** A spreadsheet evaluates a CSV cell that begins with `=`,
  `+`, `-` or `@` (or tab or carriage return) as a formula (OWASP, "CSV
  Injection"). Such labels are refused rather than neutralised with a leading
  `'`: then every artifact carries the label exactly as written, and no reader
  that is not a spreadsheet sees a quote that is not in the spec.

Other control characters are allowed in labels (each target replaces what its
format cannot carry, and says so), but they never reach a terminal raw: every
renderer writes them escaped (`orbc.diagnostics.printable`).
"""

from __future__ import annotations

from orbc.diagnostics import Diagnostic, Span, replace_with

MAX_LABEL_LENGTH = 240  # characters; see the module docstring
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection


def label_problems(label: str, span: Span) -> list[Diagnostic]:
    """The `invalid-label` diagnostics of one block label written at `span`."""
    problems = []
    if len(label) > MAX_LABEL_LENGTH:
        problems.append(Diagnostic(
            "invalid-label", f"this label is {len(label):,} characters long; labels are at "
                             f"most {MAX_LABEL_LENGTH}", span,
            help="a shell's label becomes a folder name and part of every satellite's name; "
                 "shorten it (the name is yours to choose, so no fix is proposed)",
            label="too long"))
    if label.startswith(FORMULA_STARTS):
        rest = label.lstrip("".join(FORMULA_STARTS)).replace("\\", "\\\\").replace('"', '\\"')
        fix = f'"{rest}"' if rest else None
        problems.append(Diagnostic(
            "invalid-label", f"a label cannot begin with `{label[0]}`", span,
            help="a spreadsheet opening a CSV artifact would run the cell as a formula; "
                 + (f"write `{fix}` instead" if fix else "begin it with a letter or a digit"),
            label="formula start", suggestion=replace_with(fix, span)))
    return problems

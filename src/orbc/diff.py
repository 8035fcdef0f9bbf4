"""`orbc diff OLD NEW`: what a change to a spec changes, for a pull request.

Both specs are compiled with their physics checks. The diff lists the verdict and the
satellite count; shells, hardware, link policies and ground stations added, removed or
changed (each changed field, old → new, in SI as the model holds it); and every figure
of `orbc check --format json` (`shells` and `summary`) whose value moved, with the
signed change. Three renderings: human text, Markdown (a PR comment), JSON.
"""

from __future__ import annotations

import json
import math

import attrs
import numpy as np

from orbc.compiler.pipeline import Compilation

COLLECTIONS = (("shells", "shell"), ("hardware", "hardware"),
               ("link_policies", "link_policy"), ("ground_stations", "ground_station"))


@attrs.frozen
class Change:
    """One value that differs: `old` is None when added, `new` None when removed."""

    path: str
    old: object
    new: object

    @property
    def delta(self) -> float | None:
        """new − old for two finite numbers, else None."""
        if _number(self.old) and _number(self.new):
            return self.new - self.old
        return None

    def to_json(self) -> dict:
        record = {"path": self.path, "old": self.old, "new": self.new}
        if self.delta is not None:
            record["delta"] = self.delta
        return record


@attrs.frozen
class SpecDiff:
    old_name: str
    new_name: str
    verdict: Change  # "ok" | "failed"
    satellites: Change
    added: dict[str, list[str]]  # block kind -> names
    removed: dict[str, list[str]]
    changed: dict[str, dict[str, list[Change]]]  # block kind -> name -> field changes
    figures: list[Change]

    @property
    def empty(self) -> bool:
        return not (self.verdict.old != self.verdict.new or self.satellites.delta
                    or any(self.added.values()) or any(self.removed.values())
                    or any(self.changed.values()) or self.figures)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(
        value)


def _plain(value):
    """A model value as JSON data: datetimes as text, tuples as lists."""
    if isinstance(value, np.generic | np.datetime64):
        return str(value) if isinstance(value, np.datetime64) else value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def flatten(value, prefix: str = "") -> dict[str, object]:
    """Nested dicts as `a.b.c` paths to their leaves; a list of records is keyed by each
    record's `name` when it has one (hardware loads, radios), else by index."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        items = ((v.get("name", str(i)), v) for i, v in enumerate(value))
    else:
        return {prefix: value}
    flat = {}
    for key, item in items:
        flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _changes(old: dict, new: dict) -> list[Change]:
    return [Change(path, old.get(path), new.get(path)) for path in sorted(old.keys() | new.keys())
            if old.get(path) != new.get(path) and not (
                isinstance(old.get(path), float) and isinstance(new.get(path), float)
                and math.isnan(old[path]) and math.isnan(new[path]))]


def _records(result: Compilation, collection: str) -> dict[str, dict]:
    if result.model is None:
        return {}
    return {name: flatten(_plain(attrs.asdict(item, filter=lambda a, _: a.name != "spans")))
            for name, item in getattr(result.model, collection).items()}


def diff(old: Compilation, new: Compilation, old_name: str, new_name: str) -> SpecDiff:
    added, removed, changed = {}, {}, {}
    for collection, kind in COLLECTIONS:
        before, after = _records(old, collection), _records(new, collection)
        added[kind] = sorted(after.keys() - before.keys())
        removed[kind] = sorted(before.keys() - after.keys())
        changed[kind] = {name: _changes(before[name], after[name])
                         for name in sorted(before.keys() & after.keys())
                         if before[name] != after[name]}
    figures = _changes(flatten(_plain({"shells": old.shells, "summary": old.summary})),
                       flatten(_plain({"shells": new.shells, "summary": new.summary})))
    return SpecDiff(
        old_name, new_name,
        Change("verdict", _verdict(old), _verdict(new)),
        Change("satellites", old.model.satellites if old.model else None,
               new.model.satellites if new.model else None),
        added, removed, changed, figures)


def _verdict(result: Compilation) -> str:
    return "failed" if result.errors else "ok"


# --- renderings ------------------------------------------------------------------------------


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _signed(change: Change) -> str:
    delta = change.delta
    if delta is None:
        return ""
    text = f"{delta:+.6g}".replace("-", "−")
    if change.old:
        text += f", {delta / abs(change.old) * 100:+.3g} %".replace("-", "−")
    return f" ({text})"


def _arrow(change: Change) -> str:
    """`old → new (+delta, +percent %)`, or just the value when it did not change."""
    if change.old == change.new:
        return _show(change.new)
    return f"{_show(change.old)} → {_show(change.new)}{_signed(change)}"


def render_human(result: SpecDiff) -> str:
    lines = [f"orbc diff {result.old_name} {result.new_name}"]
    if result.empty:
        return "\n".join([*lines, "no differences"]) + "\n"
    lines.append(f"verdict: {_arrow(result.verdict)}")
    lines.append(f"satellites: {_arrow(result.satellites)}")
    for _, kind in COLLECTIONS:
        entries = ([f"  + {kind} \"{n}\"" for n in result.added[kind]]
                   + [f"  - {kind} \"{n}\"" for n in result.removed[kind]])
        for name, changes in result.changed[kind].items():
            entries.append(f"  ~ {kind} \"{name}\"")
            entries += [f"      {c.path}: {_arrow(c)}" for c in changes]
        if entries:
            lines += [f"{kind}:", *entries]
    if result.figures:
        lines.append(f"figures ({len(result.figures)} moved):")
        lines += [f"  {c.path}: {_arrow(c)}" for c in result.figures]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(result: SpecDiff) -> str:
    lines = [f"### orbc diff `{result.old_name}` → `{result.new_name}`", ""]
    if result.empty:
        return "\n".join([*lines, "No differences."]) + "\n"
    lines += [f"- **verdict**: {_arrow(result.verdict)}",
              f"- **satellites**: {_arrow(result.satellites)}", ""]
    rows = []
    for _, kind in COLLECTIONS:
        rows += [f"| added | {kind} | `{n}` | | |" for n in result.added[kind]]
        rows += [f"| removed | {kind} | `{n}` | | |" for n in result.removed[kind]]
        for name, changes in result.changed[kind].items():
            rows += [f"| changed | {kind} | `{name}` | `{_cell(c.path)}` | "
                     f"{_cell(_arrow(c))} |" for c in changes]
    if rows:
        lines += ["| | block | name | field | old → new (change) |",
                  "| --- | --- | --- | --- | --- |", *rows, ""]
    if result.figures:
        lines += [f"<details><summary>{len(result.figures)} figure(s) moved</summary>", "",
                  "| figure | old | new | change |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| `{_cell(c.path)}` | {_cell(_show(c.old))} | {_cell(_show(c.new))} | "
                  f"{_signed(c).strip(' ()')} |" for c in result.figures]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render_json(result: SpecDiff) -> str:
    document = {
        "old": result.old_name, "new": result.new_name,
        "verdict": result.verdict.to_json(), "satellites": result.satellites.to_json(),
        "added": result.added, "removed": result.removed,
        "changed": {kind: {name: [c.to_json() for c in changes]
                           for name, changes in names.items()}
                    for kind, names in result.changed.items()},
        "figures": [c.to_json() for c in result.figures],
    }
    return json.dumps(document, indent=2, default=str) + "\n"


RENDERERS = {"human": render_human, "markdown": render_markdown, "json": render_json}

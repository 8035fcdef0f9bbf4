"""Parsed files to the typed model: blocks collected, `extends` merged, defaults applied,
names resolved, cross-block rules checked. Every problem becomes a diagnostic.
"""

from __future__ import annotations

import math
from pathlib import Path

import attrs

from orbc.compiler import model as m
from orbc.compiler import schema
from orbc.compiler.externals import ExternalReader
from orbc.compiler.validate import RawBlock, Validator
from orbc.constants import EARTH_RADIUS_M, SECONDS_PER_DAY
from orbc.diagnostics import Diagnostic, Span, Suggestion, closest, replace_with
from orbc.dsl.loader import Spec
from orbc.physics.orbits import nodal_precession_rate_rad_s, sun_synchronous_inclination_rad
from orbc.physics.sun import raan_from_ltan_rad

MAX_SATELLITES = 10_000_000  # a larger total is a typo in a count, not a design
MAX_NETWORK_STEPS = 100_000  # snapshots of the network; more is a unit typo in `step`


class Elaborator:
    def __init__(self, spec: Spec, externals: bool = True):
        self.spec = spec
        self.load_externals = externals  # an external spec's own externals are not followed
        self.diagnostics: list[Diagnostic] = []
        labels: dict[str, set[str]] = {}
        for module in spec.modules:
            for block in module.blocks:
                if block.label is not None:
                    labels.setdefault(block.kind, set()).add(block.label)
        self.validator = Validator(self.diagnostics, spec.sources, labels)
        self.blocks: dict[str, dict[str, RawBlock]] = {kind: {} for kind in schema.TOP_LEVEL}

    def error(self, code: str, message: str, span: Span | None, help: str | None = None,
              severity: str = "error", label: str | None = None,
              suggestion: Suggestion | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, severity, help, label,
                                           suggestion))

    # --- collection ------------------------------------------------------------------------

    def collect(self) -> None:
        for module in self.spec.modules:
            for block in module.blocks:
                spec = schema.TOP_LEVEL.get(block.kind)
                if spec is None:
                    match = closest(block.kind, schema.TOP_LEVEL)
                    self.error("unknown-block", f"unknown block kind `{block.kind}`",
                               block.kind_span,
                               help=f"did you mean `{match}`?" if match
                               else "blocks are: " + ", ".join(f"`{k}`" for k in schema.TOP_LEVEL),
                               label="unknown block",
                               suggestion=replace_with(match, block.kind_span))
                    continue
                raw = self.validator.block(block, spec, f"`{block.kind}`")
                seen = self.blocks[block.kind]
                key = raw.label or ""
                if key in seen and (spec.unique or raw.label is not None):
                    first = seen[key].head
                    name = f'{block.kind} "{raw.label}"' if raw.label else block.kind
                    self.error("duplicate-block", f"`{name}` is defined twice", raw.head,
                               help=f"the first is at {first.file}:{first.line}; rename or "
                                    "remove one", label="second definition")
                    continue
                seen[key] = raw

    # --- extends -----------------------------------------------------------------------------

    def merged_hardware(self) -> dict[str, RawBlock]:
        done: dict[str, RawBlock | None] = {}
        for name in self.blocks["hardware"]:
            self._merge_chain(name, done)
        return {name: raw for name, raw in done.items() if raw is not None}

    def _merge_chain(self, name: str, done: dict) -> RawBlock | None:
        """Merge `name` with its ancestors. Walks the `extends` chain with a loop, not
        recursion, so that a chain of any length cannot exhaust Python's stack."""
        hardware = self.blocks["hardware"]
        waiting: dict[str, int] = {}  # names whose parent is still to merge -> position
        current = name
        while current not in done:
            raw = hardware[current]
            if raw.parent is None:
                done[current] = raw
            elif raw.parent == current or raw.parent in waiting:
                chain = list(waiting)[waiting.get(raw.parent, len(waiting)):]
                self.error("extends-cycle", "hardware extends itself: "
                           + " -> ".join(chain + [current, raw.parent]), raw.parent_span,
                           help="remove one `extends` from the circle")
                done[current] = None
            elif raw.parent not in hardware:
                self._unknown_reference(raw.parent, "hardware", raw.parent_span,
                                        besides=(*waiting, current))
                done[current] = None
            else:
                waiting[current] = len(waiting)
                current = raw.parent
        for child in reversed(waiting):
            parent = done[hardware[child].parent]
            done[child] = _merge(parent, hardware[child]) if parent else None
        return done[name]

    def _unknown_reference(self, name: str, kind: str, span: Span,
                           besides: tuple[str, ...] = (), whole_value: bool = True) -> None:
        """Report `name` as naming no `kind` block; `besides` are blocks it may not name (a
        hardware and those extending it, which cannot be its parent). A name inside a list
        of several (`whole_value` false) is given the labels defined, not a respelling, as
        its span is the whole list and a fix there could not be applied."""
        known = [k for k in self.blocks[kind] if k not in besides]
        match = closest(name, known) if whole_value else None
        self.error("unknown-reference", f"no `{kind}` is labelled \"{name}\"", span,
                   help=f"did you mean `{match}`?" if match else (
                       "defined: " + ", ".join(f'"{k}"' for k in sorted(known)) if known
                       else f"define it with `{kind} \"{name}\" {{ ... }}`"),
                   label="unknown name", suggestion=replace_with(
                       f'"{match}"' if match and whole_value else None, span))

    # --- model building ----------------------------------------------------------------------

    def take(self, raw: RawBlock, spec: schema.BlockSpec, where: str) -> dict | None:
        """Field values with defaults applied, or None when a required one is missing or a
        written one was rejected (reported already)."""
        values, complete = {}, True
        for name, attr in spec.attrs.items():
            field = raw.fields.get(name)
            if field is not None:
                values[name] = field.value
            elif name in raw.rejected:
                complete = False
            elif attr.required:
                self.error("missing-attribute", f"{where} needs `{name}`", raw.head,
                           help=f"add `{name} = {attr.example}`", label=f"no `{name}`")
                complete = False
            else:
                values[name] = attr.default
        return values if complete else None

    def build(self) -> tuple[m.Model | None, list[Diagnostic]]:
        self.collect()
        constellation = self.constellation()
        hardware = {}
        for name, raw in sorted(self.merged_hardware().items()):
            built = self.hardware(name, raw)
            if built:
                hardware[name] = built
        policies = self._build_all("link_policy", self.link_policy)
        stations = self._build_all("ground_station", self.ground_station)
        shells = self._build_all("shell", lambda n, r: self.shell(n, r, constellation))
        launchers = self._build_all("launcher", self.launcher)
        schedule = self.schedule()
        czml = self.czml()
        network = self.network()
        routes = self._build_all("route", lambda n, r: self.route(n, r, stations))
        externals = self._build_all("external", self.external) if self.load_externals else {}
        self.check_references(shells, policies, externals)
        self.check_size(shells)
        if not any(d.is_error for d in self.diagnostics):
            # A spec with errors may not reference what it means to (a misspelt label, a
            # rejected value): "unused" would only echo those errors.
            self.check_usage()
        if any(d.is_error for d in self.diagnostics) or constellation is None:
            return None, self.diagnostics
        return m.Model(self.spec.modules[0].file, constellation, hardware, shells, policies,
                       stations, schedule, czml, network, routes, externals,
                       launchers=launchers), self.diagnostics

    def _build_all(self, kind: str, builder) -> dict:
        built = {name: builder(name, raw) for name, raw in sorted(self.blocks[kind].items())}
        return {name: obj for name, obj in built.items() if obj is not None}

    def constellation(self) -> m.Constellation | None:
        found = self.blocks["constellation"]
        root = self.spec.modules[0].file if self.spec.modules else None
        if not found:
            if not any(d.category == "syntax" for d in self.diagnostics + self.spec.diagnostics):
                self.error("missing-constellation", "the spec has no `constellation` block",
                           Span(root, 1, 1, 1, 1) if root else None,
                           help='add `constellation "name" { epoch = 2027-01-01T00:00:00Z; '
                                "mission_life = 5 yr }`")
            return None
        if len(found) > 1:
            extra = sorted(found.values(), key=lambda r: (r.head.file, r.head.line))[1:]
            for raw in extra:
                self.error("multiple-constellations", "a spec has exactly one `constellation`",
                           raw.head, help="remove this block or move it to another spec",
                           label="second constellation")
        name, raw = next(iter(found.items()))
        values = self.take(raw, schema.CONSTELLATION, f'`constellation "{name}"`')
        if values is None or None in (values["epoch"], values["mission_life"]):
            return None
        return m.Constellation(name, values["epoch"], values["mission_life"], _spans(raw))

    def hardware(self, name: str, raw: RawBlock) -> m.Hardware | None:
        where = f'`hardware "{name}"`'
        parts, complete = {}, True
        for kind in ("solar_array", "battery", "radiator", "compute", "laser_terminal"):
            sub = raw.blocks.get((kind, None))
            if sub is None:
                parts[kind] = None
                continue
            values = self.take(sub, schema.HARDWARE.blocks[kind], f"{where} `{kind}`")
            complete &= values is not None
            parts[kind] = values and (values, _spans(sub))
        loads, radios = [], []
        for (kind, label), sub in sorted(raw.blocks.items(), key=lambda kv: str(kv[0])):
            if kind in ("load", "radio"):
                values = self.take(sub, schema.HARDWARE.blocks[kind], f'{where} `{kind} "{label}"`')
                complete &= values is not None
                if values:
                    (loads if kind == "load" else radios).append((label, values, _spans(sub)))
        if not complete:
            return None
        return m.Hardware(
            name=name,
            mass_kg=raw.fields["mass"].value if "mass" in raw.fields else None,
            solar_array=_build(parts["solar_array"], lambda v: m.SolarArray(
                v["area"], v["efficiency"], v["degradation"], v["packing"], v["incidence"],
                areal_density_kg_m2=v["areal_density"])),
            battery=_build(parts["battery"], lambda v: m.Battery(
                v["capacity"], v["depth_of_discharge"], v["efficiency"],
                specific_energy_j_kg=v["specific_energy"])),
            radiator=_build(parts["radiator"], lambda v: m.Radiator(
                v["area"], v["faces"], v["emissivity"], v["absorptivity"], v["temperature"],
                areal_density_kg_m2=v["areal_density"])),
            compute=_build(parts["compute"], lambda v: m.Compute(
                v["accelerators"], v["power_each"], v["flops_each"], v["shed_in_eclipse"],
                mass_each_kg=v["mass_each"], egress_bps=v["egress"])),
            loads=tuple(m.Load(label, v["power"], v["shed_in_eclipse"], spans, mass_kg=v["mass"])
                        for label, v, spans in loads),
            laser_terminal=_build(parts["laser_terminal"], lambda v: m.LaserTerminal(
                v["count"], v["power"], v["aperture"], v["aperture_efficiency"], v["wavelength"],
                v["rate"], v["sensitivity"], v["losses"], v["pointing_error"],
                mass_each_kg=v["mass"])),
            radios=tuple(m.Radio(label, v["power"], v["antenna_gain"], v["frequency"],
                                 v["bandwidth"], v["losses"], v["required_esn0"], spans,
                                 mass_kg=v["mass"], rate_bps=v["rate"])
                         for label, v, spans in radios),
            spans=_spans(raw),
        )

    def link_policy(self, name: str, raw: RawBlock) -> m.LinkPolicy | None:
        values = self.take(raw, schema.LINK_POLICY, f'`link_policy "{name}"`')
        if values is None:
            return None
        if values["topology"] == "nearest" and values["relay"] is None:
            self.error("missing-attribute", f'`link_policy "{name}"` with topology `nearest` '
                       "needs `relay`", raw.fields["topology"].span,
                       help='name the shell to link to: `relay = "relay-shell"`')
            return None
        if values["relay"] is not None and values["topology"] != "nearest":
            self.error("relay-needs-nearest", f"`relay` has no meaning with topology "
                       f"`{values['topology']}`", raw.fields["relay"].span,
                       help="set `topology = nearest`, or remove `relay`")
        return m.LinkPolicy(name, values["topology"], values["max_range"],
                            values["min_grazing_altitude"], values["min_margin"],
                            values["inter_plane_cutoff_latitude"], values["relay"],
                            values["min_availability"], _spans(raw))

    def shell(self, name: str, raw: RawBlock, constellation: m.Constellation | None):
        where = f'`shell "{name}"`'
        values = self.take(raw, schema.SHELL, where)
        patterns = [key[0] for key in raw.blocks]
        if not patterns:
            if not raw.rejected & set(schema.SHELL.blocks):
                self.error("pattern-missing", f"{where} has no pattern block", raw.head,
                           help="add `walker_delta { planes = 24; per_plane = 22; phasing = 1 }`")
            return None
        if len(patterns) > 1:
            second = raw.blocks[(patterns[1], None)]
            self.error("pattern-conflict", f"{where} has both `{patterns[0]}` and "
                       f"`{patterns[1]}`", second.head, help="keep one pattern block")
            return None
        pattern_raw = raw.blocks[(patterns[0], None)]
        walker = self.take(pattern_raw, schema.WALKER, f"{where} `{patterns[0]}`")
        if values is None or walker is None:
            return None
        if walker["phasing"] >= walker["planes"]:
            self.error("invalid-phasing", f"phasing F = {walker['phasing']} must be below the "
                       f"number of planes P = {walker['planes']}",
                       pattern_raw.fields["phasing"].span,
                       help=f"write a phasing from 0 to {walker['planes'] - 1}")
            return None
        spans = {**_spans(raw), **{f"{patterns[0]}.{k}": f.span
                                   for k, f in pattern_raw.fields.items()}}
        spans["pattern"] = pattern_raw.head
        inclination, sso = self._inclination(name, raw, values)
        raan0 = self._first_node(raw, values, sso, inclination, constellation)
        if inclination is None or raan0 is None:
            return None
        policies = values["isl"] or ()
        return m.Shell(name, values["altitude"], inclination, sso, values["ltan"], raan0,
                       patterns[0], walker["planes"], walker["per_plane"], walker["phasing"],
                       values["hardware"], policies[0] if policies else None, spans,
                       link_policies=policies, launcher=values["launcher"])

    def _inclination(self, name: str, raw: RawBlock, values: dict) -> tuple[float | None, bool]:
        if values["inclination"] != "sun_synchronous":
            return values["inclination"], False
        a = EARTH_RADIUS_M + values["altitude"]
        inclination = float(sun_synchronous_inclination_rad(a))
        if math.isnan(inclination):
            self.error("out-of-range", f"no inclination is sun-synchronous at "
                       f"{values['altitude'] / 1e3:g} km", raw.fields["inclination"].span,
                       help="J2 cannot turn the node fast enough above about 5,970 km; "
                            "give an inclination")
            return None, True
        return inclination, True

    def _first_node(self, raw: RawBlock, values: dict, sso: bool, inclination: float | None,
                    constellation: m.Constellation | None) -> float | None:
        if values["ltan"] is None:
            return values["raan_offset"] or 0.0
        if values["raan_offset"] is not None:
            self.error("node-conflict", "`ltan` and `raan_offset` both set the first plane's node",
                       raw.fields["raan_offset"].span, help="keep one of them")
            return None
        if not sso and inclination is not None:
            a = EARTH_RADIUS_M + values["altitude"]
            drift = nodal_precession_rate_rad_s(a, inclination) * SECONDS_PER_DAY * 180 / math.pi
            # The fix is at the inclination, not at the `ltan` this warning points at.
            written = raw.fields.get("inclination")
            inclination_span = written.span if written else None
            self.error("ltan-drifts", f"`ltan` holds at epoch only: this shell's node drifts "
                       f"{drift:+.2f}°/day while the sun moves +0.99°/day",
                       raw.fields["ltan"].span, severity="warning",
                       help="use `inclination = sun_synchronous` to keep the local time",
                       suggestion=replace_with("sun_synchronous", inclination_span))
        if constellation is None:
            return None
        return float(raan_from_ltan_rad(values["ltan"], constellation.epoch))

    def ground_station(self, name: str, raw: RawBlock) -> m.GroundStation | None:
        where = f'`ground_station "{name}"`'
        values = self.take(raw, schema.GROUND_STATION, where)
        radio = raw.blocks.get(("radio", None))
        optical = raw.blocks.get(("optical", None))
        radio_values = radio and self.take(radio, schema.GROUND_RADIO, f"{where} `radio`")
        optical_values = optical and self.take(optical, schema.GROUND_OPTICAL,
                                               f"{where} `optical`")
        if values is None or (radio and radio_values is None) or (
                optical and optical_values is None):
            return None
        latitude, longitude, altitude = values["location"]
        spans = _spans(raw)
        if radio:
            spans["radio.g_over_t"] = radio.fields["g_over_t"].span
        return m.GroundStation(
            name, latitude, longitude, altitude, values["min_elevation"], values["antennas"],
            radio_values["g_over_t"] if radio_values else None,
            optical_values["aperture"] if optical_values else None,
            optical_values["sensitivity"] if optical_values else None,
            optical_values["aperture_efficiency"] if optical_values else None, spans,
            capacity_bps=values["capacity"])

    def launcher(self, name: str, raw: RawBlock) -> m.Launcher | None:
        values = self.take(raw, schema.LAUNCHER, f'`launcher "{name}"`')
        return None if values is None else m.Launcher(name, values["payload"], _spans(raw))

    def schedule(self) -> m.Schedule | None:
        raw = self.blocks["schedule"].get("")
        if raw is None:
            raw = RawBlock("schedule", None, None, None, None)
        values = self.take(raw, schema.SCHEDULE, "`schedule`")
        if values is None:
            return None
        return m.Schedule(values["horizon"], values["min_pass"], values["handover_gap"],
                          values["policy"], _spans(raw))

    def czml(self) -> m.CzmlView:
        raw = self.blocks["czml"].get("")
        if raw is None:
            return m.CzmlView()
        values = self.take(raw, schema.CZML, "`czml`") or {}
        shells = values.get("shells")
        return m.CzmlView(values.get("horizon"), values.get("step"),
                          shells,
                          _spans(raw))
    def network(self) -> m.Network | None:
        raw = self.blocks["network"].get("")
        if raw is None:
            raw = RawBlock("network", None, None, None, None)
        values = self.take(raw, schema.NETWORK, "`network`")
        if values is None:
            return None
        horizon = values["horizon"]
        if horizon is not None and horizon / values["step"] > MAX_NETWORK_STEPS:
            self.error("out-of-range", f"the network would have {horizon / values['step']:,.0f} "
                       f"snapshots, more than the {MAX_NETWORK_STEPS:,} orbc takes",
                       raw.fields["horizon"].span,
                       help="lengthen `step` or shorten `horizon`")
            return None
        return m.Network(values["step"], horizon, _spans(raw))

    def external(self, name: str, raw: RawBlock) -> m.External | None:
        values = self.take(raw, schema.EXTERNAL, f'`external "{name}"`')
        if values is None or not self.spec.modules:
            return None
        if name in self.blocks["shell"]:
            self.error("duplicate-block", f'`external "{name}"` has the label of a shell',
                       raw.head, help="relays name shells and externals alike; rename one")
            return None
        root = Path(self.spec.modules[0].file).resolve().parent
        return ExternalReader(root, self.diagnostics).read(name, values["source"],
                                                           raw.fields["source"].span, raw.head)

    def route(self, name: str, raw: RawBlock, stations: dict) -> m.Route | None:
        values = self.take(raw, schema.ROUTE, f'`route "{name}"`')
        if values is None:
            return None
        complete = True
        for attribute in ("from", "to"):
            field = raw.fields[attribute]
            if field.value not in self.blocks["ground_station"]:
                self._unknown_reference(field.value, "ground_station", field.span)
                complete = False
        if complete and values["from"] == values["to"]:
            self.error("route-to-itself", f'route "{name}" starts and ends at '
                       f'"{values["from"]}"', raw.fields["to"].span,
                       help="name two different ground stations")
            complete = False
        if not complete or values["from"] not in stations or values["to"] not in stations:
            return None
        return m.Route(name, values["from"], values["to"], values["max_rtt"], _spans(raw))

    # --- cross-block rules -------------------------------------------------------------------

    def check_references(self, shells: dict, policies: dict, externals: dict) -> None:
        for name, raw in sorted(self.blocks["shell"].items()):
            for attribute, kind in (("hardware", "hardware"), ("launcher", "launcher")):
                field = raw.fields.get(attribute)
                if field is not None and field.value not in self.blocks[kind]:
                    self._unknown_reference(field.value, kind, field.span)
            isl = raw.fields.get("isl")
            for label in isl.value if isl else ():
                if label not in self.blocks["link_policy"]:
                    self._unknown_reference(label, "link_policy", isl.span,
                                            whole_value=len(isl.value) == 1)
                policy = policies.get(label)
                if policy is not None and policy.relay == name:
                    self.error("relay-is-self", f'shell "{name}" would relay through itself',
                               isl.span, help="a `nearest` policy links to another shell; use "
                                              "`plus_grid` for links inside a shell")
        czml = self.blocks["czml"].get("")
        if czml is not None and "shells" in czml.fields:
            field = czml.fields["shells"]
            for label in field.value:
                if label not in self.blocks["shell"]:
                    self._unknown_reference(label, "shell", field.span,
                                            whole_value=len(field.value) == 1)
        for raw in self.blocks["link_policy"].values():
            relay = raw.fields.get("relay")
            if relay is not None:
                self._check_relay(relay.value, relay.span, externals)

    def _check_relay(self, relay: str, span: Span, externals: dict) -> None:
        """`relay` names an own shell, an external, or "<external>/<shell>"."""
        if relay in self.blocks["shell"] or relay in self.blocks["external"]:
            return
        outer, slash, inner = relay.partition("/")
        if slash and outer in self.blocks["external"]:
            external = externals.get(outer)
            if external is None or inner in external.shells:
                return  # an external that failed to load is reported already
            match = closest(inner, list(external.shells))
            self.error("unknown-reference", f'external "{outer}" has no shell "{inner}"', span,
                       suggestion=replace_with(f'"{outer}/{match}"' if match else None, span),
                       help=(f"did you mean `{outer}/{match}`?" if match else None) or (
                           "its shells: " + ", ".join(f'"{outer}/{k}"' for k in
                                                      sorted(external.shells))
                           if external.shells else f'relay through all of it: "{outer}"'),
                       label="unknown name")
            return
        known = sorted(self.blocks["shell"]) + sorted(self.blocks["external"])
        match = closest(relay, known)
        self.error("unknown-reference", f'no `shell` or `external` is labelled "{relay}"', span,
                   suggestion=replace_with(f'"{match}"' if match else None, span),
                   help=(f"did you mean `{match}`?" if match else None) or (
                       "defined: " + ", ".join(f'"{k}"' for k in known) if known
                       else f'define it with `shell "{relay}" {{ ... }}`'),
                   label="unknown name")

    def check_usage(self) -> None:
        used = {"hardware": set(), "link_policy": set(), "launcher": set()}
        for raw in self.blocks["shell"].values():
            for attribute, kind in (("hardware", "hardware"), ("launcher", "launcher")):
                if attribute in raw.fields:
                    used[kind].add(raw.fields[attribute].value)
            if "isl" in raw.fields:
                used["link_policy"].update(raw.fields["isl"].value)
        for raw in self.blocks["hardware"].values():
            if raw.parent:
                used["hardware"].add(raw.parent)
        for kind, names in used.items():
            for name, raw in sorted(self.blocks[kind].items()):
                if name not in names:
                    self.error("unused-block", f'`{kind} "{name}"` is not used by any shell',
                               raw.head, severity="warning",
                               help="remove it, or reference it from a shell")

    def check_size(self, shells: dict) -> None:
        total = sum(shell.satellites for shell in shells.values())
        if total > MAX_SATELLITES:
            largest = max(shells.values(), key=lambda s: s.satellites)
            self.error("too-many-satellites", f"the constellation has {total:,} satellites, "
                       f"more than the {MAX_SATELLITES:,} orbc accepts",
                       largest.spans["pattern"],
                       help=f'shell "{largest.name}" alone has {largest.satellites:,}; '
                            "check its counts for a typo")


def _merge(parent: RawBlock, child: RawBlock) -> RawBlock:
    """`child` over `parent`: attribute by attribute, sub-block by sub-block."""
    merged = RawBlock(child.kind, child.label, child.parent, child.head, child.parent_span,
                      {**parent.fields, **child.fields}, dict(parent.blocks),
                      (parent.rejected - child.fields.keys()) | child.rejected)
    for key, block in child.blocks.items():
        merged.blocks[key] = _merge(parent.blocks[key], block) if key in parent.blocks else block
    return merged


def _spans(raw: RawBlock) -> dict[str, Span]:
    spans = {name: field.span for name, field in raw.fields.items()}
    if raw.head is not None:
        spans[""] = raw.head
    return spans


def _build(part: tuple[dict, dict] | None, make):
    """Make a model object from (values, spans), or None when the sub-block is absent."""
    if part is None:
        return None
    values, spans = part
    return attrs.evolve(make(values), spans=spans)


def elaborate(spec: Spec) -> tuple[m.Model | None, list[Diagnostic]]:
    """Build the model of a loaded spec. The model is None when there is any error."""
    return Elaborator(spec).build()


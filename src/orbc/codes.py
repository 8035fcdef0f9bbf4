"""The registry of diagnostic codes: stable names, categories, and `orbc explain` texts.

A code is a contract: CI scripts match on it. Add codes; never rename one.
"""

from __future__ import annotations

import attrs

CATEGORIES = ("syntax", "unit", "reference", "semantic", "import", "physics", "target", "usage")


@attrs.frozen
class Code:
    name: str
    category: str
    explanation: str


CODES: dict[str, Code] = {}


def _register(category: str, table: dict[str, str]) -> None:
    assert category in CATEGORIES, category
    for name, explanation in table.items():
        assert name not in CODES, name
        CODES[name] = Code(name, category, " ".join(explanation.split()))


_register("usage", {
    "file-unreadable": """The spec file could not be read (missing, a directory, or no
        permission). orbc exits with 2, as for any usage or I/O error.""",
    "output-unwritable": """The output directory could not be created or written (no
        permission, a full disk, or a folder orbc writes into is a symbolic link). The
        previous build in it stays as it was, or, if publishing had begun, the directory has
        no `manifest.json`; the next build cleans up.""",
    "output-busy": """Another `orbc build` is writing to the same output directory (it holds
        the advisory lock `.orbc.lock` there). Two builds into one directory would mix their
        artifacts, so the second is refused; run it again when the first is done, or build
        into another directory.""",
    "unknown-target": """`--target` names a target orbc does not have; `orbc targets` lists them.""",
    "invalid-arguments": """The command line does not parse: an unknown option, a missing
        value, or a value that is not one of the choices. `orbc COMMAND --help` lists them.""",
    "engine-unavailable": """The engine asked for with `--engine` could not start (Dask not
        installed, or its scheduler unreachable).""",
    "worker-died": """A worker process computing contact windows died mid-build — killed by
        the kernel's out-of-memory killer, say, or by `kill -9` — and the message says which
        signal ended it. The other workers are stopped and nothing is written. With more
        memory free (fewer stations or satellites, a shorter horizon) the build may succeed.""",
    "report-unavailable": """`orbc report` draws its figures with matplotlib, an optional
        dependency that is not installed; `pip install 'orbc[report]'` adds it.""",
})

_register("syntax", {
    "not-text": """The file is not UTF-8 text (it has NUL bytes or invalid UTF-8 sequences).
        .orb files are UTF-8 text.""",
    "syntax-error": """The parser met a token that cannot stand there. A spec is made of blocks
        `kind "label" { name = value }`, one attribute per line.""",
    "unexpected-end": """The file ended inside a block or an expression; usually a `}` is
        missing.""",
    "invalid-token": """A character that is not part of the language, such as `@` or `$`.""",
    "unterminated-string": """A string was opened with `"` and not closed on the same line.""",
    "value-too-long": """An attribute's value has more than 10,000 tokens (numbers, units,
        operators, brackets). No attribute needs such an expression; the limit is counted while
        the file is read, so that a runaway expression is refused in a fraction of a second
        instead of exhausting memory. Write the value the expression computes.""",
})

_register("unit", {
    "unknown-unit": """The unit after a number is not in orbc's unit table. Units are
        case-sensitive (`kW`, not `kw`; `Gbps`, not `gbps`); compound units are written
        without spaces (`W/m^2`, `%/yr`). `docs/language.md` lists every unit.""",
    "unit-mismatch": """An attribute got a quantity of the wrong dimension, such as a length
        where a power is expected. The message names both dimensions.""",
    "incompatible-units": """An expression adds or subtracts quantities of different
        dimensions (`1 km + 1 s`), or compares them.""",
    "log-unit-arithmetic": """A decibel quantity was used in arithmetic that has no physical
        meaning: two absolute levels (`dBW`, `dBm`) cannot be added, and a decibel value cannot
        be multiplied by a unit. Add a level and a ratio (`3 dBW + 2 dB`) or convert to a linear
        unit.""",
    "not-convertible": """A linear value of zero or less cannot be expressed in decibels.""",
})

_register("reference", {
    "unknown-reference": """A string that names another block (a shell's `hardware`, `isl`, a
        policy's `relay`, an `extends` parent) names no block of that kind.""",
    "extends-cycle": """Hardware blocks extend each other in a circle.""",
})

_register("import", {
    "import-not-found": """An `import` names a file that does not exist. Paths are relative to
        the importing file.""",
    "import-escapes-root": """An `import` points outside the folder of the root spec. orbc never
        reads files outside the spec's root, so specs stay self-contained and safe to build in
        CI.""",
    "import-cycle": """Files import each other in a circle.""",
    "external-escapes-root": """An `external` source points outside the folder of the root
        spec. orbc never reads files outside the spec's root: vendor the other operator's spec
        or catalog beside yours.""",
    "external-unreadable": """An `external` source is missing, unreadable, of an unknown kind
        (.orb, .tle/.txt, .xml OMM, .kvn OMM), or holds no element set that SGP4 can
        initialise.""",
    "external-invalid": """An `external` .orb spec does not compile on its own; `orbc check` it
        for the details.""",
    "import-unreadable": """An imported file exists but could not be read.""",
})

_register("semantic", {
    "unknown-block": """A top-level or nested block kind that the language does not have.""",
    "unknown-attribute": """An attribute this block does not take.""",
    "duplicate-attribute": """The same attribute is set twice in one block.""",
    "duplicate-block": """Two blocks of the same kind have the same label, or a sub-block that
        may appear once appears twice.""",
    "missing-attribute": """A required attribute is not set.""",
    "missing-label": """A block kind that needs a label has none, or one that takes no label has
        one.""",
    "invalid-label": """A block label that cannot travel into every artifact: longer than
        240 characters (a shell's label becomes a folder name, and file systems allow 255
        bytes per name), or beginning with `=`, `+`, `-`, `@`, a tab or a carriage return,
        which a spreadsheet opening a CSV artifact would run as a formula (OWASP "CSV
        Injection"). Such labels are refused rather than altered, so that every artifact
        carries each label exactly as written.""",
    "missing-constellation": """A spec needs exactly one `constellation` block.""",
    "multiple-constellations": """A spec needs exactly one `constellation` block.""",
    "wrong-type": """A value of the wrong kind: a string where a quantity is expected, a tuple
        where a keyword is expected, and so on.""",
    "unknown-keyword": """A keyword value that the attribute does not accept.""",
    "out-of-range": """A value outside the physically meaningful range for its attribute, such
        as an efficiency above 100 %, an inclination above 180° or a 4000 dBi antenna gain.
        Every range and the reason for it is listed in docs/language.md (accepted ranges);
        the help offers the bound that was crossed or an example value.""",
    "not-an-integer": """A count (planes, satellites per plane, accelerators, antennas) must be a
        whole number.""",
    "non-finite-number": """A number is infinite or not a number (too large to represent, or the
        result of an expression such as `1e308 * 10`).""",
    "division-by-zero": """An expression divides by zero.""",
    "invalid-timestamp": """Timestamps are written in UTC as `2027-03-21T00:00:00Z`.""",
    "invalid-clock": """Clock times are `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59.""",
    "pattern-missing": """A shell needs one pattern block: `walker_delta { ... }` or
        `walker_star { ... }`.""",
    "pattern-conflict": """A shell has more than one pattern block.""",
    "node-conflict": """A shell sets both `ltan` and `raan_offset`; the first plane's node is
        given by one of them.""",
    "ltan-drifts": """(warning) `ltan` fixes the first plane's node against the sun at epoch.
        Only a sun-synchronous shell keeps that local time; any other shell's node drifts away
        from it, so the local time holds at epoch only.""",
    "relay-needs-nearest": """`relay` names the shell that a `nearest` topology links to; with
        any other topology it has no meaning.""",
    "invalid-phasing": """Walker phasing F must lie in 0 … P−1 for P planes.""",
    "too-many-satellites": """The constellation exceeds the limit orbc accepts (10,000,000
        satellites), which almost always means a typo in a count.""",
    "extends-not-allowed": """Only `hardware` blocks take `extends`; shells, policies and
        stations are written out in full.""",
    "unused-block": """A hardware or link policy block that no shell uses.""",
    "relay-is-self": """A link policy's relay shell is the shell that uses the policy.""",
    "route-to-itself": """A `route` whose `from` and `to` name the same ground station.""",
})

_register("physics", {
    "no-solar-array": """The hardware draws power but has no `solar_array`.""",
    "power-deficit": """The end-of-life array power, P_BOL·(1 − degradation)^years with
        P_BOL = area·efficiency·1361 W/m²·packing·cos(incidence), is below what SMAD sizing asks
        for through the worst eclipse of the mission: P_sa = (P_e·T_e/0.60 + P_d·T_d/0.80)/T_d
        (peak-power tracking). P_d is every load and the compute; P_e drops what is marked
        `shed_in_eclipse`. Defaults: packing 90 %, incidence 0° (sun-tracking).""",
    "power-margin-thin": """(warning) The array covers the need with less than 5 % to spare.""",
    "no-battery": """Loads must run through eclipse but the hardware has no battery.""",
    "battery-depth-exceeded": """The worst eclipse discharges the battery deeper than its
        declared `depth_of_discharge`: DoD = P_e·T_e/(capacity·efficiency), with the battery
        discharge efficiency 90 % unless the spec gives one.""",
    "no-radiator": """The hardware dissipates power but has no radiator.""",
    "thermal-deficit": """The radiators cannot reject the dissipated power at their declared
        temperature in the hot case. Model: all electrical load becomes heat; net rejection per
        m² of panel q = faces·ε·σ·T⁴ − α·S (one face square to the sun) − F·(α·a·S + ε·OLR)
        (Earth), with S = 1361 W/m², albedo a = 0.30, OLR = 237 W/m², F = faces × the edge-on
        view factor at the shell's altitude (0.258 at 550 km), α from the spec (default 0.09),
        α_IR = ε (Kirchhoff).""",
    "thermal-margin-thin": """(warning) The radiators reject less than 5 % more than the
        dissipation.""",
    "no-laser-terminal": """A shell's link policy needs laser terminals that its hardware does
        not have.""",
    "isl-occluded": """Some inter-satellite links pass closer to the Earth than the policy's
        `min_grazing_altitude` (default 80 km) at their longest, over an orbit. For two
        satellites at one altitude that happens beyond 2·√((R⊕+h)² − (R⊕+h_g)²).""",
    "isl-beyond-max-range": """Some links of the topology are longer than the policy's
        `max_range`.""",
    "isl-margin": """The weakest laser link does not close with the policy's `min_margin`.
        Budget: P_R = P_T·G_T·G_R·(λ/4πd)²·L·L_point, G = η·(πD/λ)² (η default 80 %), L the
        terminal's `losses` (default 3 dB), L_point = exp(−2(θ_err/θ_div)²) at each end with
        θ_div = 1.22·λ/D (pointing error default 1 µrad); margin = P_R − sensitivity, at the
        link's largest range over an orbit. Below the confocal range πD²/4λ the received power
        is capped.""",
    "isl-margin-thin": """(warning) The weakest laser link has less than 1 dB above
        `min_margin`.""",
    "too-few-terminals": """A shell's link policies need more laser terminals per satellite than
        its hardware's `laser_terminal.count`: `plus_grid` takes 4, `ring` 2, `nearest` 1 (one
        relay link). The terminals a relay satellite has left after its own policies are what
        it can lend to users that relay through it.""",
    "relay-oversubscribed": """With relay fan-in, a satellite has a relay link less often than
        the policy's `min_availability`. A relay satellite serves at most as many users as it
        has free laser terminals (its `count` minus what its own link policies take); at each
        network snapshot the users nearest to it are served first and the others have no relay
        link (they do not fall back to a farther relay). The message names the snapshot with
        the worst oversubscription (users asking for a relay / its free terminals).""",
    "relay-availability": """A satellite has a usable relay (in range, in sight above the
        grazing altitude, closing with `min_margin`) less often than the policy's
        `min_availability`. Evaluated for a sample of the shell's satellites at 2048 instants
        spread over the cycle of the two shells' relative node drift.""",
    "downlink-margin": """The RF downlink does not close at a station's minimum elevation:
        C/N = P_T + G_T − losses − FSPL + G/T + 228.6 − 10·log10(bandwidth), margin = C/N −
        `required_esn0` (default 1.0 dB, DVB-S2 QPSK 1/2).""",
    "downlink-margin-thin": """(warning) The downlink margin is below 3 dB at some station.""",
    "route-rtt-exceeded": """A route's round-trip time exceeds its `max_rtt` at some network
        snapshot. The network at a snapshot: the link policies' laser links that are within
        their `max_range` and clear the grazing altitude, and ground links from each station to
        every satellite with a radio above the station's `min_elevation`; stations never relay
        for other stations. Satellites fly SGP4 from the element sets orbc emits. RTT is twice
        the shortest one-way path length over c (vacuum). The message names the worst
        snapshot.""",
    "capacity-exceeded": """At some network snapshot a load exceeds its capacity. Each compute
        satellite sends its `egress` to its nearest station (shortest path over the network,
        as for latency to ground); a laser link carries the smaller of its two terminals'
        `rate`, a ground link the satellite radio's rate (its `rate`, else bandwidth × the
        DVB-S2 spectral efficiency of the best MODCOD within its `required_esn0`), a station
        its `capacity`. The message names the worst overload (load / capacity) and its
        snapshot.""",
    "route-unreachable": """A route has no path at some network snapshots (the message counts
        them): no satellite in view of a station, or no chain of laser links between the two
        ends. An error when the route has a `max_rtt`, which an unreachable snapshot cannot
        meet; a warning otherwise.""",
})

_register("physics", {
    "mass-exceeded": """The subsystems weigh more than the hardware's declared `mass`. The
        estimate is the sum of: solar_array area × `areal_density`, radiator area ×
        `areal_density`, battery capacity / `specific_energy`, compute accelerators ×
        `mass_each`, laser terminals count × `mass`, each radio's `mass` and each load's
        `mass`. `orbc explain defaults` lists the defaults and their sources. Structure,
        harness and margins are not estimated: write them as a load's `mass` (`load "bus" {
        power = 1.5 kW  mass = 180 kg }`).""",
    "launcher-too-small": """One satellite (its declared `mass`, else the estimate) is heavier
        than the payload of the shell's launcher. A launch serves one plane and carries
        floor(payload / satellite mass) satellites; a plane needs ceil(per_plane / that)
        launches.""",
})

_register("target", {
    "tle-catalog-overflow": """A TLE has five characters for the catalog number: digits up to
        99,999, then Alpha-5 (a letter for the leading two digits, I and O skipped) up to
        339,999 (`Z9999`). orbc numbers satellites 1, 2, 3 … in shell order, so a constellation
        of more than 339,999 satellites cannot be written as TLEs and nothing is written. Build
        `omm-xml` or `omm-kvn` instead: an OMM's NORAD_CAT_ID has no such limit.""",
    "tle-epoch-out-of-range": """A TLE writes the epoch year with two digits, read as 1957–2056
        (57–99 → 19xx, 00–56 → 20xx). An epoch outside those years cannot be written as a TLE;
        the OMM targets write a four-digit year.""",
    "name-too-long": """(warning) A satellite name (`shell-PPP-SSS`) is longer than the target
        format holds: 24 columns for a TLE title line, the 254-character line of a KVN OMM. The
        name is written in full, since cutting it could make two names the same; readers that
        keep to the fixed width see it cut. Shorten the shell's label.""",
    "name-not-representable": """(warning) A shell's label holds characters that the target
        format cannot carry: TLE and KVN files are printable ASCII, and XML cannot hold most
        control characters. Those characters are written as `?` in the satellite names.""",
    "gmat-too-large": """(warning) The GMAT script creates one Spacecraft object per satellite
        and propagates them together, each with its own OEM ephemeris file; above 1,000
        spacecraft GMAT becomes impractically slow. The script is still written in full.""",
    "czml-too-large": """(warning) Cesium cannot draw more than about 20,000 satellites with
        their links. Above that the CZML document holds the satellites and ground stations but
        no link packets; the links are in the `isl-csv` target. A `czml { shells = [...] }`
        block draws fewer shells.""",
    "czml-horizon-capped": """(warning) The CZML samples each satellite at most 1,440 times
        (by default 36 times an orbit, so at most 40 orbits of the fastest shell). A longer
        horizon is cut there and the document's clock stops at the last sample. Shorten the
        horizon or lengthen the step in a `czml { horizon = ...  step = ... }` block.""",
    "czml-step-coarse": """(warning) Cesium draws a satellite between its samples with a
        degree-5 Lagrange polynomial. Its error grows with the sixth power of the arc between
        samples: a few metres at 10° (36 samples an orbit, the default), about 260 m at 20°
        and 3 km at 30° in LEO. The `czml { step }` is more than 20° of a drawn shell's orbit;
        shorten it.""",
    "czml-large-document": """(warning) The CZML document is estimated (samples, packets and
        links) above 256 MiB. Cesium parses the whole document in the browser, so it loads
        slowly or not at all. Draw fewer shells, a shorter horizon or a longer step with a
        `czml { shells = [...]  horizon = ...  step = ... }` block.""",
    "hypatia-relay-links": """(warning) Hypatia's satgenpy takes one shell per input folder, so
        links from a shell to a relay shell (`topology = nearest`) cannot be written there. The
        relay links at epoch are in the `isl-csv` target.""",
    "hypatia-no-radio": """(warning) satgenpy gives every satellite of a Hypatia folder a
        ground-link interface and links it to every station within `max_gsl_length_m`; it has no
        way to say a satellite carries no radio. The folder of a shell whose hardware has no
        `radio` is still written (its ISL mesh is right), but the routes satgenpy computes on it
        go down to the ground from satellites that cannot.""",
    "hypatia-epoch-out-of-range": """satgenpy reads the two-digit TLE epoch year as 20YY, and a
        TLE's years end at 2056, so the epoch of a Hypatia folder must lie in 2000–2056.""",
    "hypatia-shell-too-large": """A Hypatia folder numbers a shell's TLEs 1, 2, 3 …; a TLE
        catalog number ends at 339,999 (Alpha-5 `Z9999`), so a shell of more satellites cannot
        be written.""",
})

_register("target", {
    "station-never-in-view": """(warning) No satellite rises above the ground station's
        `min_elevation` during the schedule horizon (the `contacts` target propagates every
        satellite with SGP4). Typical causes: a station at a latitude beyond the shells'
        inclination plus their visibility cone, or a minimum elevation too high for the
        altitude.""",
    "satellites-never-served": """(warning) The antenna schedule gives these satellites no
        contact during the horizon: they have no window at least `min_pass` long, or the
        stations' antennas are busy with others whenever they pass. The count and the first
        names are in the message.""",
    "schedule-summary": """(note) The total contact time the antenna schedule achieves and an
        upper bound on any schedule: per station ∫ min(antennas, windows open at t) dt over the
        windows at least `min_pass` long.""",
    "contacts-no-radio": """(warning) No satellite of the spec carries a radio (a `radio`
        block in its hardware), so none can be in contact with a ground station: the
        `contacts` and `schedule` targets consider only satellites with a radio, and their
        artifacts are empty. Shells without a radio (compute nodes that reach the ground
        through a relay, say) are left out of both even when others have one.""",
    "contacts-deep-space": """(warning) A shell's period is 225 minutes or more, where SGP4
        uses its deep-space equations (SDP4, with lunar and solar terms). The `contacts` and
        `schedule` targets compute passes for near-Earth shells only and leave this one
        out.""",
})

"""Fixtures shared by the target tests: the conformance model and ways to emit a target in memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def emit_all():
    """`emit_all(target, model)`: every artifact, path -> content, without touching the disk."""

    def emit(target, model) -> dict[str, bytes]:
        return {path: b"".join(chunks) for path, chunks in target.emit(model)}

    return emit


@pytest.fixture
def shells_spec(compile_text):
    """`shells_spec(labels, extra="", grid=False)`: a small clean spec with a Walker shell
    per label (labels are written as spec strings, so `\\"` and `\\n` escapes work): 3 × 4,
    or 10 × 10 linked by a `plus_grid` policy if `grid`; `extra` adds blocks (ground
    stations). Returns the model."""

    def run(labels, extra: str = "", grid: bool = False):
        isl = '  isl      = "grid"\n' if grid else ""
        planes, per_plane = (10, 10) if grid else (3, 4)
        terminal = """
  laser_terminal {
    count       = 4
    power       = 10 W
    aperture    = 8 cm
    wavelength  = 1550 nm
    rate        = 10 Gbps
    sensitivity = -38 dBm
  }""" if grid else ""
        policy = """
link_policy "grid" {
  topology   = plus_grid
  min_margin = 3 dB
}""" if grid else ""
        shells = "".join(f"""
shell "{label}" {{
  altitude    = {550 + 10 * k} km
  inclination = 53 deg
  walker_delta {{
    planes    = {planes}
    per_plane = {per_plane}
    phasing   = 1
  }}
  hardware = "bus"
{isl}}}
""" for k, label in enumerate(labels))
        return compile_text(f"""
constellation "test" {{
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 1 yr
}}
hardware "bus" {{
  mass = 100 kg{terminal}
}}
{policy}
{shells}
{extra}
schedule {{
  horizon      = 2 h
  min_pass     = 60 s
  handover_gap = 10 s
  policy       = max_contact_time
}}
""")

    return run


GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = "ORBC_REGEN_GOLDENS"


@pytest.fixture(scope="session")
def golden():
    """`golden(relative_path, text)`: compare `text` with tests/targets/golden/<relative_path>;
    with ORBC_REGEN_GOLDENS=1 in the environment, write it instead."""

    def compare(relative: str, text: str) -> None:
        path = GOLDEN / relative
        if os.environ.get(REGENERATE) == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        assert path.exists(), f"no golden {relative}; run with {REGENERATE}=1 to create it"
        assert text == path.read_text(encoding="utf-8"), (
            f"{relative} differs from the golden; if the change is intended, regenerate with "
            f"{REGENERATE}=1 and review the diff")

    return compare


@pytest.fixture(scope="session")
def walker_angles():
    """`walker_angles(shell)`: (Ω, M) in radians per satellite, plane-major, from the Walker
    definition i:T/P/F written out here, independently of `orbc.physics.orbits`:
    Ω_p = Ω₀ + spread·p/P (spread 2π delta, π star), M = 2π·s/S + 2π·F·p/T."""
    import math

    import numpy as np

    def angles(shell):
        plane = np.repeat(np.arange(shell.planes), shell.per_plane)
        slot = np.tile(np.arange(shell.per_plane), shell.planes)
        spread = 2 * math.pi if shell.pattern == "walker_delta" else math.pi
        raan = (shell.raan0_rad + spread * plane / shell.planes) % (2 * math.pi)
        anomaly = (2 * math.pi * slot / shell.per_plane
                   + 2 * math.pi * shell.phasing * plane / shell.satellites) % (2 * math.pi)
        return raan, anomaly

    return angles


@pytest.fixture(scope="session")
def sgp4_mean_radius_km():
    """`sgp4_mean_radius_km(satrec)`: |r| from SGP4 averaged over one orbit (2000 samples
    over the period of the Kozai mean motion), km."""
    import math

    import numpy as np

    def mean_radius(satrec, samples: int = 2000) -> float:
        minutes = np.linspace(0.0, 2 * math.pi / satrec.no_kozai, samples, endpoint=False)
        error, position, _ = satrec.sgp4_array(np.full(samples, satrec.jdsatepoch),
                                               satrec.jdsatepochF + minutes / 1440.0)
        assert not error.any()
        return float(np.linalg.norm(position, axis=1).mean())

    return mean_radius


@pytest.fixture(scope="session")
def sgp4_reference():
    """`sgp4_reference(model)`: name -> skyfield `EarthSatellite` of every satellite, built
    by the `sgp4` package (C++ Satrec) from orbc's own OMM XML output; `.at(t)` of such a
    satellite is SGP4 rotated TEME → GCRS by skyfield."""
    import io

    from sgp4 import omm as sgp4_omm
    from sgp4.api import Satrec
    from skyfield.api import EarthSatellite, load

    from orbc.targets import omm

    timescale = load.timescale()

    def satellites(model) -> dict:
        content = b"".join(chunk for _, chunks in omm.OmmXml().emit(model) for chunk in chunks)
        found = {}
        for fields in sgp4_omm.parse_xml(io.BytesIO(content)):
            satrec = Satrec()
            sgp4_omm.initialize(satrec, fields)
            found[fields["OBJECT_NAME"]] = EarthSatellite.from_satrec(satrec, timescale)
        return found

    return satellites


@pytest.fixture(scope="session")
def skyfield_times():
    """`skyfield_times(epoch, seconds)`: skyfield UTC times `seconds` after a datetime64 epoch."""
    import numpy as np
    from skyfield.api import load

    timescale = load.timescale()

    def times(epoch, seconds):
        moment = epoch.astype("datetime64[ms]").astype(object)
        return timescale.utc(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                             moment.second + moment.microsecond / 1e6 + np.asarray(seconds))

    return times

"""Fixtures for the contact tests: models, an offline skyfield timescale, and the OMM that
orbc emits read back into SGP4 satellites."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from orbc.targets.omm import OmmXml

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def timescale():
    """skyfield's builtin timescale from the files skyfield-data ships (never downloads)."""
    from skyfield.api import Loader
    from skyfield_data import get_skyfield_data_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return Loader(get_skyfield_data_path(), verbose=False).timescale(builtin=True)


@pytest.fixture(scope="session")
def omm_satrecs():
    """`omm_satrecs(model)`: name -> Satrec, from the `omm-xml` artifact orbc writes."""

    def read(model) -> dict[str, Satrec]:
        content = b"".join(b"".join(chunks) for _, chunks in OmmXml().emit(model))
        satellites = {}
        for fields in sgp4_omm.parse_xml(io.BytesIO(content)):
            satrec = Satrec()
            sgp4_omm.initialize(satrec, fields)
            satellites[fields["OBJECT_NAME"]] = satrec
        return satellites

    return read


def skyfield_time(timescale, model, seconds):
    """Seconds after the model's epoch as a skyfield Time (UTC)."""
    epoch = model.constellation.epoch.astype("datetime64[ms]").astype(dt.datetime)
    start = timescale.from_datetime(epoch.replace(tzinfo=dt.UTC))
    return timescale.tt_jd(start.tt + np.asarray(seconds, dtype=float) / 86400.0)


def spec_text(shells: str, stations: str, horizon: str = "24 h", policy="max_contact_time",
              min_pass="60 s", gap="10 s") -> str:
    """A small clean spec around the given shell and ground-station blocks. Shells fly
    hardware "bus", which carries a radio, or "bare" (none), declared when a shell uses it."""
    bare = 'hardware "bare" {\n  mass = 100 kg\n}\n' if '"bare"' in shells else ""
    return f"""
constellation "test" {{
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 1 yr
}}
hardware "bus" {{
  mass = 100 kg
  radio "ka" {{
    power        = 20 W
    antenna_gain = 36 dBi
    frequency    = 19 GHz
    bandwidth    = 500 MHz
  }}
}}
{bare}{shells}
{stations}
schedule {{
  horizon      = {horizon}
  min_pass     = {min_pass}
  handover_gap = {gap}
  policy       = {policy}
}}
"""


def shell_block(label, altitude_km, inclination, planes, per_plane, phasing=1,
                hardware="bus"):
    return f"""
shell "{label}" {{
  altitude    = {altitude_km} km
  inclination = {inclination}
  walker_delta {{
    planes    = {planes}
    per_plane = {per_plane}
    phasing   = {phasing}
  }}
  hardware = "{hardware}"
}}
"""


def station_block(label, latitude_deg, longitude_deg, min_elevation_deg=10, antennas=2):
    return f"""
ground_station "{label}" {{
  location      = ({latitude_deg} deg, {longitude_deg} deg, 0 m)
  min_elevation = {min_elevation_deg} deg
  antennas      = {antennas}
}}
"""


@pytest.fixture(scope="session")
def specs():
    """Spec builders: `specs.text(shells, stations, ...)`, `specs.shell(...)`,
    `specs.station(...)`, and `specs.time(timescale, model, seconds)`."""
    return SimpleNamespace(text=spec_text, shell=shell_block, station=station_block,
                           time=skyfield_time)


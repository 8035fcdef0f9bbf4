"""Loads along predecessor trees, and radio rates from DVB-S2 spectral efficiencies."""

from __future__ import annotations

import numpy as np
import pytest

from orbc.compiler.model import Radio
from orbc.network.capacity import radio_rate_bps, tree_loads


def test_loads_add_up_the_subtrees():
    # Two stations (up nodes 6 and 7 for 6 satellites). Trees: 2 → 1 → 0 → station 0,
    # 4 → 3 → station 1, 5 unreached (−9999).
    predecessors = np.array([6, 0, 1, 7, 3, -9999])
    loads = tree_loads(predecessors, 6, 2, np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0]))
    assert loads.satellite_bps.tolist() == [7.0, 6.0, 4.0, 24.0, 16.0, 0.0]
    assert loads.station_bps.tolist() == [7.0, 24.0]
    assert loads.parent.tolist() == [-1, 0, 1, -1, 3, -2]
    assert loads.station.tolist() == [0, -1, -1, 1, -1, -1]


def test_a_long_chain_is_summed_to_its_root():
    size = 1000  # satellite k's next hop is k − 1; satellite 0 goes to the station
    predecessors = np.r_[size, np.arange(size - 1)]
    loads = tree_loads(predecessors, size, 1, np.ones(size))
    assert loads.station_bps.tolist() == [size]
    assert loads.satellite_bps.tolist() == list(range(size, 0, -1))


@pytest.mark.parametrize(("esn0_db", "bandwidth_hz", "rate_bps"), [
    # ETSI EN 302 307-1 V1.4.1 Table 13 (normal frames, no pilots)
    (1.00, 500e6, 500e6 * 0.988858),  # QPSK 1/2
    (16.05, 1e9, 1e9 * 4.453027),  # 32APSK 9/10
    (5.0, 100e6, 100e6 * 1.587196),  # between thresholds: QPSK 4/5 (4.68 dB) is the best
    (-5.0, 100e6, 100e6 * 0.490243),  # below QPSK 1/4: rated at QPSK 1/4
])
def test_radio_rate_from_dvb_s2(esn0_db, bandwidth_hz, rate_bps):
    radio = Radio("r", 20.0, 36.0, 19e9, bandwidth_hz, 2.0, esn0_db, mass_kg=5.0)
    assert radio_rate_bps(radio) == pytest.approx(rate_bps)


def test_a_declared_rate_wins():
    assert radio_rate_bps(Radio("r", 20.0, 36.0, 19e9, 5e8, 2.0, 1.0, rate_bps=3e9, mass_kg=5.0)) == 3e9

"""Low-precision sun against skyfield + JPL DE421."""

import datetime as dt

import numpy as np
import pytest

from orbc.physics.sun import days_since_j2000, raan_from_ltan_rad, sun_ra_dec_rad

DATES = np.array(
    [
        "1990-07-04T00:00", "2000-01-01T12:00", "2010-03-20T17:30", "2024-06-21T00:00",
        "2026-01-01T00:00", "2026-09-23T06:30", "2037-12-22T18:00", "2049-12-01T00:00",
    ],
    dtype="datetime64[s]",
)


def _unit(ra, dec):
    return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)


def test_sun_matches_de421(timescale, ephemeris):
    # Skyfield, apparent place of date from DE421; the Astronomical Almanac
    # quotes 0.01° for its low-precision formula over 1950–2050.
    times = timescale.from_datetimes(
        [d.astype(dt.datetime).replace(tzinfo=dt.UTC) for d in DATES]
    )
    ra, dec, _ = ephemeris["earth"].at(times).observe(ephemeris["sun"]).apparent().radec("date")
    ours_ra, ours_dec = sun_ra_dec_rad(DATES)
    separation = np.arccos(
        np.clip(np.sum(_unit(ours_ra, ours_dec) * _unit(ra.radians, dec.radians), axis=-1), -1, 1)
    )
    assert np.degrees(separation).max() < 0.02
    assert np.degrees(np.abs(ours_dec - dec.radians)).max() < 0.02


def test_days_and_datetimes_agree():
    days = days_since_j2000(DATES)
    assert days[1] == 0.0
    np.testing.assert_allclose(days_since_j2000(days), days)
    np.testing.assert_allclose(sun_ra_dec_rad(days), sun_ra_dec_rad(DATES))
    assert sun_ra_dec_rad(days.reshape(2, 4))[0].shape == (2, 4)


def test_equinox_and_solstice():
    # 2026 March equinox 14:46 UTC, June solstice 2026-06-21 08:24 UTC (USNO).
    ra, dec = sun_ra_dec_rad(np.array(["2026-03-20T14:46", "2026-06-21T08:24"], "datetime64[s]"))
    assert np.degrees(dec[0]) == pytest.approx(0.0, abs=0.02)
    assert np.degrees(dec[1]) == pytest.approx(23.436, abs=0.02)
    assert np.degrees(ra[1]) == pytest.approx(90.0, abs=0.02)


def test_noon_ltan_is_the_mean_sun():
    # At LTAN 12:00 the node is at the mean sun; the apparent sun is ahead of
    # it by the equation of time, +16 min 26 s on 2026-11-03 (Meeus, ch. 28;
    # USNO/AA tables), i.e. 4.11°.
    epoch = np.datetime64("2026-11-03T12:00")
    ra, _ = sun_ra_dec_rad(epoch)
    offset = np.degrees(raan_from_ltan_rad(12 * 3600, epoch) - ra)
    assert offset == pytest.approx((16 + 26 / 60) / 4, abs=0.05)
    # Dawn-dusk (18:00) is a quarter turn east of noon.
    dusk = raan_from_ltan_rad(np.array([12, 18]) * 3600.0, epoch)
    assert np.degrees(dusk[1] - dusk[0]) == pytest.approx(90.0)

"""The mission-average share of time an orbit plane spends in sunlight.

The companion of `orbc.physics.eclipse` (the worst eclipse): the same
cylindrical shadow, the same low-precision sun and the same J2 node drift, but
averaged over the whole mission instead of minimised. Within one orbit β is
taken as constant (it moves by < 1° per orbit), so the orbit-average sunlit
share is 1 − eclipse_fraction(β, a), and the mission average is its mean over
time, sampled at the midpoints of equal steps (the midpoint rule).
"""

import numpy as np

from orbc.constants import SECONDS_PER_DAY
from orbc.physics.eclipse import beta_angle_rad, eclipse_fraction
from orbc.physics.orbits import nodal_precession_rate_rad_s
from orbc.physics.sun import days_since_j2000, sun_ra_dec_rad

# β of a 53° shell turns through a full cycle in ≈60 days; a half-day step follows it
# to well under 0.1 % of the average (the integrand's only kink is at β = β*).
DEFAULT_STEP_S = 0.5 * SECONDS_PER_DAY
MIN_SAMPLES = 64  # a short mission still gets a fair sample of the orbit-plane geometry


def mean_sunlit_fraction(
    raan0_rad,
    inclination_rad,
    semi_major_axis_m,
    epoch,
    mission_life_s,
    step_s=DEFAULT_STEP_S,
    chunk_elements=1 << 20,
):
    """Mean sunlit share of time per plane over ``[epoch, epoch + mission_life_s]``.

    ``raan0_rad``: each plane's node at epoch, shape (planes,); ``inclination_rad``
    and ``semi_major_axis_m``: scalars or (planes,); ``epoch``: datetime64 (UTC)
    or days since J2000. Returns shape (planes,), in (0.5, 1]. Evaluated on a
    (time × planes) grid in chunks of about ``chunk_elements`` values.
    """
    raan0 = np.atleast_1d(np.asarray(raan0_rad, dtype=float))
    planes = raan0.shape[0]
    inclination = np.broadcast_to(np.asarray(inclination_rad, dtype=float), (planes,))
    a = np.broadcast_to(np.asarray(semi_major_axis_m, dtype=float), (planes,))
    node_rate = nodal_precession_rate_rad_s(a, inclination)
    day0 = float(days_since_j2000(epoch))
    samples = max(MIN_SAMPLES, int(np.ceil(mission_life_s / step_s)))
    times = (np.arange(samples) + 0.5) * (float(mission_life_s) / samples)
    rows = max(1, chunk_elements // planes)
    eclipsed = np.zeros(planes)
    for start in range(0, samples, rows):
        t = times[start:start + rows, None]
        ra, dec = sun_ra_dec_rad(day0 + t / SECONDS_PER_DAY)
        beta = beta_angle_rad(inclination, raan0 + node_rate * t, ra, dec)
        eclipsed += eclipse_fraction(beta, a).sum(axis=0)
    return 1.0 - eclipsed / samples

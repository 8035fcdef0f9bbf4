"""Physical constants and model defaults, SI, each with its source.

The unit is in the name where it is not obvious (``_M``, ``_M3_S2``, ``_W_M2``);
plain names (``SPEED_OF_LIGHT``, ``PLANCK``, ``STEFAN_BOLTZMANN``) are the
CODATA constants in SI.
"""

import math

# --- Earth: the WGS-84 model (NIMA TR8350.2, 3rd ed., Table 3.1/3.4) ------------
# GM including the atmosphere, WGS-84 / EGM-96 value.
MU_EARTH_M3_S2 = 3.986004418e14
# Equatorial radius. Altitudes declared in .orb files are above this sphere.
EARTH_RADIUS_M = 6378137.0
# Second zonal harmonic, unnormalised; WGS-84 value as tabulated by
# Pisacane, "Fundamentals of Space Systems", 2nd ed. (2008).
J2 = 1.08262668e-3

# --- Earth: the WGS-72 model, which SGP4 is defined with -----------------------
# Vallado, Crawford, Hujsak & Kelso, "Revisiting Spacetrack Report #3",
# AIAA 2006-6753, Appendix (the `wgs72` constants of the sgp4 package).
EARTH_RADIUS_WGS72_M = 6378135.0
MU_EARTH_WGS72_M3_S2 = 3.986008e14
J2_WGS72 = 1.082616e-3

# --- Time ------------------------------------------------------------------
# SI day and Julian year (IAU 1976 / IERS Conventions 2010, ch. 1).
SECONDS_PER_DAY = 86400.0
SECONDS_PER_JULIAN_YEAR = 365.25 * SECONDS_PER_DAY
# Mean tropical year, 365.24219 d (Explanatory Supplement to the Astronomical
# Almanac, 3rd ed.), rounded as physics.md rounds it.
TROPICAL_YEAR_DAYS = 365.2422
# A sun-synchronous node must turn once per tropical year (derived: 2π / year),
# 1.99106e-7 rad/s.
SUN_SYNC_NODE_RATE_RAD_S = 2.0 * math.pi / (TROPICAL_YEAR_DAYS * SECONDS_PER_DAY)

# --- Sun and Earth radiation environment -----------------------------------
# Nominal total solar irradiance at 1 au, IAU 2015 Resolution B3.
SOLAR_CONSTANT_W_M2 = 1361.0
# Mean outgoing long-wave radiation and Bond albedo, NASA/TM-2001-211221
# (Anderson, Justus & Batts, "Guidelines for the Selection of Near-Earth
# Thermal Environment Parameters"); design ranges 216–258 W/m² and 0.25–0.35.
EARTH_IR_W_M2 = 237.0
EARTH_ALBEDO = 0.30

# --- CODATA 2018 exact / recommended values --------------------------------
SPEED_OF_LIGHT = 299792458.0  # m/s, exact
PLANCK = 6.62607015e-34  # J s, exact
BOLTZMANN = 1.380649e-23  # J/K, exact
STEFAN_BOLTZMANN = 5.670374419e-8  # W m^-2 K^-4
# 10·log10(BOLTZMANN) = -228.599 dBW/K/Hz; link budgets (and physics.md) use
# the rounded -228.6 (Sklar, "Digital Communications", 2nd ed., §5.4).
BOLTZMANN_DBW_PER_K_HZ = -228.6

# --- Power-system sizing (Wertz & Larson, SMAD 3rd ed., §11.4) -------------
# Path efficiencies (X_e, X_d) from the array to the loads in eclipse (via the
# battery) and in daylight, SMAD Eq. 11-5 and the text after it.
PATH_EFFICIENCY_PEAK_POWER_TRACKING = (0.60, 0.80)
PATH_EFFICIENCY_DIRECT_ENERGY_TRANSFER = (0.65, 0.85)
# Transmission efficiency between battery and load, SMAD Eq. 11-6 (n ≈ 0.9).
BATTERY_DISCHARGE_EFFICIENCY = 0.9

# --- Earth shape and rotation for ground stations (NIMA TR8350.2, Table 3.1) --
# WGS-84 flattening 1/f = 298.257223563 (geodetic station coordinates), and the
# nominal mean angular velocity of the Earth, 7.292115e-5 rad/s.
EARTH_FLATTENING = 1.0 / 298.257223563
EARTH_ROTATION_RATE_RAD_S = 7.292115e-5

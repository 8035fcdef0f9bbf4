"""Link budgets: optical inter-satellite links (linear SI) and RF links (dB).

Optical functions take and return linear ratios and watts; RF functions work
in decibels, as RF budgets are written, and say so with ``_db`` / ``_dbw``.
"""

import numpy as np

from orbc.constants import BOLTZMANN_DBW_PER_K_HZ, EARTH_RADIUS_M, PLANCK, SPEED_OF_LIGHT

# Angular radius of the first null of a uniformly lit circular aperture's
# far-field (Airy) pattern, in units of λ/D (Born & Wolf, §8.5.2).
AIRY_FIRST_NULL_LAMBDA_OVER_D = 1.22


def ratio_to_db(ratio):
    """10·log10 of a power ratio. Broadcasts."""
    return 10.0 * np.log10(ratio)


def db_to_ratio(value_db):
    """Power ratio from decibels, 10^(dB/10). Broadcasts."""
    return 10.0 ** (np.asarray(value_db, dtype=float) / 10.0)


# --- optical --------------------------------------------------------------

def optical_antenna_gain(aperture_diameter_m, wavelength_m, aperture_efficiency=1.0):
    """Gain η·(πD/λ)² of a circular aperture, linear ratio. Broadcasts."""
    return aperture_efficiency * (np.pi * aperture_diameter_m / wavelength_m) ** 2


def beam_divergence_rad(aperture_diameter_m, wavelength_m):
    """Beam half-angle θ_div ≈ 1.22·λ/D (Airy first null), radians. Broadcasts.

    For a 10 cm aperture at 1.55 µm this is 18.9 µrad (Suncatcher §4.2).
    """
    return AIRY_FIRST_NULL_LAMBDA_OVER_D * wavelength_m / aperture_diameter_m


def confocal_range_m(aperture_diameter_m, wavelength_m):
    """Confocal (Rayleigh) range π·a²/λ of a beam with waist radius a = D/2, metres.

    Inside it the beam has not yet spread beyond the aperture, so the
    far-field formula no longer applies. Broadcasts.
    """
    return np.pi * (0.5 * np.asarray(aperture_diameter_m, dtype=float)) ** 2 / wavelength_m


def optical_received_power_w(
    transmit_power_w, transmit_gain, receive_gain, wavelength_m, distance_m,
    transmit_aperture_m, loss=1.0,
):
    """Received optical power P_T·G_T·G_R·(λ/4πd)²·L, watts.

    Gains and ``loss`` (all other losses, ≤ 1) are linear. Below the
    transmitter's confocal range the far-field law would overestimate, so the
    distance is floored there: received power stops growing as d shrinks.
    Broadcasts.
    """
    distance = np.maximum(distance_m, confocal_range_m(transmit_aperture_m, wavelength_m))
    spreading = (wavelength_m / (4.0 * np.pi * distance)) ** 2
    return transmit_power_w * transmit_gain * receive_gain * spreading * loss


def pointing_loss(pointing_error_rad, divergence_rad):
    """Gaussian-beam pointing loss exp(−2·(θ_err/θ_div)²), linear ratio ≤ 1. Broadcasts."""
    return np.exp(-2.0 * (np.asarray(pointing_error_rad, dtype=float) / divergence_rad) ** 2)


def pointing_loss_db(pointing_error_rad, divergence_rad):
    """The Gaussian-beam pointing loss in dB, −20·log10(e)·(θ_err/θ_div)² (≤ 0). Broadcasts.

    The same loss as `pointing_loss`, computed in dB so that a beam that misses
    by many widths gives a large finite loss rather than a linear 0.
    """
    ratio = np.asarray(pointing_error_rad, dtype=float) / divergence_rad
    return -20.0 * np.log10(np.e) * ratio**2


def optical_received_power_dbw(
    transmit_power_w, transmit_gain, receive_gain, wavelength_m, distance_m,
    transmit_aperture_m, loss_db=0.0,
):
    """`optical_received_power_w` in dBW, with all other losses in dB (≥ 0). Broadcasts.

    Summed in dB, so that it stays finite however weak the link: a linear
    product of a tiny power, gain and loss would underflow to 0.
    """
    distance = np.maximum(distance_m, confocal_range_m(transmit_aperture_m, wavelength_m))
    spreading_db = 20.0 * np.log10(wavelength_m / (4.0 * np.pi * distance))
    return (ratio_to_db(transmit_power_w) + ratio_to_db(transmit_gain)
            + ratio_to_db(receive_gain) + spreading_db - loss_db)


def photons_per_bit(received_power_w, data_rate_bps, wavelength_m):
    """Received photons per bit P_R / (R_b·h·c/λ). Broadcasts."""
    photon_energy_j = PLANCK * SPEED_OF_LIGHT / np.asarray(wavelength_m, dtype=float)
    return received_power_w / (data_rate_bps * photon_energy_j)


def optical_link_margin_db(
    received_power_w, data_rate_bps, wavelength_m, required_photons_per_bit,
):
    """Margin of a received power over the receiver's photons-per-bit need, dB.

    Typical needs: ≈71 (OOK), ≈196 (PM-16QAM), 1.39 (shot-noise limit).
    Broadcasts.
    """
    return ratio_to_db(
        photons_per_bit(received_power_w, data_rate_bps, wavelength_m) / required_photons_per_bit
    )


# --- RF -------------------------------------------------------------------

def free_space_path_loss_db(distance_m, frequency_hz):
    """Free-space path loss 20·log10(4π·d·f/c), dB.

    Equal to 92.45 + 20 log d[km] + 20 log f[GHz] to within 0.01 dB. Broadcasts.
    """
    return 20.0 * np.log10(4.0 * np.pi * np.asarray(distance_m, dtype=float) * frequency_hz
                           / SPEED_OF_LIGHT)


def eirp_dbw(transmit_power_w, transmit_gain_db, line_loss_db=0.0):
    """Effective isotropic radiated power P_T + G_T − L_line, dBW. Broadcasts."""
    return ratio_to_db(transmit_power_w) + transmit_gain_db - line_loss_db


def carrier_to_noise_density_db_hz(
    eirp_dbw, path_loss_db, g_over_t_db_k, atmospheric_loss_db=0.0,
):
    """C/N₀ = EIRP − FSPL − L_atm + G/T − k, dB-Hz, with k = −228.6 dBW/K/Hz. Broadcasts."""
    return eirp_dbw - path_loss_db - atmospheric_loss_db + g_over_t_db_k - BOLTZMANN_DBW_PER_K_HZ


def eb_over_n0_db(c_over_n0_db_hz, data_rate_bps):
    """Energy per bit over noise density C/N₀ − 10·log10(R_b), dB. Broadcasts."""
    return c_over_n0_db_hz - ratio_to_db(data_rate_bps)


def carrier_to_noise_db(c_over_n0_db_hz, bandwidth_hz):
    """Carrier-to-noise ratio in a noise bandwidth, C/N₀ − 10·log10(B), dB. Broadcasts."""
    return c_over_n0_db_hz - ratio_to_db(bandwidth_hz)


def slant_range_m(altitude_m, elevation_rad):
    """Ground-station-to-satellite range at an elevation angle, metres.

    d = √((R⊕+h)² − R⊕²·cos²ε) − R⊕·sin ε on a spherical Earth. Broadcasts.
    """
    radius = EARTH_RADIUS_M + np.asarray(altitude_m, dtype=float)
    return (np.sqrt(radius**2 - (EARTH_RADIUS_M * np.cos(elevation_rad)) ** 2)
            - EARTH_RADIUS_M * np.sin(elevation_rad))

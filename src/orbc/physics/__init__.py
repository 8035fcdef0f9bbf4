"""Pure, vectorised physics: numpy arrays in SI, numpy arrays in SI out.

One module per job: ``orbits`` (Kepler, J2, sun-synchronous, Walker, SGP4
mean motion), ``sun`` (low-precision solar ephemeris), ``eclipse`` (beta
angle and cylindrical shadow), ``power``, ``thermal``, ``links`` (optical and
RF budgets) and ``geometry`` (inter-satellite ranges and line of sight).
Every function broadcasts its arguments; nothing here knows about source
spans or the DSL.
"""

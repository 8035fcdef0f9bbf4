"""orbc: a compiler for satellite constellations (constellation-as-code)."""

__version__ = "0.1.0"

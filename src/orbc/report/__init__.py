"""What orbc shows people: the text tables of `orbc check` (`table`) and the self-contained
HTML report of `orbc report` (`page`, which alone needs matplotlib and loads it lazily)."""

from orbc.report.table import render_figures, si

__all__ = ["render_figures", "si"]

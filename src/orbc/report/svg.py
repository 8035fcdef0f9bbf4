"""matplotlib set up for the report, and a figure as an SVG fragment to inline in HTML.

Deterministic: a fixed hash salt per figure (the ids of clip paths and markers, distinct
between the figures of one page), no date or creator in the metadata, text kept as text
(`svg.fonttype = none`, styled by the page's fonts), the Agg backend (no display).
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Inter", "Helvetica Neue", "Arial", "DejaVu Sans"],
    "font.size": 9.0,
    "axes.edgecolor": "#9aa3ad",
    "axes.labelcolor": "#2b3440",
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e3e7ec",
    "grid.linewidth": 0.6,
    "xtick.color": "#5b6675",
    "ytick.color": "#5b6675",
    "legend.frameon": False,
    "figure.facecolor": "white",
}
# Colours that stay apart for the colour-blind (Okabe & Ito, 2008), one per shell in turn.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
GOOD, THIN, BAD = "#2e9e6b", "#e3a21a", "#d1473a"

_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SIZE = re.compile(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"')


def new_figure(width_in: float, height_in: float) -> Figure:
    """A blank figure in the report's style (apply `STYLE` around drawing with `styled`)."""
    return Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")


def styled():
    """The report's rc settings, for `with styled(): ...` while a figure is drawn and saved."""
    return matplotlib.rc_context(STYLE)


def svg_fragment(figure: Figure, salt: str) -> str:
    """The figure as an inline `<svg>` element: no XML prolog, no metadata, no fixed size
    (the page's CSS sizes it; the viewBox keeps its proportions)."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": salt}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _PREAMBLE.sub("", buffer.getvalue(), count=1))
    return _SIZE.sub(r"\1", text, count=1).strip()


def shell_colours(names) -> dict[str, str]:
    """One colour per name, in the order given: the colour-blind-safe palette, or for more
    names than it has, matplotlib's 20-colour `tab20` (repeating past 20)."""
    names = list(names)
    if len(names) <= len(PALETTE):
        return dict(zip(names, PALETTE))
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    ramp = colormaps["tab20"]
    return {name: to_hex(ramp(i % 20)) for i, name in enumerate(names)}

"""Shell and plus-grid generation: orbc against Hypatia's satgenpy, side by side in one run.

    pip install --no-deps satgenpy   # its generators need only sgp4
    python bench/vs_satgenpy.py [--planes 72 --per-plane 22] [--repeat 5]

Both write the same satgenpy input files for one Starlink-like shell: `tles.txt`
(from the mean elements) and `isls.txt` (the plus grid). satgenpy builds each TLE
through sgp4's exporter, one satellite at a time; orbc formats columns. The two
generator modules are loaded from the installed satgenpy by file path, so its
package `__init__` (which imports astropy, cartopy and more) is not needed.
Prints the medians and the speed ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

from orbc.compiler.pipeline import compile_spec
from orbc.engine import Engine
from orbc.targets import build_targets

SPEC = """constellation "bench" {{
  epoch = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}}
hardware "bus" {{
  laser_terminal {{
    count = 4; power = 2 W; aperture = 8 cm; wavelength = 1550 nm
    rate = 100 Gbps; sensitivity = -38 dBm
  }}
}}
link_policy "grid" {{
  topology = plus_grid
}}
shell "shell1" {{
  altitude = 550 km
  inclination = 53 deg
  walker_delta {{ planes = {planes}; per_plane = {per_plane}; phasing = 1 }}
  hardware = "bus"
  isl = "grid"
}}
"""


def satgen_module(relative: str):
    """A module of the installed satgenpy, loaded by path without the package __init__."""
    found = importlib.util.find_spec("satgen")
    if found is None:
        raise SystemExit("satgenpy is not installed: pip install --no-deps satgenpy")
    path = Path(next(iter(found.submodule_search_locations))) / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planes", type=int, default=72)
    parser.add_argument("--per-plane", type=int, default=22)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tles = satgen_module("tles/generate_tles_from_scratch.py")
    isls = satgen_module("isls/generate_plus_grid_isls.py")
    work = Path(tempfile.mkdtemp(prefix="orbc-vs-satgen-"))
    spec = work / "shell.orb"
    spec.write_text(SPEC.format(planes=args.planes, per_plane=args.per_plane))
    model = compile_spec(spec, feasibility=False).model
    mean_motion = 15.05  # rev/day, Starlink shell 1; satgenpy takes it as given

    def run_satgen():
        tles.generate_tles_from_scratch_with_sgp(
            str(work / "satgen_tles.txt"), "Starlink-550", args.planes, args.per_plane, True,
            53.0, 0.0000001, 0.0, mean_motion)
        isls.generate_plus_grid_isls(str(work / "satgen_isls.txt"), args.planes,
                                     args.per_plane, isl_shift=0)

    def run_orbc():
        compiled = compile_spec(spec, feasibility=False).model  # parse, elaborate, expand
        build_targets(compiled, str(work / "orbc"), ["hypatia"], Engine(quiet=True))

    timings = {"satgenpy": [], "orbc": []}
    for _ in range(args.repeat):  # interleaved, so both see the same machine state
        for name, job in (("satgenpy", run_satgen), ("orbc", run_orbc)):
            start = time.perf_counter()
            job()
            timings[name].append(time.perf_counter() - start)
    satgen, orbc = (statistics.median(timings[k]) for k in ("satgenpy", "orbc"))
    satellites = args.planes * args.per_plane
    print(f"{satellites:,}-satellite shell ({args.planes}×{args.per_plane}) with plus-grid ISLs, "
          f"median of {args.repeat}: satgenpy {satgen * 1e3:.0f} ms, orbc {orbc * 1e3:.0f} ms "
          f"(spec to files), ratio {satgen / orbc:.1f}×")
    assert model.shells["shell1"].satellites == satellites


if __name__ == "__main__":
    main()

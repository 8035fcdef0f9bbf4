"""Latency to ground for the 1,000,000-satellite example: wall time and peak memory.

    python bench/latency_1m.py [examples/orbital-datacentre/main.orb] [STEP_S]

Runs the whole network of the spec over its `network` horizon (by default one orbit of
the lowest shell) at STEP_S-second steps (default 60, whatever the spec's step) — SGP4 positions, links (meshes, relay links
into the external Starlink with fan-in, ground links), one multi-source
Dijkstra per snapshot — and prints the time, the peak resident memory of this
process and its workers, and each shell's `latency_to_ground_ms` figures.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import attrs

from orbc.compiler.checks.network import latency_figures
from orbc.compiler.pipeline import compile_spec
from orbc.network.run import network_run

ROOT = Path(__file__).parents[1]


def main() -> None:
    spec = sys.argv[1] if len(sys.argv) > 1 else ROOT / "examples/orbital-datacentre/main.orb"
    start = time.perf_counter()
    step_s = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    model = compile_spec(spec, feasibility=False).model
    model = attrs.evolve(model, network=attrs.evolve(model.network, step_s=step_s))
    compiled = time.perf_counter()
    run = network_run(model)
    done = time.perf_counter()
    peak = max(resource.getrusage(who).ru_maxrss for who in
               (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 2**20
    print(f"{model.satellites:,} satellites ({run.nodes.satellites:,} nodes with externals), "
          f"{len(run.times_s)} snapshots: compile {compiled - start:.1f} s, network "
          f"{done - compiled:.1f} s, peak RSS {peak:.2f} GiB")
    for name, latency in sorted(run.latency_s.items()):
        figures = latency_figures(latency)
        print(f"  {name:10} p50 {figures['p50']:6.2f} ms  p99 {figures['p99']:6.2f} ms  max "
              f"{figures['max']:6.2f} ms  unreachable {figures['unreachable_fraction']:.2%}")


if __name__ == "__main__":
    main()

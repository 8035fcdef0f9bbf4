"""The Dask engine shards build work by shell and plane and writes the same bytes as the local one."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from orbc.compiler.pipeline import compile_spec
from orbc.engine import Engine
from orbc.targets import build_targets
from orbc.targets.elements import shell_elements, slice_elements, slices

SHARDED = ["flight-csv", "flight-parquet", "isl-csv", "omm-kvn", "omm-xml", "tle"]
SAMPLE = Path(__file__).parents[1] / "examples" / "conformance.orb"


@pytest.fixture(scope="module")
def big_model(tmp_path_factory):
    """A shell large enough (90,000 satellites) to be cut into several plane slices."""
    text = SAMPLE.read_text().replace("planes    = 24\n    per_plane = 22",
                                      "planes    = 300\n    per_plane = 300")
    spec = tmp_path_factory.mktemp("big") / "big.orb"
    spec.write_text(text)
    return compile_spec(spec, feasibility=False).model


def test_local_engine_starts_no_thread():
    """The progress bar brings no monitor thread, so contact windows may fork workers."""
    before = threading.active_count()
    assert list(Engine(quiet=False).map(lambda _: threading.active_count(), [0, 1])) == [before] * 2


def test_slices_cover_every_satellite_once_in_catalog_order(big_model):
    pieces = slices(big_model)
    assert len({p.shell for p in pieces}) == 2 and len(pieces) > 2
    joined = {name: [] for name in big_model.shells}
    for piece in pieces:
        joined[piece.shell].append(slice_elements(big_model, piece))
    for whole in shell_elements(big_model):
        parts = joined[whole.shell.name]
        np.testing.assert_array_equal(np.concatenate([p.names for p in parts]), whole.names)
        np.testing.assert_array_equal(np.concatenate([p.catalog_numbers for p in parts]),
                                      whole.catalog_numbers)
        np.testing.assert_array_equal(np.concatenate([p.raan_deg for p in parts]), whole.raan_deg)


@pytest.fixture(scope="module")
def dask_engine():
    pytest.importorskip("dask.distributed")
    from orbc.engine import DaskEngine

    engine = DaskEngine(quiet=True)  # a LocalCluster on 127.0.0.1
    yield engine
    engine.close()


def test_dask_engine_output_is_byte_identical_to_local(big_model, dask_engine, tmp_path):
    local = build_targets(big_model, str(tmp_path / "local"), SHARDED, Engine(quiet=True))
    sharded = build_targets(big_model, str(tmp_path / "dask"), SHARDED, dask_engine)
    assert [(w.path, w.sha256) for w in local] == [(w.path, w.sha256) for w in sharded]
    for written in local:
        assert ((tmp_path / "local" / written.path).read_bytes()
                == (tmp_path / "dask" / written.path).read_bytes())


def test_dask_contact_windows_and_schedule_are_byte_identical(dask_engine, tmp_path):
    # Fresh models: the contact plan is cached per model object.
    names = ["contacts", "schedule", "contacts-parquet", "schedule-parquet"]
    local = build_targets(compile_spec(SAMPLE, feasibility=False).model,
                          str(tmp_path / "local"), names, Engine(quiet=True))
    sharded = build_targets(compile_spec(SAMPLE, feasibility=False).model,
                            str(tmp_path / "dask"), names, dask_engine)
    assert [(w.path, w.sha256) for w in local] == [(w.path, w.sha256) for w in sharded]

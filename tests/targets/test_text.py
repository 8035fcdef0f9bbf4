"""The vectorised text writers under the element-set targets, against Python's own formatting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbc.codes import CODES
from orbc.targets import text

angles = st.floats(min_value=0.0, max_value=360.0, exclude_max=True, allow_nan=False)


def as_text(field: np.ndarray) -> list[str]:
    return [bytes(row[row != text.NUL]).decode() for row in np.atleast_2d(field)]


@given(st.lists(angles, min_size=1, max_size=50))
def test_tle_angles_are_eight_columns_within_half_a_unit(values):
    written = as_text(text.fixed_point(text.angle_units(values, 4), 3, 4, text.SPACE))
    for value, field in zip(values, written, strict=True):
        assert len(field) == 8 and field[3] == "." and field == f"{float(field):8.4f}"
        error = abs((float(field) - value + 180.0) % 360.0 - 180.0)
        assert error <= 0.5e-4 + 1e-9


@given(st.lists(angles, min_size=1, max_size=50))
def test_free_form_angles_match_python_to_the_last_place(values):
    units = text.angle_units(values, 9)
    written = as_text(text.fixed_point(units, 3, 9, text.NUL))
    assert written == [f"{u / 1e9:.9f}" for u in units]
    assert all(0.0 <= float(w) < 360.0 for w in written)


@given(st.lists(st.integers(min_value=0, max_value=10**10 - 1), min_size=1, max_size=50))
def test_digits(values):
    assert as_text(text.digits(values, 10, text.NUL)) == [str(v) for v in values]
    assert as_text(text.digits(values, 10)) == [f"{v:010d}" for v in values]
    assert as_text(text.digits(values, 10, text.SPACE)) == [f"{v:10d}" for v in values]


@pytest.mark.parametrize("values", [[-1], [10**4]])
def test_digits_refuse_what_does_not_fit(values):
    with pytest.raises(ValueError):
        text.digits(values, 4)


@given(st.lists(st.text(alphabet=st.sampled_from("0123456789-+. ABZ"), min_size=60,
                        max_size=60), min_size=1, max_size=20))
def test_tle_checksum_counts_digits_and_minus_signs(lines):
    matrix = np.stack([np.frombuffer(line.encode(), dtype=np.uint8) for line in lines])
    middle = "1 -7.A"  # a constant part, summed once for all rows
    parts = [matrix[:, :30], text.constant(middle), matrix[:, 30:]]
    checksums = text.tle_checksum(parts, len(lines))
    expected = [sum(int(c) if c.isdigit() else c == "-" for c in line[:30] + middle + line[30:])
                % 10 for line in lines]
    assert [int(chr(c)) for c in checksums[:, 0]] == expected


def test_replacement_keeps_lengths_and_other_characters():
    names = np.array(["a\tb-000-001", "ωx-000-002"])
    ascii_only = text.replace_unrepresentable(names, text.printable_ascii)
    assert ascii_only.tolist() == ["a?b-000-001", "?x-000-002"]
    assert text.replace_unrepresentable(names, text.xml_character).tolist() == [
        "a?b-000-001", "ωx-000-002"]
    assert text.unrepresentable("a\tb\tω", text.printable_ascii) == ["\t", "ω"]


def test_text_field_is_utf8():
    field = text.text_field(np.array(["ωx", "ab"]))
    assert as_text(field) == ["ωx", "ab"]


def test_compact_drops_only_padding():
    matrix = np.array([[ord("a"), 0, ord("b")], [0, ord("c"), ord("\n")]], dtype=np.uint8)
    assert text.compact(matrix) == b"abc\n"


@pytest.mark.parametrize("code", ["tle-catalog-overflow", "tle-epoch-out-of-range",
                                  "name-too-long", "name-not-representable"])
def test_codes_are_registered(code):
    assert CODES[code].category == "target" and CODES[code].explanation

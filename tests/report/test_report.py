"""`orbc report`: the figures' numbers are the check's (and the build's schedule), the page
is self-contained and deterministic, and a failing spec still gets its page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from orbc.cli import main

REPO = Path(__file__).resolve().parents[2]
_FIGURE_DATA = re.compile(
    r'<script type="application/json" class="figure-data" data-figure="([^"]+)">(.*?)</script>',
    re.DOTALL)

# The conformance sample's policies (examples/conformance.orb): grid min_margin = 3 dB,
# to-relay min_margin = 3 dB and min_availability = 70 %.
POLICY_MIN_MARGIN_DB = 3.0
RELAY_MIN_AVAILABILITY = 70.0


@pytest.fixture(scope="module")
def page(conformance_report) -> str:
    return conformance_report.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(page) -> dict[str, dict]:
    return {key: json.loads(text) for key, text in _FIGURE_DATA.findall(page)}


@pytest.fixture
def checked(check_json) -> dict:
    code, document = check_json(REPO / "examples" / "conformance.orb")
    assert code == 0
    return document


def test_every_figure_has_its_numbers(page, data):
    assert page.count("<figure ") == len(data) >= 5
    assert {"map", "margins", "gantt", "beta-relay", "beta-compute", "power-relay",
            "power-compute"} <= set(data)


def test_map_and_beta_figures_show_the_checks_numbers(data, checked):
    shells = checked["shells"]
    assert data["map"]["shells"] == {n: {"satellites": f["satellites"],
                                         "drawn": f["satellites"]} for n, f in shells.items()}
    assert data["map"]["stations"] == ["awarua", "redmond"]
    for name, figures in shells.items():
        beta = data[f"beta-{name}"]
        assert beta["eclipse_max_s"] == figures["eclipse_max_s"]
        # The drawn daily samples come within 30 s of the refined worst case, never above it.
        assert figures["eclipse_max_s"] - 30 <= beta["eclipse_max_drawn_s"]
        assert beta["eclipse_max_drawn_s"] <= figures["eclipse_max_s"] + 0.01


def test_power_figures_are_the_checks_power_figures(data, checked):
    for name, figures in checked["shells"].items():
        power = data[f"power-{name}"]
        assert power["power"] == figures["power"]
        assert power["period_s"] == figures["period_s"]
        # The battery's lowest charge is the check's depth of discharge below full.
        assert power["state_of_charge_min"] == pytest.approx(
            1 - figures["power"]["battery_dod_required"], abs=1e-12)


def test_margin_bars_are_the_checks_margins_against_the_specs_thresholds(data, checked):
    shells = checked["shells"]
    margins = data["margins"]
    for name, f in shells.items():
        p, t = f["power"], f["thermal"]
        assert margins["power"][name] == {
            "value": pytest.approx(100 * p["margin_w"] / p["required_array_w"]), "threshold": 0}
        assert margins["thermal"][name] == {
            "value": pytest.approx(100 * t["margin_w"] / t["dissipation_w"]), "threshold": 0}
        station, worst = min(f["downlink"]["stations"].items(), key=lambda s: s[1]["margin_db"])
        assert worst["margin_db"] == f["downlink"]["margin_min_db"]
        assert margins["downlink"][f"{name} → {station}"] == {"value": worst["margin_db"],
                                                               "threshold": 0}
    assert margins["links"] == {
        "relay ISL": {"value": shells["relay"]["isl"]["margin_min_db"],
                      "threshold": POLICY_MIN_MARGIN_DB},
        "compute → relay": {"value": shells["compute"]["relay"]["margin_at_range_limit_db"],
                            "threshold": POLICY_MIN_MARGIN_DB}}
    assert margins["relay"] == {"compute": {
        "value": pytest.approx(100 * shells["compute"]["relay"]["availability_min"]),
        "threshold": pytest.approx(RELAY_MIN_AVAILABILITY)}}


def test_optional_figures_follow_the_checks_keys(data, checked):
    shells = checked["shells"]
    mass = {n: f["mass_kg"] for n, f in shells.items() if "mass_kg" in f}
    assert ("mass" in data) == bool(mass)
    if mass:
        assert data["mass"]["mass_kg"] == mass
        assert data["mass"]["launches"] == {n: f["launches"] for n, f in shells.items()
                                            if f.get("launches") is not None}
    latency = {n: f["latency_to_ground_ms"] for n, f in shells.items()
               if f.get("latency_to_ground_ms", {}).get("p50") is not None}
    assert ("latency" in data) == bool(latency)
    if latency:
        assert data["latency"]["latency_to_ground_ms"] == latency


def test_gantt_is_the_builds_schedule(data, orbc, tmp_path):
    code, _, _ = orbc("build", REPO / "examples" / "conformance.orb", "-o", tmp_path / "out",
                      "--target", "schedule", "--quiet")
    assert code == 0
    built = json.loads((tmp_path / "out" / "contacts" / "schedule.json").read_text())
    gantt = data["gantt"]
    assert gantt["sampled"] is False and gantt["contacts"] == built["contacts"]
    assert gantt["stations"] == {
        name: {k: station[k] for k in ("antennas", "achieved_s", "upper_bound_s")}
        for name, station in built["stations"].items()}


class _References(HTMLParser):
    """Every URL-bearing attribute and every element name of a page."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.urls += [value for name, value in attrs
                      if name in ("src", "href", "xlink:href", "action", "data", "poster")
                      and value is not None]


def test_page_is_self_contained(page):
    references = _References()
    references.feed(page)
    assert references.urls, "the SVGs' internal references were not seen"
    assert all(url.startswith("#") for url in references.urls), sorted(set(references.urls))
    assert not {"link", "img", "iframe", "object", "embed"} & references.tags
    assert "<script src" not in page and "@import" not in page
    assert set(re.findall(r"url\(([^)]*)\)", page)) <= {f"#{i}" for i in re.findall(
        r'id="([^"]+)"', page)}  # clip paths inside the page only


def test_same_spec_gives_the_same_bytes(conformance_report, tmp_path):
    again = tmp_path / "again.html"
    assert main(["report", str(REPO / "examples" / "conformance.orb"), "-o", str(again)]) == 0
    assert again.read_bytes() == conformance_report.read_bytes()


def test_a_failing_spec_gets_its_page_and_exit_1(orbc, tmp_path):
    spec = tmp_path / "bad.orb"
    text = (REPO / "examples" / "conformance.orb").read_text()
    spec.write_text(text.replace("capacity           = 20 kWh", "capacity           = 1 kWh"))
    code, _, err = orbc("report", spec, "-o", tmp_path / "bad.html")
    assert code == 1 and "failed" in err
    page = (tmp_path / "bad.html").read_text()
    assert 'class="verdict failed"' in page and "battery-depth-exceeded" in page
    assert "capacity           = 1 kWh" in page  # the diagnostic's source line


def test_a_spec_that_does_not_parse_gets_its_diagnostics(orbc, tmp_path):
    spec = tmp_path / "broken.orb"
    spec.write_text('constellation "x" {\n  epoch = \n}\n')
    code, _, _ = orbc("report", spec, "-o", tmp_path / "broken.html")
    page = (tmp_path / "broken.html").read_text()
    assert code == 1 and "syntax-error" in page and "<figure" not in page


def test_labels_cannot_escape_the_page(orbc, tmp_path):
    spec = tmp_path / "labels.orb"
    text = (REPO / "examples" / "conformance.orb").read_text()
    spec.write_text(text.replace('"awarua"', '"</script><b>x"'))
    orbc("report", spec, "-o", tmp_path / "labels.html")
    page = (tmp_path / "labels.html").read_text()
    assert "</script><b>" not in page


def test_unwritable_output_is_a_usage_error(orbc, tmp_path):
    (tmp_path / "file").write_text("")
    code, _, err = orbc("report", REPO / "examples" / "conformance.orb",
                        "-o", tmp_path / "file" / "report.html")
    assert code == 2 and "cannot write" in err
    assert not list(Path(tmp_path).glob("**/*.partial"))


def test_matplotlib_loads_only_for_the_report():
    code = ("import sys, orbc.cli; "
            "sys.exit(int(any(m.split('.')[0] == 'matplotlib' for m in sys.modules)))")
    assert subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(
        REPO / "src")}, check=False).returncode == 0


def test_without_matplotlib_the_report_is_a_usage_error(tmp_path):
    # A fresh interpreter in which `import matplotlib` fails, as where it is not installed.
    code = ("import sys; sys.modules['matplotlib'] = None; from orbc.cli import main; "
            f"sys.exit(main(['report', {str(REPO / 'examples' / 'conformance.orb')!r}, "
            f"'-o', {str(tmp_path / 'report.html')!r}]))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO / "src")}, check=False)
    assert run.returncode == 2 and "pip install 'orbc[report]'" in run.stderr
    assert not (tmp_path / "report.html").exists()

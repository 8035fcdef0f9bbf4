"""The conformance report in a real browser: Debian's headless Chromium, driven over the
DevTools protocol. It must load with no console error, no exception, no failed request and
no request leaving the file, and show at least five figures; a full-page screenshot is kept
under the test's temporary folder (its path is printed)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

websocket = pytest.importorskip("websocket")  # websocket-client, in the `test` extra

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--hide-scrollbars"]
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")
TIMEOUT_S = 60.0


class DevTools:
    """A minimal DevTools client: commands in order, events collected while waiting."""

    def __init__(self, url: str):
        self.socket = websocket.create_connection(url, timeout=TIMEOUT_S)
        self.events: list[dict] = []
        self.next_id = 0

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not any(e.get("method") == method for e in self.events):
            assert time.monotonic() < deadline, f"no {method} within {TIMEOUT_S} s"
            self.events.append(json.loads(self.socket.recv()))


@pytest.fixture
def browser(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                                "about:blank"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        endpoint = None
        while endpoint is None:
            line = process.stderr.readline()
            assert line or process.poll() is None, "chromium exited before listening"
            assert time.monotonic() < deadline, "chromium did not start its DevTools server"
            found = _LISTENING.search(line)
            endpoint = found and found.group(1)
        port = endpoint.split(":")[2].split("/")[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                    timeout=TIMEOUT_S) as answer:
            pages = [t for t in json.load(answer) if t["type"] == "page"]
        client = DevTools(pages[0]["webSocketDebuggerUrl"])
        yield client
        client.socket.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def test_report_renders_in_chromium_without_errors(browser, conformance_report, tmp_path):
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable")
    browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=900,
                 deviceScaleFactor=1, mobile=False)
    url = conformance_report.resolve().as_uri()
    browser.send("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired")
    figures = browser.send("Runtime.evaluate", returnByValue=True,
                           expression="document.querySelectorAll('figure svg').length")
    height = browser.send("Runtime.evaluate", returnByValue=True,
                          expression="document.documentElement.scrollHeight")
    browser.send("Emulation.setDeviceMetricsOverride", width=1280,
                 height=int(height["result"]["value"]), deviceScaleFactor=1, mobile=False)
    shot = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    screenshot = tmp_path / "report.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    print(f"screenshot: {screenshot}")

    events = browser.events
    console = [e["params"] for e in events if e.get("method") == "Runtime.consoleAPICalled"
               and e["params"]["type"] in ("error", "assert")]
    thrown = [e["params"] for e in events if e.get("method") == "Runtime.exceptionThrown"]
    logged = [e["params"]["entry"] for e in events if e.get("method") == "Log.entryAdded"
              and e["params"]["entry"]["level"] == "error"]
    failed = [e["params"] for e in events if e.get("method") == "Network.loadingFailed"]
    requested = [e["params"]["request"]["url"] for e in events
                 if e.get("method") == "Network.requestWillBeSent"]
    assert not console and not thrown and not logged, (console, thrown, logged)
    assert not failed, failed
    assert requested == [url], f"the page fetched more than itself: {requested}"
    assert figures["result"]["value"] >= 5
    assert screenshot.stat().st_size > 10_000

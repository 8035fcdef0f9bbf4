"""`orbc lsp` driven over stdio as an editor drives it: a subprocess speaking JSON-RPC with
`Content-Length` framing. initialize, didOpen, publishDiagnostics, didChange, hover,
definition, completion, formatting, shutdown, exit."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("pygls")

SRC = Path(__file__).resolve().parents[2] / "src"

SPEC = '''constellation "demo" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}

hardware "relay-v2" {
  mass = 800 kg
}

shell "relay" {
  altitude    = 550 km
  inclination = 53 deg
  walker_delta { planes = 2; per_plane = 2; phasing = 1 }
  hardware    = "relay-v2"
}
'''


class Client:
    """A minimal LSP client: requests wait for their response; notifications queue up."""

    def __init__(self, cwd: Path):
        env = dict(os.environ, PYTHONPATH=str(SRC))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orbc", "lsp"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.next_id = 0
        self.messages: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict | None) -> object:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
            assert "error" not in message, message
            return message["result"]

    def wait(self, accept, timeout: float = 60.0) -> dict:
        """The next message `accept` takes; others (log messages) are dropped."""
        while True:
            message = self.messages.get(timeout=timeout)
            if accept(message):
                return message

    def diagnostics(self, uri: str) -> list[dict]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri)
        return message["params"]["diagnostics"]


@pytest.fixture
def client(tmp_path):
    client = Client(tmp_path)
    yield client
    if client.process.poll() is None:
        client.process.kill()
    client.process.wait(timeout=10)


def position(text: str, needle: str, offset: int = 0) -> dict:
    """The LSP position (UTF-16) of `needle`'s first character (+ offset) in `text`."""
    at = text.index(needle) + offset
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    return {"line": line, "character": len(text[at - column:at].encode("utf-16-le")) // 2}


def test_a_session(client, tmp_path):
    spec = tmp_path / "spec.orb"
    spec.write_text(SPEC)
    uri = spec.as_uri()
    result = client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(),
                                           "capabilities": {}})
    capabilities = result["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["definitionProvider"]
    assert capabilities["documentFormattingProvider"] and "completionProvider" in capabilities
    client.notify("initialized", {})

    # didOpen: a clean spec gets an empty diagnostics list (physics checks included).
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "orb", "version": 1, "text": SPEC}})
    assert [d for d in client.diagnostics(uri) if d["severity"] == 1] == []

    # didChange: a unit error (after a non-BMP character on its line, to check UTF-16
    # columns) gets the compiler's code and range.
    broken = SPEC.replace("  mass = 800 kg\n", '  mass = 800 kg\n  load "🛰" { power = 5 km }\n')
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": broken}]})
    (diagnostic,) = [d for d in client.diagnostics(uri) if d["severity"] == 1]
    assert diagnostic["code"] == "unit-mismatch" and diagnostic["source"] == "orbc"
    start = position(broken, "5 km")
    assert diagnostic["range"] == {"start": start, "end": {**start, "character":
                                                           start["character"] + 4}}

    # hover: on the diagnostic, its explain text; on a quantity, SI and dimension.
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": position(broken, "5 km", 2)})
    text = hover["contents"]["value"]
    assert "unit-mismatch" in text and "wrong dimension" in text
    assert "5000 m" in text and "a length" in text and "power" in text
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": position(broken, "550 km")})
    assert "550000 m" in hover["contents"]["value"]
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": position(broken, "inclination")})
    assert "an angle, such as `53 deg`" in hover["contents"]["value"]
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": position(broken, '"relay-v2"\n', 3)})
    assert 'hardware "relay-v2"' in hover["contents"]["value"]
    assert "mass = 800 kg" in hover["contents"]["value"]

    # definition: the shell's hardware reference goes to the hardware block's label.
    location = client.request("textDocument/definition", {
        "textDocument": {"uri": uri}, "position": position(broken, '"relay-v2"\n', 2)})
    assert location["uri"] == uri
    assert location["range"]["start"] == position(broken, '"relay-v2" {')

    # completion: attributes of the enclosing block with units and defaults; references.
    typing = broken.replace("  hardware    = \"relay-v2\"\n", "  hardware    = \"relay-v2\"\n  \n")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": typing}]})
    client.diagnostics(uri)
    at = position(typing, "  \n}", 2)
    items = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                       "position": at})["items"]
    labels = {item["label"]: item for item in items}
    assert {"altitude", "inclination", "hardware", "walker_delta"} <= set(labels)
    assert "km" in labels["altitude"]["detail"]
    assert "constellation" not in labels  # not valid inside a shell
    typing = typing.replace("  \n}", "  isl = \"grid\"\n}").replace(
        "hardware \"relay-v2\" {", "link_policy \"grid\" {\n  topology = plus_grid\n}\n\n"
        "hardware \"relay-v2\" {")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                             "contentChanges": [{"text": typing}]})
    client.diagnostics(uri)  # the index now knows the link policy
    typing = typing.replace('isl = "grid"', "isl = ")  # being retyped: does not parse
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5},
                                             "contentChanges": [{"text": typing}]})
    assert client.diagnostics(uri)[0]["code"] == "syntax-error"
    items = client.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": position(typing, "isl = \n", 6)})["items"]
    assert [(i["label"], i["insertText"]) for i in items] == [("grid", '"grid"')]

    # formatting: the whole document, as `orbc fmt` writes it.
    ugly = SPEC.replace("  mass = 800 kg", "      mass=800 kg;  radius = 1 m")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 6},
                                             "contentChanges": [{"text": ugly}]})
    (edit,) = client.request("textDocument/formatting", {
        "textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}})
    assert "  mass   = 800 kg\n  radius = 1 m\n" in edit["newText"]
    assert edit["range"]["start"] == {"line": 0, "character": 0}

    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.process.wait(timeout=10) == 0


def test_imports_go_to_their_file_and_its_blocks(client, tmp_path):
    (tmp_path / "parts.orb").write_text('hardware "bus" {\n  mass = 100 kg\n}\n')
    text = 'import "parts.orb"\n' + SPEC.replace('"relay-v2"\n', '"bus"\n')
    spec = tmp_path / "main.orb"
    spec.write_text(text)
    client.request("initialize", {"processId": None, "capabilities": {}})
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": spec.as_uri(), "languageId": "orb", "version": 1, "text": text}})
    location = client.request("textDocument/definition", {
        "textDocument": {"uri": spec.as_uri()}, "position": position(text, "parts.orb")})
    assert location["uri"] == (tmp_path / "parts.orb").as_uri()
    location = client.request("textDocument/definition", {
        "textDocument": {"uri": spec.as_uri()}, "position": position(text, '"bus"\n', 1)})
    assert location["uri"] == (tmp_path / "parts.orb").as_uri()
    assert location["range"]["start"] == {"line": 0, "character": 9}
    client.request("shutdown", None)
    client.notify("exit", None)
    assert client.process.wait(timeout=10) == 0


def test_physics_checks_run_when_the_spec_compiles(client, tmp_path):
    conformance = (SRC.parent / "examples" / "conformance.orb").read_text()
    text = conformance.replace("area        = 105 m^2", "area        = 5 m^2")
    assert text != conformance
    spec = tmp_path / "spec.orb"
    client.request("initialize", {"processId": None, "capabilities": {}})
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": spec.as_uri(), "languageId": "orb", "version": 1, "text": text}})
    codes = {d["code"] for d in client.diagnostics(spec.as_uri())}
    assert "power-deficit" in codes
    client.request("shutdown", None)
    client.notify("exit", None)
    assert client.process.wait(timeout=10) == 0

"""A headless Chromium driven over the DevTools protocol (CDP), for page tests.

Debian's ``chromium`` runs headless as root only with ``--no-sandbox``; ``--remote-debugging-port=0``
picks a free port, which Chromium writes to ``DevToolsActivePort`` in the profile folder. Newer
Chromium refuses websocket clients that send an ``Origin`` header, hence ``suppress_origin``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import websocket

FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--remote-debugging-port=0",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


class CdpError(RuntimeError):
    pass


class Chromium:
    """``with Chromium(exe, tmp) as browser: browser.send("Page.navigate", url=...)``; events in ``browser.events``."""

    def __init__(self, executable: str, workdir: Path, timeout: float = 15.0) -> None:
        self.executable = executable
        self.profile = workdir / "chromium-profile"
        self.log = workdir / "chromium.log"
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._ws: Any = None

    def __enter__(self) -> Chromium:
        self.profile.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self._proc = subprocess.Popen(
                [self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._ws = websocket.create_connection(
                self._page_url(), timeout=self.timeout, suppress_origin=True, http_no_proxy=["127.0.0.1", "localhost"]
            )
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                self._ws.close()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)

    def _page_url(self) -> str:
        """The websocket URL of the first page target, once Chromium has written its port."""
        deadline = time.monotonic() + self.timeout
        port_file = self.profile / "DevToolsActivePort"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise CdpError(
                    f"chromium exited with {self._proc.returncode}: {self.log.read_text(errors='replace')[-2000:]}"
                )
            if port_file.exists() and port_file.read_text().strip():
                port = port_file.read_text().split()[0]
                try:
                    with opener.open(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                        targets = json.load(response)
                except OSError:
                    targets = []
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return str(pages[0]["webSocketDebuggerUrl"])
            time.sleep(0.05)
        raise CdpError(f"chromium did not open its DevTools port within {self.timeout} s")

    def _receive(self, deadline: float) -> dict[str, Any]:
        self._ws.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            message: dict[str, Any] = json.loads(self._ws.recv())
        except websocket.WebSocketTimeoutException as e:
            raise CdpError("timed out waiting for Chromium") from e
        return message

    def send(self, method: str, timeout: float | None = None, **params: Any) -> dict[str, Any]:
        """Call a CDP method and return its result; events that arrive meanwhile go to ``events``."""
        self._next_id += 1
        ident = self._next_id
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._receive(deadline)
            if message.get("id") == ident:
                if "error" in message:
                    raise CdpError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, timeout: float | None = None) -> dict[str, Any]:
        """The first event named ``event`` (already received or arriving within ``timeout``)."""
        for message in self.events:
            if message["method"] == event:
                return message
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)
                if message["method"] == event:
                    return message

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise CdpError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def poll(self, expression: str, timeout: float = 10.0, interval: float = 0.1) -> Any:
        """Evaluate ``expression`` until it is truthy; its last value (falsy on timeout)."""
        deadline = time.monotonic() + timeout
        value = self.evaluate(expression)
        while not value and time.monotonic() < deadline:
            time.sleep(interval)
            value = self.evaluate(expression)
        return value

    def errors(self) -> list[str]:
        """Uncaught exceptions, console errors and browser log errors seen so far."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                details = p.get("exceptionDetails", {})
                out.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(f"console.{p['type']}: {[a.get('value', a.get('description')) for a in p.get('args', [])]}")
            elif e["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        return out

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params |= {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            }
        data = self.send("Page.captureScreenshot", timeout=30, **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path


__all__ = ["CdpError", "Chromium"]

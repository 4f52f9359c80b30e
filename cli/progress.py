"""A status line on stderr while a long command runs: what runs now and the seconds so far.

Shown only when stderr is a terminal, so CI logs and piped output stay as they were; commands
that print JSON or SARIF do not ask for one. The line is redrawn in place every second and
erased when the command is done, before it prints its result.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

ERASE = "\r\x1b[K"  # carriage return, then ANSI "erase to end of line"


class Progress:
    """``with Progress("edastack check") as progress: progress("cfn-lint, checkov")``.

    :param command: the line's prefix
    :param stream: where the line goes. Default: - ``sys.stderr``
    :param enabled: show it at all. Default: - only when ``stream`` is a terminal
    """

    def __init__(
        self, command: str, *, stream: TextIO | None = None, enabled: bool | None = None
    ) -> None:
        self.command = command
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._label = ""
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def __call__(self, label: str) -> None:
        """Say what runs now."""
        self._label = label
        self._draw()

    def print(self, message: str) -> None:
        """Write a line of its own (a warning) above the status line."""
        with self._lock:
            self.stream.write(f"{ERASE if self.enabled else ''}{message}\n")
            self.stream.flush()
        self._draw()

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.enabled:
            self._ticker.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        if self.enabled:
            self._ticker.join()
            with self._lock:
                self.stream.write(ERASE)
                self.stream.flush()

    def _tick(self) -> None:
        while not self._done.wait(1.0):
            self._draw()

    def _draw(self) -> None:
        if not self.enabled or self._done.is_set():
            return
        seconds = int(time.monotonic() - self._started)
        with self._lock:
            self.stream.write(f"{ERASE}{self.command}: {self._label} · {seconds}s")
            self.stream.flush()

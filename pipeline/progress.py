"""Progress on stderr: a bar with count and ETA on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
import threading
import time


class Progress:
    def __init__(self, total: int, label: str, *, stream=None, enabled: bool | None = None) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self.start = time.monotonic()
        self._lock = threading.Lock()
        self._draw()

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            self._draw()

    def _draw(self) -> None:
        if not self.enabled or self.total <= 0:
            return
        frac = min(1.0, self.done / self.total)
        elapsed = time.monotonic() - self.start
        eta = (elapsed / frac - elapsed) if frac > 0 else 0
        bar = "█" * int(frac * 30) + "░" * (30 - int(frac * 30))
        self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total}  còn khoảng {eta:4.0f} giây ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.total > 0:
            self.stream.write("\n")
            self.stream.flush()

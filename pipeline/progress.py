"""Progress on stderr: a bar with count and ETA on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO


def seconds_words(seconds: float) -> str:
    """«2,3»: a duration's seconds with one decimal and the Vietnamese decimal comma."""
    return f"{seconds:.1f}".replace(".", ",")


observer: Callable[[str, int, int, float | None], None] | None = None  # hoso serve's build process: called with (label, done, total, seconds left or None)


class Progress:
    def __init__(self, total: int, label: str, *, stream: TextIO | None = None, enabled: bool | None = None) -> None:
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
        if observer is not None and self.total > 0:
            elapsed = time.monotonic() - self.start
            left = elapsed / self.done * (self.total - self.done) if 0 < self.done < self.total else None
            observer(self.label, self.done, self.total, left)
        if not self.enabled or self.total <= 0:
            return
        frac = min(1.0, self.done / self.total)
        elapsed = time.monotonic() - self.start
        if self.done >= self.total:
            when = f"xong trong {elapsed:.0f} giây"
        elif self.done == 0:
            when = "đang ước tính thời gian còn lại"  # nothing done yet: no honest estimate
        else:
            when = f"còn khoảng {elapsed / frac - elapsed:.0f} giây"
        bar = "█" * int(frac * 30) + "░" * (30 - int(frac * 30))
        # \x1b[K clears what a longer previous line left on the right
        self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total} — {when}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.total > 0:
            self.stream.write("\n")
            self.stream.flush()

"""Event-loop lag: how late a periodic 5 ms QTimer fires while the app works."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer


@dataclass(frozen=True)
class LagFigures:
    ticks: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    def line(self) -> str:
        return (
            f"ticks={self.ticks} lateness p50={self.p50_ms:.1f} ms "
            f"p99={self.p99_ms:.1f} ms max={self.max_ms:.1f} ms"
        )


class LagProbe(QObject):
    """Records, for every tick of a 5 ms precise timer, how much later than due it fired."""

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.interval_s = interval_ms / 1000
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.lateness_s: list[float] = []

    def start(self) -> None:
        self.lateness_s.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> LagFigures:
        self._timer.stop()
        return self.figures()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness_s.append(max(0.0, now - self._last - self.interval_s))
        self._last = now

    def figures(self) -> LagFigures:
        data = sorted(self.lateness_s) or [0.0]
        p99 = data[min(len(data) - 1, int(len(data) * 0.99))]
        return LagFigures(
            len(self.lateness_s), statistics.median(data) * 1e3, p99 * 1e3, data[-1] * 1e3
        )

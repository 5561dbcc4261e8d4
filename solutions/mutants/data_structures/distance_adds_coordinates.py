"""distance_to adds the coordinates instead of subtracting them: right only from (0, 0)."""

import math
from dataclasses import dataclass

from _reference import *


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float

    def __post_init__(self):
        for value in (self.x, self.y):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"coordinates must be numbers, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"coordinates must be finite, got {value!r}")

    def distance_to(self, other):
        if not isinstance(other, Point):
            raise TypeError("distance_to() needs a Point")
        return math.hypot(other.x + self.x, other.y + self.y)

    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)

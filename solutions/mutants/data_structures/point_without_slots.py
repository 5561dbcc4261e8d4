"""Point is @dataclass(frozen=True) without slots=True: every point carries a __dict__.

Each instance is larger, and object.__setattr__(p, "z", 3) quietly adds an attribute that
frozen=True alone does not stop.
"""

import math
from dataclasses import dataclass

from _reference import *


@dataclass(frozen=True)
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
        return math.hypot(other.x - self.x, other.y - self.y)

    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)

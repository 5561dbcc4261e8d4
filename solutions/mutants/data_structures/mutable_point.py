"""Point is a plain @dataclass: mutable, and (since it defines __eq__) not hashable at all."""

import math
from dataclasses import dataclass

from _reference import *


@dataclass
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
        return math.hypot(other.x - self.x, other.y - self.y)

    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)

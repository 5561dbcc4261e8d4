"""Timer.__exit__ returns True, which tells Python to swallow every exception in the block."""

from _reference import *
from _reference import Timer as _Timer


class Timer(_Timer):
    def __exit__(self, exc_type, exc, tb):
        super().__exit__(exc_type, exc, tb)
        return True

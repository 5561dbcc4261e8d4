"""Accepts any operand for $gt/$lt and lets a None or bool operand quietly match nothing, instead
of refusing it with InvalidQuery."""

import _reference
from _reference import *

_reference._orderable = lambda value: True

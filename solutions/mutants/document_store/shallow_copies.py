"""Stores and returns shallow copies (`dict(doc)`), so nested lists and objects are shared."""

import _reference
from _reference import *


class _ShallowCopy:
    @staticmethod
    def deepcopy(value):
        return dict(value) if isinstance(value, dict) else value


_reference.copy = _ShallowCopy

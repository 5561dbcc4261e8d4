"""Compares API tokens with `==`, which leaks how many leading characters matched through timing."""

from _reference import *


def tokens_match(expected, supplied):
    return isinstance(supplied, str) and bool(supplied) and supplied == expected

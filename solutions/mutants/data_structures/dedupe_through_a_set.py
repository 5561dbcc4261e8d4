"""dedupe goes through set(), which removes repeats but forgets the order of first appearance."""

from _reference import *


def dedupe(items):
    return list(set(items))

"""dedupe checks `x not in result` on a list, which rescans the list for every item: O(n^2).

It looks right on small inputs, but 10^5 items take minutes, and unhashable items slip through.
"""

from _reference import *


def dedupe(items):
    result = []
    for item in items:
        if item not in result:
            result.append(item)
    return result

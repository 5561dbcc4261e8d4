"""common_tags keeps the tags of the first list that are `in` each other list: O(n^2) scans.

Each `tag in other_list` walks the whole list; with 10^5 tags that is billions of comparisons.
"""

from _reference import *


def common_tags(*tag_lists):
    for tags in tag_lists:
        if isinstance(tags, str | bytes):
            raise TypeError("each argument must be a collection of tags")
    if not tag_lists:
        return set()
    first, *rest = (list(tags) for tags in tag_lists)
    return {tag for tag in first if all(tag in other for other in rest)}

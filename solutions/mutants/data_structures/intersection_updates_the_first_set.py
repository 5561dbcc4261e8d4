"""common_tags intersects in place (&=) on the first argument, emptying the caller's own set."""

from _reference import *


def common_tags(*tag_lists):
    for tags in tag_lists:
        if isinstance(tags, str | bytes):
            raise TypeError("each argument must be a collection of tags")
    if not tag_lists:
        return set()
    result = tag_lists[0] if isinstance(tag_lists[0], set) else set(tag_lists[0])
    for tags in tag_lists[1:]:
        result &= set(tags)
    return result

"""common_tags refuses a str argument but not bytes, which iterates as small ints.

common_tags(b"python", [b"python"]) answers set() instead of refusing the call.
"""

from _reference import *


def common_tags(*tag_lists):
    for tags in tag_lists:
        if isinstance(tags, str):
            raise TypeError(f"each argument must be a collection of tags, not {tags!r}")
    if not tag_lists:
        return set()
    first, *rest = tag_lists
    return set(first).intersection(*rest)

"""word_counts keeps top + 1 pairs: ranked[:top + 1], an off-by-one at the limit."""

import re
import unicodedata
from collections import Counter

from _reference import *


def word_counts(text, top=None):
    if not isinstance(text, str):
        raise TypeError("word_counts() needs a str")
    if top is not None and (not isinstance(top, int) or isinstance(top, bool)):
        raise TypeError("top must be an int")
    if top is not None and top < 0:
        raise ValueError("top must be >= 0")
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())
    ranked = sorted(Counter(words).items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked if top is None else ranked[: top + 1]

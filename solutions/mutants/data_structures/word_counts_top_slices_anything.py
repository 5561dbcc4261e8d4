"""word_counts checks only top < 0, so top=True keeps one pair and top=2.0 fails inside slicing."""

import re
import unicodedata
from collections import Counter

from _reference import *


def word_counts(text, top=None):
    if not isinstance(text, str):
        raise TypeError("word_counts() needs a str")
    if top is not None and top < 0:
        raise ValueError("top must be >= 0")
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())
    ranked = sorted(Counter(words).items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked if top is None else ranked[:top]

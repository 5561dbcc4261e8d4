"""word_counts calls words.count(w) for every distinct word: a full rescan each time, O(n^2)."""

import re
import unicodedata

from _reference import *


def word_counts(text, top=None):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if top is not None and top < 0:
        raise ValueError("top must be >= 0")
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())
    ranked = sorted(((w, words.count(w)) for w in set(words)), key=lambda p: (-p[1], p[0]))
    return ranked if top is None else ranked[:top]

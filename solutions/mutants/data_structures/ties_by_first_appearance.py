"""word_counts uses Counter.most_common(): ties keep first-appearance order, not alphabetical."""

import re
import unicodedata
from collections import Counter

from _reference import *


def word_counts(text, top=None):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if top is not None and top < 0:
        raise ValueError("top must be >= 0")
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())
    return Counter(words).most_common(top)

"""word_counts uses text.lower().split(): punctuation sticks to words and "Straße" != "STRASSE"."""

from _reference import *


def word_counts(text, top=None):
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if top is not None and top < 0:
        raise ValueError("top must be >= 0")
    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked if top is None else ranked[:top]

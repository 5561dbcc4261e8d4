"""Similarity between learners' submissions, kata by kata, with copydetect's winnowing.

copydetect tokenises each file with Pygments and replaces every name with one letter, so a copy
with renamed variables, other comments or other spacing still matches. The pristine stub is its
boilerplate: what every learner was given never counts, so untouched stubs never pair.

copydetect's default thresholds are kept: fingerprints are the k-grams of 25 filtered characters,
with a window of 1 (every k-gram kept). That window also makes the scores independent of Python's
per-process string hashing, so that every run, sharded or not, computes the same scores.

A pair's score is copydetect's: the share of a learner's fingerprinted code that the other's
matches, here summed over the kata's files and taken for whichever of the two it is higher
(a learner who copied and then added code still pairs with the one they copied).
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from html import escape
from itertools import combinations
from pathlib import Path

from grader.catalogue import Catalogue, Kata
from grader.learning.workspace import submitted_file
from grader.teaching import csvfile

NOISE = 25  # copydetect.defaults.NOISE_THRESHOLD (and GUARANTEE_THRESHOLD): window 1
THRESHOLD = 0.75  # the class report shows the pairs at or above this score
SHOWN = 50  # side by side in the class report; similarity.csv has every pair
FIELDS = ("kata", "learner_a", "learner_b", "score")


@dataclass(frozen=True)
class Pair:
    kata: str
    a: str
    b: str
    score: float
    # for the pairs shown side by side: (file, a's code, b's code) as HTML, the copied parts
    # marked; empty for the others
    files: tuple[tuple[str, str, str], ...] = ()


def available() -> bool:
    return importlib.util.find_spec("copydetect") is not None


def read_sources(folder: Path, katas: list[Kata]) -> dict[str, str]:
    """The learner's kata files that were graded, by path (the same rules as the grading)."""
    sources = {}
    for kata in katas:
        for rel in kata.files:
            path, _ = submitted_file(folder, rel)
            if path is not None:
                try:
                    sources[rel] = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
    return sources


def find_pairs(
    catalogue: Catalogue,
    sources: dict[str, dict[str, str]],
    threshold: float = THRESHOLD,
    shown: int = SHOWN,
) -> list[Pair]:
    """Every pair of learners with a non-zero score on some kata, highest first.

    ``sources`` maps each learner to their kata files (``read_sources``). The first ``shown``
    pairs at or above ``threshold`` carry their code, marked up, for the report.
    """
    pairs: list[Pair] = []
    prints_by_kata = {}
    for kata in catalogue.katas:
        prints = _fingerprints(catalogue, kata, sources)
        prints_by_kata[kata.slug] = prints
        for a, b in combinations(sorted(prints), 2):
            score = _score(prints[a], prints[b])
            if score > 0:
                pairs.append(Pair(kata.slug, a, b, score))
    pairs.sort(key=lambda p: (-p.score, p.kata, p.a, p.b))
    for index, pair in enumerate(pairs[:shown]):
        if pair.score < threshold:
            break
        prints = prints_by_kata[pair.kata]
        files = _marked(prints[pair.a], prints[pair.b])
        pairs[index] = Pair(pair.kata, pair.a, pair.b, pair.score, files)
    return pairs


def write_csv(pairs: list[Pair], path: Path) -> Path:
    return csvfile.write(path, FIELDS, ((p.kata, p.a, p.b, f"{p.score:.4f}") for p in pairs))


class _Print:
    """One learner's files of one kata, fingerprinted (only files with code of their own)."""

    def __init__(self) -> None:
        self.files: dict[str, object] = {}  # path -> copydetect.CodeFingerprint
        self.keys: dict[str, frozenset[int]] = {}  # the same hashes as plain ints, to prefilter
        self.coverage = 0.0


def _fingerprints(
    catalogue: Catalogue, kata: Kata, sources: dict[str, dict[str, str]]
) -> dict[str, _Print]:
    import numpy as np
    from copydetect import CodeFingerprint

    prints: dict[str, _Print] = {}
    for rel in kata.files:
        pristine = catalogue.root / kata.pristine(rel)
        stub = pristine.read_text(encoding="utf-8", errors="replace") if pristine.is_file() else ""
        boilerplate = np.unique(
            np.array(list(CodeFingerprint(rel, NOISE, 1, fp=io.StringIO(stub)).hashes))
        )
        seen: dict[str, object] = {}  # a file copied exactly is tokenized once
        for learner, files in sources.items():
            if rel not in files or files[rel] == stub:
                continue  # an untouched stub has no code of its own: skip the tokenizing
            text = files[rel]
            if text not in seen:
                seen[text] = CodeFingerprint(rel, NOISE, 1, boilerplate, fp=io.StringIO(text))
            found = seen[text]
            if not found.token_coverage:
                continue  # nothing but the stub (or too short to fingerprint)
            entry = prints.setdefault(learner, _Print())
            entry.files[rel] = found
            entry.keys[rel] = frozenset(int(h) for h in found.hashes)
            entry.coverage += float(found.token_coverage)
    return prints


def _score(a: _Print, b: _Print) -> float:
    from copydetect import compare_files

    overlap_a = overlap_b = 0.0
    for rel, fa in a.files.items():
        fb = b.files.get(rel)
        if fb is None or a.keys[rel].isdisjoint(b.keys[rel]):
            continue
        _, (sim_a, sim_b), _ = compare_files(fa, fb)
        overlap_a += float(sim_a) * float(fa.token_coverage)
        overlap_b += float(sim_b) * float(fb.token_coverage)
    return round(max(overlap_a / a.coverage, overlap_b / b.coverage), 4)


def _marked(a: _Print, b: _Print) -> tuple[tuple[str, str, str], ...]:
    import numpy as np
    from copydetect import compare_files
    from copydetect.utils import highlight_overlap

    def mark(code: str, slices) -> str:
        slices = np.asarray(slices)
        if slices.size == 0:
            return escape(code)
        return highlight_overlap(code, slices, "<mark>", "</mark>", escape_html=True)[0]

    files = []
    for rel in sorted(set(a.files) | set(b.files)):
        fa, fb = a.files.get(rel), b.files.get(rel)
        if fa is None or fb is None:
            continue
        _, _, (slices_a, slices_b) = compare_files(fa, fb)
        files.append((rel, mark(fa.raw_code, slices_a), mark(fb.raw_code, slices_b)))
    return tuple(files)

"""Gating: with ``gated`` on, a level stays locked until every kata of the level before passes."""

from __future__ import annotations

from grader.catalogue import Catalogue
from grader.learning.progress import Progress


def locked(catalogue: Catalogue, progress: Progress) -> dict[str, list[str]]:
    """Each locked kata, with the katas still to pass before it unlocks."""
    result: dict[str, list[str]] = {}
    blocking: list[str] = []
    for katas in catalogue.by_level().values():
        for kata in katas:
            if blocking:
                result[kata.slug] = list(blocking)
        blocking += [k.slug for k in katas if not progress.has_passed(k.slug)]
    return result

"""Every CSV file a class's grading writes: UTF-8, a header row, then the rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path


def write(path: Path, header: Iterable[object], rows: Iterable[Iterable[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path

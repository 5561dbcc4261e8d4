#!/usr/bin/env python3
"""Classroom50 autograder for kata, written by `kata release` into the teacher's bundle.

Classroom50 runs it with no arguments, with the learner's checkout as the working directory and
the bundle's files in $CLASSROOM50_BUNDLE_DIR. It takes only the learner's kata files from the
checkout and grades them with the pristine tests and grader of this bundle, so an edited test in
the learner's repository changes nothing. Teacher-only tests named test_<slug>*.py beside this
script count too. It writes ./result.json and ./release-body.md and exits 0 whatever the score;
a non-zero exit means that grading broke.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

BUNDLE = Path(os.environ.get("CLASSROOM50_BUNDLE_DIR") or Path(__file__).resolve().parent)


def main() -> int:
    sys.path.insert(0, str(BUNDLE))  # this bundle's grader, never one from the submission
    from grader import catalogue
    from grader.learning import workspace
    from grader.teaching import grading

    submission = Path.cwd()
    cat = catalogue.load(BUNDLE)
    with tempfile.TemporaryDirectory(prefix="kata-submission-") as tmp:
        ignored = workspace.collect_submission(submission, list(cat.katas), Path(tmp))
        book = grading.grade(
            cat, list(cat.katas), tree=tmp, extra_dir=BUNDLE, source_root=submission
        )
    book.warnings = [w for w in book.warnings if "integrity" not in w] + ignored
    result, body = grading.classroom50(book)
    Path("result.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    Path("release-body.md").write_text(body, encoding="utf-8")
    print(f"kata: {book.score}/{book.max_score} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())

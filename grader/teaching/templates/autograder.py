#!/usr/bin/env python3
"""Classroom50 autograder for kata, written by `kata release` into the teacher's bundle.

Classroom50 runs it with no arguments, with the learner's checkout as the working directory and
the bundle's files in $CLASSROOM50_BUNDLE_DIR. It takes only the learner's kata files from the
checkout and grades them with the pristine tests and grader of this bundle, so an edited test in
the learner's repository changes nothing. Teacher-only tests named test_<slug>*.py beside this
script count too. Every run of the learner's code happens in a bubblewrap sandbox (installed on a
GitHub-hosted runner if missing); where none can run it refuses (exit 2), unless it is called with
--no-sandbox or KATA_ALLOW_NO_SANDBOX=1, and then every output says so. It writes ./result.json
and ./release-body.md (the feedback: with each passed kata's reference solution and approaches
from the bundle's solutions/, as the release's reveal policy allows) and exits 0 whatever the
score; a non-zero exit means that grading broke.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE = Path(os.environ.get("CLASSROOM50_BUNDLE_DIR") or Path(__file__).resolve().parent)
# Grading without the sandbox must be asked for: `autograder.py --no-sandbox`, or this variable.
ALLOW_NO_SANDBOX = "KATA_ALLOW_NO_SANDBOX"


def ensure_bubblewrap() -> None:
    """On a GitHub-hosted runner (passwordless sudo), install bubblewrap and allow user
    namespaces (Ubuntu 24.04 restricts them with AppArmor). Elsewhere, do nothing: the grade
    then refuses with the fix, unless --no-sandbox was given."""
    if os.environ.get("GITHUB_ACTIONS") != "true" or not shutil.which("sudo"):
        return
    steps = []
    if not shutil.which("bwrap"):
        steps += [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "bubblewrap"]]
    steps.append(["sysctl", "-q", "-w", "kernel.apparmor_restrict_unprivileged_userns=0"])
    for step in steps:
        subprocess.run(["sudo", "-n", *step], capture_output=True, timeout=300, check=False)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(BUNDLE))  # this bundle's grader, never one from the submission
    from grader import catalogue
    from grader.learning import workspace
    from grader.teaching import grading

    ensure_bubblewrap()
    no_sandbox = "--no-sandbox" in argv or bool(os.environ.get(ALLOW_NO_SANDBOX))
    try:
        sandboxed = grading.require_sandbox(no_sandbox)
    except grading.GradingError as exc:
        print(f"kata: {exc}", file=sys.stderr)
        return 2
    submission = Path.cwd()
    cat = catalogue.load(BUNDLE)
    with tempfile.TemporaryDirectory(prefix="kata-submission-") as tmp:
        ignored = workspace.collect_submission(submission, list(cat.katas), Path(tmp))
        book = grading.grade(
            cat,
            list(cat.katas),
            tree=tmp,
            extra_dir=BUNDLE,
            source_root=submission,
            sandboxed=sandboxed,
        )
    book.warnings = [w for w in book.warnings if "integrity" not in w] + ignored
    result, body = grading.classroom50(book, catalogue=cat)  # reveals as katas.toml says
    Path("result.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    Path("release-body.md").write_text(body, encoding="utf-8")
    print(f"kata: {book.score}/{book.max_score} points")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

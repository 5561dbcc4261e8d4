"""What a pass reveals in a class: the kata's reference solution and approaches page.

The policy (``reveal`` and ``deadline`` in katas.toml; ``--reveal`` and ``--deadline`` on
``kata release``, ``grade-all`` and ``merge-grades``) says when. The learner's feedback shows them:
Classroom50's ``release-body.md`` and ``grade-all``'s ``feedback/<learner>.md``, both written by
``grading.feedback``. Only a kata that passed with its tests intact (``KataGrade.passed``: never a
failed or ``tampered`` one), in a sandboxed grade, reveals anything, and only where the grading
repository holds the reference: the teacher's bundle or repository, never a learner's template.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from grader.catalogue import Catalogue, Kata, Reveal, parse_time, reveal_policy
from grader.errors import KataError, UsageError

if TYPE_CHECKING:
    from grader.teaching.grading import Gradebook

UNSANDBOXED = "The reference solutions are withheld: this grade ran without the sandbox."


def override(catalogue: Catalogue, policy: str | None, deadline: str | None) -> Reveal:
    """The catalogue's policy, with ``--reveal`` and ``--deadline`` over it; bad input is one
    line (exit 2)."""
    if policy is None and deadline is None:
        return catalogue.reveal
    chosen = catalogue.reveal.policy if policy is None else policy
    if deadline is not None and chosen != "after-deadline":
        raise UsageError(f"--deadline applies only to --reveal after-deadline, not {chosen!r}")
    moment = catalogue.reveal.deadline if deadline is None else parse_time(deadline, "--deadline")
    return reveal_policy(chosen, moment)


def render(root: Path, book: Gradebook, policy: Reveal) -> str:
    """The Markdown that follows the grade: each passed kata's reference and approaches, folded,
    or one line on when they will appear. Empty when nothing passed, when the policy is "never",
    or where ``root`` holds no reference (a learner's template)."""
    shown = [g.kata for g in book.grades if g.passed and g.kata.reference(root)]
    if not shown or policy.policy == "never":
        return ""
    if not book.sandboxed:  # a forged pass may go unnoticed there: it must not buy the answer
        return f"\n> {UNSANDBOXED}\n"
    if not policy.allows(datetime.fromisoformat(book.generated_at)):
        return (
            "\n> The reference solution and approaches of each kata you passed appear here once "
            f"the deadline, {policy.deadline:%Y-%m-%d %H:%M %Z}, is past.\n"
        )
    lines = ["", "## Reference solutions", ""]
    for kata in shown:
        lines += section(root, kata)
    return "\n".join(lines)


def section(root: Path, kata: Kata) -> list[str]:
    files = kata.reference(root)
    what = "reference solution" + (" and approaches" if kata.approaches_path in files else "")
    lines = [f"<details><summary><b>{kata.slug}</b>: the {what}</summary>", ""]
    for rel in files:
        try:
            text = (root / rel).read_text(encoding="utf-8").strip("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise KataError(f"cannot read {rel} to reveal it ({exc})") from None
        if rel == kata.approaches_path:
            lines += [text, ""]
            continue
        # a fence longer than any run of backticks in the file, so that none can close it
        fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
        lines += [f"`{rel}`", "", fence + _language(rel), text, fence, ""]
    return [*lines, "</details>", ""]


LANGUAGES = {".py": "python", ".html": "html", ".css": "css", ".js": "javascript", ".toml": "toml",
             ".json": "json", ".yml": "yaml", ".yaml": "yaml", ".sql": "sql"}


def _language(rel: str) -> str:
    """The code fence's language, so that GitHub highlights each learner file of a kata."""
    path = Path(rel)
    return "dockerfile" if path.name == "Dockerfile" else LANGUAGES.get(path.suffix, "")

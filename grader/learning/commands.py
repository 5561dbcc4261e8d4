"""What the learner and author commands do, without Click: each returns text or a verdict.

``env`` is anything with ``catalogue``, ``progress``, ``paint`` and ``locked()`` (the CLI's Env).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from grader.catalogue import Kata
from grader.errors import KataError
from grader.learning import report, workspace

Echo = Callable[[str], None]


def start(env, kata: Kata) -> str:
    unlock = env.locked().get(kata.slug)
    if unlock:
        raise KataError(
            f"{kata.slug} is locked until its previous level passes; "
            f"still to pass: {', '.join(unlock)}"
        )
    root = env.catalogue.root
    created = workspace.restore_missing(root, kata)
    env.progress.start(kata.slug)
    env.progress.save()
    paint = env.paint
    try:
        readme = (root / kata.readme).read_text(encoding="utf-8").strip()
    except OSError:
        readme = f"> {kata.question}"
    lines = [paint(f"{kata.title}  ({kata.level}, {kata.points} points)", "bold"), "", readme, ""]
    lines += [f"Created {f} from the stub." for f in created]
    lines.append("Edit: " + ", ".join(kata.files))
    lines.append(f"Then run: kata check      (stuck? kata hint {kata.slug})")
    return "\n".join(lines)


def check(env, katas: list[Kata], echo: Echo, workers=None) -> bool:
    from grader.running.runner import run_many

    root = env.catalogue.root
    for kata in katas:
        for rel in kata.files:
            path = root / rel
            if path.is_dir():
                raise KataError(f"{rel} is a folder, but it should be your kata file")
            if not path.exists():
                raise KataError(f"{rel} is missing; `kata start {kata.slug}` recreates the stub")
    from grader.running.sandbox import unavailable

    reason = unavailable()
    if reason:  # practice still works; a teacher's grade is refused without the sandbox
        echo(f"note: running without the sandbox: {reason}")
    results = run_many(env.catalogue, katas, "katas", workers=workers)
    for kata, result in zip(katas, results, strict=True):
        echo(report.render_result(env.catalogue, kata, result, env.paint))
        echo("")
        env.progress.record(kata.slug, result.status, result.tests_passed, len(result.tests))
    env.progress.save()
    echo(report.render_levels(env.catalogue, env.progress, env.paint))
    ok = all(r.passed for r in results)
    upcoming = report.next_kata(env.catalogue, env.progress)
    if ok and upcoming is not None and len(katas) == 1:
        echo(f"\nPassed! Next: kata start {upcoming.slug}")
    return ok


def solution(env, kata: Kata) -> str:
    root = env.catalogue.root
    path = root / kata.solution_path
    if not path.exists():
        raise KataError(
            "this repository has no reference solutions (a class release keeps "
            "them with the teacher)"
        )
    if not env.progress.has_passed(kata.slug):
        raise KataError(
            f"the solution of {kata.slug} unlocks once it passes: run `kata check "
            f"{kata.slug}` until it is green"
        )
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    parts = []
    for file in files:
        code = file.read_text(encoding="utf-8")
        if env.color:
            from io import StringIO

            from rich.console import Console
            from rich.syntax import Syntax

            buffer = StringIO()
            Console(file=buffer, force_terminal=True).print(Syntax(code, "python"))
            code = buffer.getvalue()
        parts.append(env.paint(f"# {file.relative_to(root)}", "bold") + "\n" + code)
    return "\n".join(parts)


def hint(env, kata: Kata) -> str:
    total = len(kata.hints)
    before = env.progress.hints_shown(kata.slug)
    shown = env.progress.show_hint(kata.slug, total)
    env.progress.save()
    lines = [f"Hint {i}/{total}: {kata.hints[i - 1]}" for i in range(1, shown + 1)]
    if shown == total:
        lines.append(
            f"That was the last hint for {kata.slug}."
            if before < total
            else f"No more hints for {kata.slug}: these are all {total}."
        )
    return "\n".join(lines)


def progress(env, svg=None) -> str:
    cat, prog = env.catalogue, env.progress
    lines = [report.render_levels(cat, prog, env.paint)]
    hints = {k.slug: prog.hints_shown(k.slug) for k in cat.katas if prog.hints_shown(k.slug)}
    used = ", ".join(f"{slug} {n}/{len(cat.get(slug).hints)}" for slug, n in hints.items())
    lines.append(f"\nHints shown: {sum(hints.values())}" + (f" ({used})" if used else ""))
    if svg is not None:
        from grader.teaching.html import progress_badge

        levels = [
            (level.capitalize(), sum(prog.status(k.slug) == "passed" for k in katas), len(katas))
            for level, katas in cat.by_level().items()
            if katas
        ]
        try:
            svg.write_text(progress_badge(levels), encoding="utf-8")
        except OSError as exc:
            raise KataError(f"cannot write {svg} ({exc.strerror or exc})") from None
        lines.append(f"Badge written to {svg}")
    upcoming = report.next_kata(cat, prog)
    lines.append(f"Next: kata start {upcoming.slug}" if upcoming else "Every kata has passed!")
    return "\n".join(lines)


def reset(env, katas: list[Kata]) -> str:
    lines = []
    for kata in katas:
        saved = workspace.reset(env.catalogue.root, kata)
        where = (
            f"; your files were saved to {saved.relative_to(env.catalogue.root)}" if saved else ""
        )
        lines.append(f"{kata.slug}: stub restored{where}")
    return "\n".join(lines)


def verify(env, katas: list[Kata], jobs: int | None, echo: Echo) -> bool:
    from grader.teaching.verify import verify as run_verify

    verdicts = run_verify(env.catalogue, katas, jobs)
    paint = env.paint
    width = max(len(k.slug) for k in katas)
    echo(f"{'kata':<{width}}  {'stub':<12}{'solution':<14}{'mutants':<16}verdict")
    for v in verdicts:
        echo(
            f"{v.slug:<{width}}  {v.stub:<12}{v.solution:<14}{v.mutants:<16}"
            + (paint("ok", "green") if v.ok else paint("FAIL", "red"))
        )
    bad = [v for v in verdicts if not v.ok]
    for v in bad:
        for problem in v.problems:
            echo(f"{v.slug}: {problem}")
    echo(f"\n{len(verdicts) - len(bad)} of {len(verdicts)} katas sound")
    return not bad


def verify_mutation(env, katas: list[Kata], jobs: int | None, changed: bool, record: bool,
                    echo: Echo, progress: Echo | None = None) -> bool:
    from grader.teaching.mutation import THRESHOLD, mutation_scores

    started = time.monotonic()
    scores = mutation_scores(env.catalogue, katas, jobs, changed, record, progress)
    paint = env.paint
    width = max(4, *(len(k.slug) for k in katas))
    echo(f"{'kata':<{width}}  {'mutants':>7}  {'killed':>6}  {'equivalent':>10}  {'score':>6}  "
         f"{'time':>6}  verdict")
    for s in scores:
        sampled = f" (a sample of {s.generated})" if s.generated > s.mutants else ""
        verdict = paint("ok", "green") if s.ok else paint("FAIL", "red")
        spent = "" if s.recorded else f"{s.seconds:.0f} s"
        echo(f"{s.slug:<{width}}  {s.mutants:>7}  {s.killed:>6}  {s.equivalent:>10}  "
             f"{s.score:>6.1%}  {spent:>6}  {verdict}{' (recorded)' if s.recorded else ''}"
             f"{sampled}")
    for s in scores:
        for mutant in s.survivors:
            echo(f"{s.slug}: survivor {mutant.diff}  [{mutant.id}]")
        for problem in s.problems:
            echo(f"{s.slug}: {problem}")
    bad = [s for s in scores if not s.ok]
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    ran = sum(s.mutants for s in scores if not s.recorded)
    echo(f"\n{len(scores) - len(bad)} of {len(scores)} katas score at least {THRESHOLD:.0%} "
         f"({ran} mutants run in {minutes}m{seconds:02d}s)")
    if any(s.survivors for s in scores):
        echo("Kill each survivor with a test; if no test can tell it from the solution, list it "
             'in solutions/mutants/<slug>/_equivalent.toml as "<id>" = "<why>".')
    return not bad

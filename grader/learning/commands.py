"""What the learner and author commands do, without Click: each returns text or a verdict.

``env`` is anything with ``catalogue``, ``progress``, ``paint`` and ``locked()`` (the CLI's Env).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from grader.catalogue import Kata, Reveal, Task
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


def next_kata(env) -> Kata | None:
    """The next kata to start: after the current one, never passed, not locked."""
    return report.next_kata(env.catalogue, env.progress, env.locked())


def check(env, katas: list[Kata], echo: Echo, workers=None, verbose: bool = False) -> bool:
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
    prog = env.progress
    for kata, result in zip(katas, results, strict=True):
        echo(report.render_result(kata, result, env.paint, verbose))
        failing = {t.task for t in result.tests if t.status != "passed" and t.task is not None}
        passed_before = prog.has_passed(kata.slug)
        prog.record(kata.slug, result.status, result.tests_passed, len(result.tests), failing)
        if passed_before and not result.passed:
            echo(
                env.paint(f"{kata.slug} {report.passed_before(prog, kata.slug)}", "yellow")
                + " and fails now: progress keeps the pass; `kata grade` scores the code as it is."
            )
        echo("")
    prog.save()
    echo(report.render_levels(env.catalogue, prog, env.paint))
    ok = all(r.passed for r in results)
    upcoming = next_kata(env)
    if ok and upcoming is not None and len(katas) == 1:
        echo(f"\nPassed! Next: kata start {upcoming.slug}")
    return ok


def solution(env, kata: Kata) -> str:
    """The reference, then the approaches page (other ways, the production library, questions to
    check yourself), once the learner's own code has passed. In a class release, which has no
    ``solutions/``, where and when the release's policy will show them."""
    catalogue = env.catalogue
    if not (catalogue.root / kata.solution_path).exists():
        raise KataError(in_a_release(kata, catalogue.reveal))
    if not env.progress.has_passed(kata.slug):
        raise KataError(
            f"the solution of {kata.slug} unlocks once it passes: run `kata check "
            f"{kata.slug}` until it is green"
        )
    parts = []
    for rel in kata.reference(catalogue.root):
        text = (catalogue.root / rel).read_text(encoding="utf-8")
        if env.color:
            text = _rich(text, rel)
        parts.append(env.paint(f"# {rel}", "bold") + "\n" + text)
    return "\n".join(parts)


def in_a_release(kata: Kata, reveal: Reveal) -> str:
    """One line: where a class release shows the reference of ``kata`` (docs/teachers.md, 9)."""
    if reveal.policy == "never":
        return (
            'this release keeps the reference solutions with your teacher (reveal = "never"): '
            f"the reference of {kata.slug} is not shown"
        )
    when = "once it passes"
    if reveal.deadline is not None:
        when += f" and the deadline, {reveal.deadline:%Y-%m-%d %H:%M %Z}, is past"
    return (
        "this release keeps the reference solutions with your teacher: the reference and "
        f"approaches of {kata.slug} appear in your graded feedback (Classroom50's release notes, "
        f"or the feedback file your teacher sends) {when}"
    )


def _rich(text: str, path: str) -> str:
    """Code highlighted, Markdown rendered, for a terminal."""
    import shutil
    from io import StringIO

    from rich.console import Console
    from rich.markdown import Markdown
    from rich.syntax import Syntax

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=True, width=shutil.get_terminal_size().columns)
    if path.endswith(".md"):
        console.print(Markdown(text))
    else:
        console.print(Syntax(text, Syntax.guess_lexer(path, text)))
    return buffer.getvalue()


def hint(env, kata: Kata, number: int | None = None) -> str:
    """The next rung of a task's ladder: task ``number``, or else the first task failing at the
    last check (task 1 before any check). The rungs already shown come first, as a reminder."""
    prog = env.progress
    if number is None:
        if prog.status(kata.slug) == "passed":
            return (
                f"Every task of {kata.slug} passed its last check; "
                f"`kata hint {kata.slug} --task N` still climbs the ladder of task N."
            )
        known = {t.number for t in kata.tasks}
        number = next((n for n in prog.failing_tasks(kata.slug) or [] if n in known), None)
    task: Task = kata.task(number) if number is not None else kata.tasks[0]
    total = len(task.hints)
    before = prog.rungs_shown(kata.slug, task.number)
    shown = prog.show_rung(kata.slug, task.number, total)
    prog.save()
    lines = [env.paint(f"Task {task.number}" + (f" — {task.title}" if task.title else ""), "bold")]
    lines += [f"  Hint {i}/{total}: {task.hints[i - 1]}" for i in range(1, shown + 1)]
    if shown == total:
        lines.append(
            f"That was the last hint for task {task.number}."
            if before < total
            else f"No more hints for task {task.number}: these are all {total}."
        )
    return "\n".join(lines)


def progress(env, svg=None) -> str:
    cat, prog = env.catalogue, env.progress
    lines = [report.render_levels(cat, prog, env.paint)]
    regressed = [k.slug for k in cat.katas if prog.status(k.slug) == "passed before"]
    if regressed:
        lines.append("")
        lines += [
            env.paint(f"{slug}: {report.passed_before(prog, slug)}", "yellow")
            + f", failing now (`kata check {slug}`)"
            for slug in regressed
        ]
    used = []  # (slug, hints shown, per task)
    for kata in cat.katas:
        numbers = {t.number for t in kata.tasks}
        rungs = {n: c for n, c in prog.hints_used(kata.slug).items() if n in numbers}
        earlier = prog.hints_before_ladders(kata.slug)
        parts = [f"task {n} {c}/{len(kata.task(n).hints)}" for n, c in rungs.items()]
        parts += [f"{earlier} from the old single list"] if earlier else []
        if parts:
            used.append((kata.slug, sum(rungs.values()) + earlier, ", ".join(parts)))
    lines.append(f"\nHints shown: {sum(n for _, n, _ in used)}")
    width = max((len(slug) for slug, _, _ in used), default=0)
    lines += [f"  {slug:<{width}}  {detail}" for slug, _, detail in used]
    if svg is not None:
        from grader.teaching.html import progress_badge

        levels = [
            (level.capitalize(), sum(prog.has_passed(k.slug) for k in katas), len(katas))
            for level, katas in cat.by_level().items()
            if katas
        ]
        try:
            svg.write_text(progress_badge(levels), encoding="utf-8")
        except OSError as exc:
            raise KataError(f"cannot write {svg} ({exc.strerror or exc})") from None
        lines.append(f"Badge written to {svg}")
    upcoming = next_kata(env)
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
    echo(f"{'kata':<{width}}  {'hints':<19}{'stub':<12}{'solution':<14}{'mutants':<16}verdict")
    for v in verdicts:
        echo(
            f"{v.slug:<{width}}  {v.hints:<19}{v.stub:<12}{v.solution:<14}{v.mutants:<16}"
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

"""The ``kata`` command line: one thin function per command.

Heavy imports live inside the commands so that ``kata --help`` starts fast. The core raises
``KataError``; it becomes one line on stderr and an exit code here, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader import __version__
from grader.errors import KataError


class KataGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KataError as exc:
            error = click.ClickException(str(exc))
            error.exit_code = exc.exit_code
            raise error from None


class Env:
    """What every command needs, loaded on first use."""

    def __init__(self, repo: Path | None, color: bool, gated: bool) -> None:
        self.repo = repo
        self.color = color
        self.gated_flag = gated
        self._catalogue = None
        self._progress = None

    @property
    def catalogue(self):
        if self._catalogue is None:
            from grader import catalogue

            self._catalogue = catalogue.load(catalogue.find_root(self.repo))
        return self._catalogue

    @property
    def progress(self):
        if self._progress is None:
            from grader.learning.progress import Progress

            self._progress = Progress.load(self.catalogue.root)
            if self._progress.warning:
                click.echo(self._progress.warning, err=True)
        return self._progress

    @property
    def paint(self):
        from grader.learning.report import Painter

        return Painter(self.color)

    @property
    def gated(self) -> bool:
        return self.gated_flag or self.catalogue.gated

    def locked(self) -> dict[str, list[str]]:
        """Locked katas, each with the katas that must pass first to unlock it."""
        from grader.learning.levels import locked

        return locked(self.catalogue, self.progress) if self.gated else {}

    def kata_or_current(self, slug: str | None):
        """SLUG, which becomes the current kata (as `kata start` makes it), or the current one."""
        if slug:
            kata = self.catalogue.get(slug)
            self.progress.start(kata.slug)  # saved by the command that follows
            return kata
        current = self.progress.current
        if current is None:
            first = self.catalogue.katas[0].slug
            raise KataError(f"no current kata; run `kata start {first}` (or `kata next`) first")
        return self.catalogue.get(current)


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


@click.group(cls=KataGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kata")
@click.option(
    "--repo",
    type=click.Path(path_type=Path, file_okay=False),
    help="The kata repository (default: found by walking up from here).",
)
@click.option("--no-color", is_flag=True, help="Plain output, also set by NO_COLOR.")
@click.option("--gated", is_flag=True, help="Lock each level until the previous one passes.")
@click.pass_context
def main(ctx: click.Context, repo: Path | None, no_color: bool, gated: bool) -> None:
    """Auto-graded Python web and backend katas.

    \b
    kata start decorators   show the task, make it current
    kata check              run its tests on your code
    kata hint               the next hint for the task you are on
    kata progress           how far you are, level by level
    """
    if os.name == "nt":
        raise click.ClickException("kata runs on Linux and macOS; on Windows, use it inside WSL")
    ctx.obj = Env(repo, use_color(no_color), gated)


pass_env = click.make_pass_decorator(Env)
jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Parallel runs (default: cores)."
)
no_sandbox_option = click.option(
    "--no-sandbox",
    is_flag=True,
    help="Grade without the bubblewrap sandbox (only where it cannot run); every output says so.",
)
extra_tests_option = click.option(
    "--extra-tests",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="CLASSROOM50_BUNDLE_DIR",
    help="A folder of teacher-only tests (test_<slug>*.py) that count too "
    "[default: $CLASSROOM50_BUNDLE_DIR].",
)


@main.command("list")
@pass_env
def list_(env: Env) -> None:
    """Every kata by level, with its status and points."""
    from grader.learning.report import render_list

    click.echo(render_list(env.catalogue, env.progress, env.paint, env.locked()))


@main.command()
@click.argument("slug")
@pass_env
def start(env: Env, slug: str) -> None:
    """Show SLUG's task and make it the current kata (your files are never overwritten)."""
    from grader.learning import commands

    click.echo(commands.start(env, env.catalogue.get(slug)))


@main.command("next")
@pass_env
def next_(env: Env) -> None:
    """Start the next kata after the current one that has not passed yet."""
    from grader.learning import commands

    kata = commands.next_kata(env)
    if kata is None:
        click.echo("Every kata has passed. Well done!")
        return
    click.echo(commands.start(env, kata))


@main.command()
@click.argument("slug", required=False)
@click.option("--all", "all_", is_flag=True, help="Check every kata.")
@click.option("-v", "--verbose", is_flag=True, help="List every test, passing tasks too.")
@pass_env
def check(env: Env, slug: str | None, all_: bool, verbose: bool) -> None:
    """Run the tests of SLUG (default: the current kata; SLUG becomes current) on your code."""
    from grader.learning import commands

    katas = list(env.catalogue.katas) if all_ else [env.kata_or_current(slug)]
    ok = commands.check(env, katas, echo=click.echo, verbose=verbose)
    sys.exit(0 if ok else 1)


@main.command()
@click.argument("slug", required=False)
@click.option("--task", "number", type=int, help="The task to climb (default: the first failing).")
@pass_env
def hint(env: Env, slug: str | None, number: int | None) -> None:
    """The next hint of the first failing task of SLUG (default: the current kata)."""
    from grader.learning import commands

    click.echo(commands.hint(env, env.kata_or_current(slug), number))


@main.command()
@click.option(
    "--svg",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a progress badge (SVG) to this file.",
)
@pass_env
def progress(env: Env, svg: Path | None) -> None:
    """Your progress per level, with points, hints used and the suggested next kata."""
    from grader.learning import commands

    click.echo(commands.progress(env, svg))


@main.command()
@click.argument("slug")
@pass_env
def solution(env: Env, slug: str) -> None:
    """Show SLUG's reference solution, once your own passes."""
    from grader.learning import commands

    click.echo(commands.solution(env, env.catalogue.get(slug)))


@main.command()
@click.argument("slug", required=False)
@click.option(
    "--poll/--events",
    default=None,
    help="Force polling, or native file events (default: events, polling if they do not arrive).",
)
@pass_env
def watch(env: Env, slug: str | None, poll: bool | None) -> None:
    """Re-run the check of SLUG (default: the current kata) on every save."""
    from grader.learning import commands
    from grader.learning.watch import watch as run_watch
    from grader.running.runner import WorkerPool

    kata = env.kata_or_current(slug)
    commands.start(env, kata)  # makes it current; recreates a missing stub, overwrites nothing
    with WorkerPool(env.catalogue.root, [kata], 1) as warm:  # every save forks a warm worker
        run_watch(
            env,
            kata,
            poll,
            click.echo,
            lambda: commands.check(env, [kata], echo=click.echo, workers=warm),
        )


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Reset every kata.")
@pass_env
def reset(env: Env, slugs: tuple[str, ...], all_: bool) -> None:
    """Restore the stub of SLUG, after saving your files to .kata/backups/."""
    from grader.learning import commands

    if not slugs and not all_:
        raise click.UsageError("name a kata to reset (or --all)")
    katas = list(env.catalogue.katas) if all_ else [env.catalogue.get(s) for s in slugs]
    click.echo(commands.reset(env, katas))


@main.command()
@click.argument("slugs", nargs=-1)
@jobs_option
@click.option("--mutation", is_flag=True,
              help="The mutation gate instead: mechanical mutants of each solution must fail.")
@click.option("--changed", is_flag=True,
              help="With --mutation: run only the katas whose checked-in score is out of date.")
@click.option("--record", is_flag=True,
              help="With --mutation: write each measured score to the kata's _mutation.toml.")
@pass_env
def verify(env: Env, slugs: tuple[str, ...], jobs: int | None, mutation: bool, changed: bool,
           record: bool) -> None:
    """Prove katas sound: tests fail on the stub, pass on the solution, reject each mutant."""
    from grader.learning import commands

    if (changed or record) and not mutation:
        raise click.UsageError("--changed and --record go with --mutation")
    katas = [env.catalogue.get(s) for s in slugs] if slugs else list(env.catalogue.katas)
    if mutation:
        ok = commands.verify_mutation(env, katas, jobs, changed, record, echo=click.echo,
                                      progress=lambda line: click.echo(f"  {line}", err=True))
    else:
        ok = commands.verify(env, katas, jobs, echo=click.echo)
    sys.exit(0 if ok else 1)


@main.command()
@click.argument("slugs", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "markdown", "classroom50"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 unless every graded kata passes (one workflow step per kata).",
)
@extra_tests_option
@jobs_option
@no_sandbox_option
@pass_env
def grade(
    env: Env,
    slugs: tuple[str, ...],
    fmt: str,
    output: Path | None,
    strict: bool,
    extra_tests: Path | None,
    jobs: int | None,
    no_sandbox: bool,
) -> None:
    """Grade every kata (or SLUGS), each isolated, for a teacher.

    \b
    Exit codes: 0 graded (with --strict: and every graded kata passed),
    1 with --strict: a graded kata did not pass, 2 usage error,
    3 tampering with the tests or grader was found, 4 the grading itself broke.
    """
    from grader.teaching import grading

    try:
        katas = [env.catalogue.get(s) for s in slugs] if slugs else list(env.catalogue.katas)
    except grading.KataError as exc:
        if exc.exit_code == 2:
            raise
        _tampering_or_broken(env, exc)
    sandboxed = grading.require_sandbox(no_sandbox)
    book = grading.grade(
        env.catalogue, katas, extra_dir=extra_tests, jobs=jobs, sandboxed=sandboxed
    )
    if fmt == "classroom50":
        click.echo(grading.write_classroom50(book, output, env.catalogue))
    else:
        text = grading.render(book, fmt)
        if output is None:
            click.echo(text, nl=False)
        else:
            grading.write_output(text, output)
    if book.tampered:
        click.echo(
            "tampering found: "
            + "; ".join(dict.fromkeys(t for g in book.grades for t in g.tampered)),
            err=True,
        )
        sys.exit(3)
    sys.exit(1 if strict and not all(g.passed for g in book.grades) else 0)


def _tampering_or_broken(env: Env, exc: Exception) -> None:
    """A catalogue that no longer loads in a release is tampering if the manifest says so."""
    from grader import catalogue
    from grader.teaching import grading, integrity

    try:
        root = catalogue.find_root(env.repo)
    except catalogue.CatalogueError:
        raise grading.GradingError(str(exc)) from None
    checked = integrity.check(root, integrity.slugs_of(root))
    found = [t for files in checked.tampered.values() for t in files]
    if found:
        click.echo("tampering found: " + "; ".join(found), err=True)
        sys.exit(3)
    raise grading.GradingError(str(exc)) from None


def reveal_options(command):
    """--reveal and --deadline: when a passed kata's reference and approaches reach its learner
    (release records them; grade-all and merge-grades write the feedback files with them)."""
    command = click.option(
        "--deadline",
        metavar="ISO-8601",
        help="For after-deadline: from when (UTC unless it says otherwise) "
        "[default: katas.toml's].",
    )(command)
    return click.option(
        "--reveal",
        "policy",
        metavar="after-pass|after-deadline|never",
        help="When a passed kata's reference and approaches reach its learner "
        "[default: katas.toml's reveal, else after-pass].",
    )(command)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a non-empty FOLDER (kept as a backup).")
@reveal_options
@pass_env
def release(
    env: Env, folder: Path, force: bool, policy: str | None, deadline: str | None
) -> None:
    """Write the learner's template to FOLDER and the teacher's bundle beside it, then prove it."""
    from grader.teaching.release import release as write_release
    from grader.teaching.reveal import override

    chosen = override(env.catalogue, policy, deadline)
    template, bundle, notes = write_release(env.catalogue, folder, force, chosen)
    for note in notes:
        click.echo(note)
    click.echo(
        f"template: {template}\nteacher's bundle: {bundle}\nreveal: {chosen}: "
        + ("no reference leaves this repository" if chosen.policy == "never" else
           "the references and approaches travel in the teacher's bundle only (which "
           "Classroom50 publishes: hidden there, not secret)")
        + "\n"
        "self-check passed: the template grades to 0 and holds no solution code"
    )


def report_options(command):
    """The options of everything that writes a class's reports (grade-all, merge-grades)."""
    for option in reversed(
        [
            click.option(
                "--roster",
                type=click.Path(path_type=Path, dir_okay=False),
                help="The class roster (learner,repo[,email,sis_id]), for --lms.",
            ),
            click.option(
                "--lms",
                "systems",
                type=click.Choice(["canvas", "moodle"]),
                multiple=True,
                help="Also write the LMS's grade import file: canvas.csv or moodle.csv.",
            ),
            click.option(
                "--assignment",
                help="The LMS assignment (grade item) column [default: Python katas].",
            ),
            click.option(
                "--similarity-threshold",
                type=click.FloatRange(0, 1),
                help="The class report shows the pairs scoring at least this, side by side "
                "[default: 0.75].",
            ),
        ]
    ):
        command = option(command)
    return reveal_options(command)


@main.command("grade-all")
@click.argument("root", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where grades.csv and the class report go.",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Grade only shard K of N (a stable share by name) and write shard.json for "
    "merge-grades.",
)
@report_options
@extra_tests_option
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Learners graded at once (default: cores + 1)."
)
@no_sandbox_option
@pass_env
def grade_all(
    env: Env,
    root: Path,
    output_dir: Path,
    shard: str | None,
    extra_tests: Path | None,
    jobs: int | None,
    no_sandbox: bool,
    **report: object,
) -> None:
    """Grade every submission folder under ROOT against this repository's pristine tests."""
    from grader.teaching import gradeall
    from grader.teaching.grading import NO_SANDBOX, require_sandbox

    part = gradeall.Shard.parse(shard) if shard is not None else None
    options = gradeall.report_options(env.catalogue, part, **report)
    sandboxed = require_sandbox(no_sandbox)
    if not sandboxed:
        click.echo(f"warning: {NO_SANDBOX}", err=True)
    graded = gradeall.grade_all(env.catalogue, root, extra_tests, jobs, sandboxed, part)
    for sub in graded:
        click.echo(f"{sub.name}: {sub.book.score}/{sub.book.max_score}")
    if part is not None:
        path = gradeall.write_shard(env.catalogue, part, graded, output_dir, extra_tests)
        click.echo(f"shard {part}: {len(graded)} learners; wrote {path}")
        return
    _wrote(*gradeall.write_reports(env.catalogue, graded, output_dir, options))


@main.command("merge-grades")
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@report_options
@pass_env
def merge_grades(env: Env, out: Path, shards: tuple[Path, ...], **report: object) -> None:
    """Merge the folders that grade-all --shard wrote into OUT: the reports of one whole run."""
    from grader.teaching import collect, gradeall, shard

    options = gradeall.report_options(env.catalogue, None, **report)
    graded = shard.read(env.catalogue, list(shards))
    written, notes = gradeall.write_reports(env.catalogue, graded, out, options)
    listed = collect.merge_csv([folder / collect.FILE for folder in shards], out / collect.FILE)
    _wrote([*written, *listed], notes)


def _wrote(written: list[Path], notes: list[str]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for path in written:
        click.echo(f"wrote {path}")


@main.command("collect")
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--before",
    metavar="ISO-8601",
    help="Check out the last commit at or before this time (committer date; UTC unless it "
    "says otherwise).",
)
@click.option("--shard", metavar="K/N", help="Collect only the learners of shard K of N.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Repositories fetched at once [default: 8]."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    help="Seconds allowed per repository [default: 300].",
)
def collect_(
    roster: Path,
    dest: Path,
    before: str | None,
    shard: str | None,
    jobs: int | None,
    timeout: float | None,
) -> None:
    """Clone or update each learner's repository of ROSTER.csv into DEST/<learner>/."""
    from grader.teaching import collect
    from grader.teaching.roster import read
    from grader.teaching.shard import Shard

    deadline = collect.parse_deadline(before) if before is not None else None
    part = Shard.parse(shard) if shard is not None else None
    learners = [who for who in read(roster) if part is None or who.learner in part]
    rows = collect.collect(
        learners, dest, deadline, jobs or collect.JOBS, timeout or collect.TIMEOUT
    )
    for row in rows:
        if row.error:
            click.echo(f"{row.learner}: error: {row.error}")
        else:
            late = f", {row.late} commits after the deadline" if row.late else ""
            click.echo(f"{row.learner}: {row.commit[:12]} ({row.commit_time}){late}")
    failed = sum(bool(r.error) for r in rows)
    path = collect.write_csv(rows, dest / collect.FILE)
    click.echo(f"collected {len(rows) - failed}/{len(rows)}; wrote {path}")

"""Task runner. The sessions run in the environment you installed (`pip install -e '.[dev]'`),
so `nox` costs no extra virtualenv and runs offline; CI creates that environment itself. The one
exception is `oldest`, which builds its own virtualenv on the dependency floors.
"""

import nox

nox.options.sessions = ["lint", "tests", "verify", "mutation-changed", "oldest"]

# Every kata suite against the reference solutions, with the options a graded run fixes
# (grader/running/runner.py's pytest_args): pyproject sets them too, but a graded run reads no
# configuration file, so they are named here.
SUITES = (
    "tests/katas",
    "--kata-tree=solutions",
    "-q",
    "-p",
    "no:cacheprovider",
    "-o",
    "asyncio_mode=auto",
    "-o",
    "asyncio_default_fixture_loop_scope=function",
)


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    """ruff over the grader, the katas, the solutions and the tests."""
    session.run("ruff", "check", ".")


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """The grader's own tests (tests/grader)."""
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(python=False)
def solutions(session: nox.Session) -> None:
    """Every kata suite against the reference solutions, in one plain pytest process."""
    session.run("python", "-m", "pytest", *SUITES, *session.posargs)


@nox.session(python="3.11", venv_backend="uv")
def oldest(session: nox.Session) -> None:
    """Lint, the kata suites and most of the grader's tests on the lowest version of every
    dependency that pyproject allows, on the lowest Python: proof that the floors are honest.
    Unlike the others it builds a virtualenv of its own, with uv (a dev dependency):
    `lowest-direct` puts each of our dependencies at its floor and lets theirs resolve as usual."""
    session.install("--resolution", "lowest-direct", "-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("python", "-m", "pytest", *SUITES, *session.posargs)
    # The grader's tests, less the two files that test the kernel's confinement rather than a
    # library: they are half the time, and test_runner/test_grading run the sandbox on the floors.
    session.run(
        "python", "-m", "pytest", "-q", "--ignore=tests/grader/test_sandbox.py",
        "--ignore=tests/grader/test_hostile.py", *session.posargs,
    )


@nox.session(python=False)
def verify(session: nox.Session) -> None:
    """The author gate: tests fail on the stub, pass on the solution, reject each mutant."""
    session.run("kata", "verify", *session.posargs)


@nox.session(python=False)
def mutation(session: nox.Session) -> None:
    """The mutation gate over every kata: mechanical mutants of each solution must fail."""
    session.run("kata", "verify", "--mutation", *session.posargs)


@nox.session(name="mutation-changed", python=False)
def mutation_changed(session: nox.Session) -> None:
    """CI's mutation gate: re-runs only the katas whose recorded score is out of date.

    A kata's `solutions/mutants/<slug>/_mutation.toml` holds its score and a fingerprint of all
    the score depends on; any change to those files re-runs the kata."""
    session.run("kata", "verify", "--mutation", "--changed", *session.posargs)


@nox.session(python=False)
def bench(session: nox.Session) -> None:
    """The speed benchmarks (not part of the test run); prints a table of medians and ratios."""
    session.run("python", "benchmarks/bench.py", *session.posargs)

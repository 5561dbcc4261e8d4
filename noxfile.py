"""Task runner. The sessions run in the environment you installed (`pip install -e '.[dev]'`),
so `nox` costs no extra virtualenv and runs offline; CI creates that environment itself.
"""

import nox

nox.options.sessions = ["lint", "tests", "verify", "mutation-changed"]


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
    session.run(
        "python", "-m", "pytest", "tests/katas", "--kata-tree=solutions", "-q", *session.posargs
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

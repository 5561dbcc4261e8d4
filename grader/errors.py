"""The one exception type the core raises for a user's mistake; the CLI turns it into one line."""


class KataError(Exception):
    """A problem the user can fix: printed as one line, never as a traceback."""

    exit_code = 1


class UsageError(KataError):
    """The command was asked for something that does not exist (exit code 2, like Click)."""

    exit_code = 2

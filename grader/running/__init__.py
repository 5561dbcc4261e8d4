"""Running a suite: the runner, the supervisor child, the pytest plugin and the sandbox."""

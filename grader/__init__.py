"""kata: auto-graded Python web and backend katas.

The core modules (catalogue, runner, plugin, report, progress) import without Click, so that
they can be used and tested on their own; only ``grader.cli`` knows about the command line.
"""

__version__ = "0.1.0"

"""The entry point Gunicorn imports: ``gunicorn horizontal_scaling.wsgi:app`` (Task 5).

Read katas/horizontal_scaling.md, then replace the placeholder below with your code.
"""

from __future__ import annotations

STORE_ENV = "STORE_URL"

# Task 5: read the shared database URL from $STORE_URL (refuse to start without it: raise
# RuntimeError) and build the app with create_app().
app = None

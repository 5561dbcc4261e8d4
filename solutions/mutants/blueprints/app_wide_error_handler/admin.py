"""The JSON error handler uses bp.app_errorhandler, so it replaces every HTML error page."""

from __future__ import annotations

from _reference.admin import *

del bp.error_handler_spec[None][None][HTTPException]  # the reference's blueprint-only handler
bp.app_errorhandler(HTTPException)(json_error)

"""The admin guard uses bp.before_app_request, so it runs for every request of the app.

before_app_request registers an app-wide hook: the public pages then demand an admin token.
"""

from __future__ import annotations

import _reference.admin as ref
from _reference.admin import *

bp.before_request_funcs[None].remove(ref.require_admin)
bp.before_app_request(ref.require_admin)

"""Labels request metrics with the raw path: every distinct URL becomes a new time series."""

from __future__ import annotations

import _reference
from _reference import *
from flask import request


def create_app(*args, **kwargs):
    app = _reference.create_app(*args, **kwargs)
    # Swap the reference's after_request hook for one that counts into the same Counter.
    (count,) = app.after_request_funcs[None]
    cells = dict(zip(count.__code__.co_freevars, count.__closure__, strict=True))
    requests_total = cells["requests_total"].cell_contents

    def count_by_path(response):
        requests_total.labels(request.method, request.path, str(response.status_code)).inc()
        return response

    app.after_request_funcs[None] = [count_by_path]
    return app

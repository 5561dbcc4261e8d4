"""One hop count for both headers (ProxyFix(x_for=n, x_proto=n)), as the kata used to teach.

With two proxies of which only the edge one sets X-Forwarded-Proto, ProxyFix finds one value
where it expects two, keeps the scheme at http, and every request is redirected to itself.
"""

import _reference
from _reference import *


def create_app(settings, x_for=1, x_proto=1):
    _reference._hops("x_proto", x_proto)
    return _reference.create_app(settings, x_for, x_for)

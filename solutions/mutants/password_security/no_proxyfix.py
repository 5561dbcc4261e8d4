"""Forgets ProxyFix: behind a TLS-terminating proxy every request looks like http, forever."""

import _reference
from _reference import *


def create_app(settings, x_for=1, x_proto=1):
    _reference._hops("x_for", x_for), _reference._hops("x_proto", x_proto)
    return _reference.create_app(settings, 0, 0)  # 0 hops: no ProxyFix, whatever it says

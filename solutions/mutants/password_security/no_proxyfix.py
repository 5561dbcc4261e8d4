"""Forgets ProxyFix: behind a TLS-terminating proxy every request looks like http, forever."""

import _reference
from _reference import *


def create_app(settings, trusted_hops=1):
    return _reference.create_app(settings, trusted_hops=0)  # 0 hops: no ProxyFix, whatever it says

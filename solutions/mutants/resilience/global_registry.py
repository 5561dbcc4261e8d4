"""Registers the metrics in prometheus_client's global registry, shared by every app."""

import _reference
import prometheus_client
from _reference import *

_reference.CollectorRegistry = lambda: prometheus_client.REGISTRY

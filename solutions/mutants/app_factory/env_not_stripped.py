"""Does not strip environment values, so KATA_PAGE_SIZE="50\n" (from a file) is refused."""

import _reference
from _reference import *

_original = _reference.from_env


def from_env(name, raw, kind):
    if kind in (int, bool) and raw != raw.strip():
        raise ConfigError(f"{name}={raw!r}: unexpected whitespace")
    return _original(name, raw, kind)


_reference.from_env = from_env

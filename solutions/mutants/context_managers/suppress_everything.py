"""suppress_and_log suppresses and logs every Exception, not only the listed types."""

from _reference import *
from _reference import suppress_and_log as _suppress_and_log


class suppress_and_log(_suppress_and_log):
    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or not issubclass(exc_type, Exception):
            return False
        self.logger.error("suppressed %s", exc_type.__name__, exc_info=(exc_type, exc, tb))
        return True

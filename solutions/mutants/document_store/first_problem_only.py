"""The schema raises on the first problem it finds instead of reporting every problem at once."""

from _reference import *

_every_problem = Schema.validate


def _validate(self, document):
    try:
        return _every_problem(self, document)
    except ValidationError as exc:
        raise ValidationError(exc.problems[:1]) from None


Schema.validate = _validate

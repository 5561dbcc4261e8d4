"""The schema raises on the first problem it finds instead of reporting every problem at once."""

import copy

from _reference import *
from _reference import _MISSING, _TYPE_NAMES


def _validate(self, document):
    result = copy.deepcopy(dict(document))
    for name, spec in self.fields.items():
        value = result.get(name)
        if value is None and spec.default is not _MISSING:
            value = spec.default() if callable(spec.default) else copy.deepcopy(spec.default)
            result[name] = value
        if value is None:
            if spec.required:
                raise ValidationError([f"{name}: is required"])
        elif not spec.accepts(value):
            raise ValidationError([f"{name}: expected {_TYPE_NAMES[spec.type]}"])
    return result


Schema.validate = _validate

"""Checks the caller's document for JSON values, but not the defaults the schema fills in.

A callable default can bring in a set or a datetime, and the store then holds a value that JSON
cannot carry.
"""

import copy

import _reference
from _reference import *
from _reference import _check_json


class Collection(Collection):
    def _prepare(self, document):
        if not isinstance(document, dict):
            raise InvalidDocument(f"a document must be a dict, not {type(document).__name__}")
        doc = copy.deepcopy(dict(document))
        _check_json(doc, "")
        if self._schema is not None:
            doc = self._schema.validate(doc)
        return doc


_reference.Collection = Collection

"""Updates documents one by one in place, so a schema error half-way leaves earlier ones changed."""

from _reference import *
from _reference import _check_changes, _check_query, _matches, _set, _split, _unset


def _update(self, query, changes):
    q = _check_query(query)
    sets, unsets = _check_changes(changes)
    count = 0
    for doc_id, doc in list(self._docs.items()):
        if not _matches(doc, q):
            continue
        for path, value in sets.items():
            _set(doc, _split(path), value)
        for path in unsets:
            _unset(doc, _split(path))
        if self._schema is not None:
            self._docs[doc_id] = self._schema.validate(doc)
        count += 1
    return count


Collection.update = _update

"""A refused request gets a JSON body with only a message, no "error": "Forbidden"."""

import _reference
from _reference import *
from flask import jsonify

_reference.forbidden = lambda message: jsonify(message=message)

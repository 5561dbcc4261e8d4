"""The secret key is written in the code instead of read from FLASK_SECRET_KEY.

Long enough to pass a length check, and known to everyone who can read the repository: they
can sign any session they like.
"""

import _reference
from _reference import *


def load_secret_key(environ=None):
    return "supersecretkey-supersecretkey-supersecretkey"


_reference.load_secret_key = load_secret_key  # the reference's create_app looks it up there

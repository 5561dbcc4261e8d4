"""decode_token switches off the audience check and ignores iss, as tokens without them did before.

A token that another service signed with the same key (for another audience, or from another
issuer) is accepted here.
"""

import _reference
import jwt
from _reference import *


def decode_token(token, secret, *, issuer=ISSUER, audience=AUDIENCE):
    claims = jwt.decode(token, secret, algorithms=["HS256"],
                        options={"require": ["sub", "role", "iat", "exp"], "verify_aud": False})
    for name in ("exp", "iat", "nbf"):
        if name in claims and not _reference._is_numeric_date(claims[name]):
            raise jwt.DecodeError(f"{name} must be a number")
    if not isinstance(claims["role"], str):
        raise jwt.InvalidTokenError("the role claim must be a string")
    return claims


_reference.decode_token = decode_token

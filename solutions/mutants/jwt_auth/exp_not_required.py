"""decode_token does not require `exp`, so a token without one never expires.

PyJWT only checks the expiry of a token that has an `exp` claim; a forged or careless token
without it is accepted forever unless options={"require": ["exp", ...]} says otherwise.
"""

import _reference
import jwt
from _reference import *


def decode_token(token, secret, *, issuer=ISSUER, audience=AUDIENCE):
    claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=issuer, audience=audience)
    for name in ("exp", "iat", "nbf"):
        if name in claims and not _reference._is_numeric_date(claims[name]):
            raise jwt.DecodeError(f"{name} must be a number")
    return claims


_reference.decode_token = decode_token

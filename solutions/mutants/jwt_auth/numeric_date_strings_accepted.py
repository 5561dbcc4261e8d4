"""decode_token trusts PyJWT alone, which int()s a string exp: "exp": "9999999999" passes.

RFC 7519 makes exp, iat and nbf NumericDates (JSON numbers); PyJWT converts strings with int(),
so a token that says "exp": "9999999999" (or " 9999999999 ") is accepted.
"""

import _reference
import jwt
from _reference import *


def decode_token(token, secret, *, issuer=ISSUER, audience=AUDIENCE):
    claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=issuer, audience=audience,
                        options={"require": _reference.REQUIRED_CLAIMS})
    if not isinstance(claims["role"], str):
        raise jwt.InvalidTokenError("the role claim must be a string")
    return claims


_reference.decode_token = decode_token

"""The issuer is checked with `in`, so any substring of ours passes (PyJWT 2.10.0's CVE-2024-53861).

`claims["iss"] in issuer` accepts "https://auth.kata" (or even "h") for
"https://auth.kata.example".
"""

import _reference
import jwt
from _reference import *

_right_decode = _reference.decode_token


def decode_token(token, secret, *, issuer=ISSUER, audience=AUDIENCE):
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience=audience,
                        options={"require": _reference.REQUIRED_CLAIMS})
    if claims["iss"] not in issuer:
        raise jwt.InvalidIssuerError("Invalid issuer")
    return _right_decode(token, secret, issuer=claims["iss"], audience=audience)


_reference.decode_token = decode_token

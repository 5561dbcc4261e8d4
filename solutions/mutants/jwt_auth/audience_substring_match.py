"""The audience is checked with `in` on the claim, so "kata-api-admin" counts as "kata-api"."""

import _reference
import jwt
from _reference import *

_right_decode = _reference.decode_token


def decode_token(token, secret, *, issuer=ISSUER, audience=AUDIENCE):
    claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=issuer,
                        options={"require": _reference.REQUIRED_CLAIMS, "verify_aud": False})
    if audience not in claims["aud"]:
        raise jwt.InvalidAudienceError("Audience doesn't match")
    return _right_decode(token, secret, issuer=issuer, audience=claims["aud"]
                         if isinstance(claims["aud"], str) else audience)


_reference.decode_token = decode_token

"""decode_token turns off the expiry check (verify_exp=False), so expired tokens still work."""

import _reference
import jwt
from _reference import *


def decode_token(token, secret, *, issuer=ISSUER, audience=AUDIENCE):
    return jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        issuer=issuer,
        audience=audience,
        options={"require": _reference.REQUIRED_CLAIMS, "verify_exp": False},
    )


_reference.decode_token = decode_token

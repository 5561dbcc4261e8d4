"""decode_token calls jwt.decode without algorithms=[...], so PyJWT 2 rejects every token.

The bank's sample does `jwt.decode(token, key)`: PyJWT 1 then trusted the token's own `alg`
header; PyJWT 2 raises DecodeError for every token, the valid ones included.
"""

import _reference
import jwt
from _reference import *


def decode_token(token, secret, *, issuer=ISSUER, audience=AUDIENCE):
    return jwt.decode(token, secret, issuer=issuer, audience=audience,
                      options={"require": _reference.REQUIRED_CLAIMS})


_reference.decode_token = decode_token  # the reference's token_required looks the name up there

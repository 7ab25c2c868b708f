"""Mints a JWT access token with joserfc for the interop scenario behind identity.issuers.

    python mint_token.py KEY_FILE JWKS_FILE CLAIMS_JSON

Makes an RSA key (KEY_FILE, private) and its JWKS (JWKS_FILE, public) the first time, then prints a token with
CLAIMS_JSON signed by that key (RS256, kid "interop").
"""
import json
import os
import sys

from joserfc import jwt
from joserfc.jwk import RSAKey


def main():
    key_file, jwks_file, claims = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if os.path.exists(key_file):
        with open(key_file) as file:
            key = RSAKey.import_key(json.load(file))
    else:
        key = RSAKey.generate_key(2048, parameters={"kid": "interop"})
        with open(key_file, "w") as file:
            json.dump(key.as_dict(private=True), file)
        with open(jwks_file, "w") as file:
            json.dump({"keys": [key.as_dict(private=False)]}, file)
    print(jwt.encode({"alg": "RS256", "kid": "interop"}, claims, key, algorithms=["RS256"]))


if __name__ == "__main__":
    main()

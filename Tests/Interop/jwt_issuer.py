"""An OAuth authorization server's token side, for the identity tests: signing keys (RSA, EC P-256, Ed25519)
made with joserfc, their JWKS served on loopback, and tokens minted on request.

    python jwt_issuer.py        prints {"port": N, "issuer": URL} and serves until stdin closes

GET  /jwks                         the published keys (Cache-Control: max-age=300), or what `mode` says
POST /mode     {"mode": M}         "ok", "down" (503), "garbage" (200 with a body that is not a JWKS)
POST /publish  {"kids": [...]}     which keys the JWKS lists (rotation)
POST /mint     {"kid", "alg", "claims", "header"?, "forge"?}   a token signed by joserfc with that key, or forged
               ("none": unsigned; "hs256-public": HMAC keyed with the key's public PEM; "big-header": a 4 KB header)
GET  /stats                        {"jwks_requests": N}
"""
import base64
import hashlib
import hmac
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

KEYS = {
    "rsa-1": RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}),
    "rsa-2": RSAKey.generate_key(2048, parameters={"kid": "rsa-2"}),
    "rsa-unpublished": RSAKey.generate_key(2048, parameters={"kid": "rsa-unpublished"}),
    "ec-1": ECKey.generate_key("P-256", parameters={"kid": "ec-1"}),
    "ed-1": OKPKey.generate_key("Ed25519", parameters={"kid": "ed-1"}),
}
state = {"mode": "ok", "published": ["rsa-1", "ec-1", "ed-1"], "jwks_requests": 0}
lock = threading.Lock()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(kind, header, claims, kid):
    """Tokens no JOSE library would sign: `none` (unsigned), and HS256 keyed with the RSA key's public PEM (the
    algorithm-confusion attack: a verifier that lets the token pick HMAC would take the public key as the secret)."""
    if kind == "big-header":  # a header past any sane size; the signature does not matter, it is never reached
        header = {**header, "x": "a" * 4000}
        return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}.{b64(b'not checked')}"
    header = {**header, "alg": "none" if kind == "none" else "HS256"}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    if kind == "none":
        return signing_input + "."
    secret = KEYS[kid].as_pem(private=False)
    return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/jwks":
            with lock:
                state["jwks_requests"] += 1
                mode, published = state["mode"], list(state["published"])
            if mode == "down":
                return self.reply(503, {"error": "temporarily unavailable"})
            if mode == "garbage":
                return self.reply(200, b"<html>this is not a JWKS</html>", "text/html")
            keys = [KEYS[kid].as_dict(private=False) for kid in published]
            return self.reply(200, {"keys": keys}, "application/jwk-set+json", [("Cache-Control", "max-age=300")])
        if self.path == "/stats":
            with lock:
                return self.reply(200, {"jwks_requests": state["jwks_requests"]})
        self.reply(404, {"error": "no such path"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.path == "/mode":
            with lock:
                state["mode"] = body["mode"]
            return self.reply(200, {"mode": body["mode"]})
        if self.path == "/publish":
            with lock:
                state["published"] = body["kids"]
            return self.reply(200, {"published": body["kids"]})
        if self.path == "/mint":
            header = {"alg": body["alg"], "kid": body["kid"], "typ": "at+jwt", **body.get("header", {})}
            if body.get("forge"):
                return self.reply(200, {"token": forge(body["forge"], header, body["claims"], body["kid"])})
            token = jwt.encode(header, body["claims"], KEYS[body["kid"]], algorithms=[body["alg"]])
            return self.reply(200, {"token": token})
        self.reply(404, {"error": "no such path"})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": port, "issuer": f"http://127.0.0.1:{port}"}), flush=True)
    sys.stdin.read()  # the test closes stdin (or exits) to stop the issuer
    server.shutdown()


if __name__ == "__main__":
    main()

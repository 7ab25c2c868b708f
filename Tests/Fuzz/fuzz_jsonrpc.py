#!/usr/bin/env python3
"""Fuzzes plugboard's JSON-RPC transports with mutated messages of both protocol eras.

    python3 Tests/Fuzz/fuzz_jsonrpc.py --count 20000 --seed 1 --stdio .build/debug/plugboard serve --stdio
    python3 Tests/Fuzz/fuzz_jsonrpc.py --count 3000 --seed 1 --http http://127.0.0.1:8000/mcp \
        --extra-path /v1/mcp --extra-path /v2/mcp

`--stdio` takes the rest of the command line as the server to start (one message per line on its stdin and
stdout); `--http` posts to a server that is already running, over one keep-alive connection.

The messages come from a corpus of valid requests, notifications, responses and batches of the handshake era
(an `initialize` fixes the version) and of the stateless 2026-07-28 era (every request carries
`_meta["io.modelcontextprotocol/protocolVersion"]`, and over HTTP the MCP-Protocol-Version, Mcp-Method and
Mcp-Name headers), mutated: byte flips, truncation, duplicate keys, wrong types, huge numbers, nesting beyond
the server's depth limit, invalid UTF-8, NUL bytes, overlong strings, unknown methods, ids of every JSON type,
garbage and empty lines; over HTTP the routing headers are mutated too. A well-formed `ping` goes out every
`--ping-every` messages and must be answered within `--timeout` seconds.

It fails (exit status 1) when the server exits, writes a line that is not JSON-RPC (stdio), answers with a
body that is neither JSON nor SSE carrying JSON (HTTP; empty 202 and 204 bodies are fine), drops a connection
without answering, answers 5xx other than 503, or leaves a ping unanswered. The failure names the seed, the
index of the message and the last messages sent, and writes the recent messages to a file to replay them.
The same seed and transport always generate the same messages.

At the end it prints one JSON line: messages sent, pings answered, replies seen, seconds and rate.

Standard library only: it runs with any python3 (3.8 or later).
"""

from __future__ import annotations

import argparse
import base64
import collections
import http.client
import json
import os
import random
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

STATELESS = "2026-07-28"
HANDSHAKE_VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities"
CLIENT_INFO_KEY = "io.modelcontextprotocol/clientInfo"
LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel"
TASKS_KEY = "io.modelcontextprotocol/tasks"
PING_PREFIX = "fuzz-ping-"


class FuzzFailure(Exception):
    """What the server did wrong, in one sentence; the driver adds the seed, the index and the messages."""


# MARK: - JSON text with room for what json.dumps cannot write


class Raw:
    """Literal bytes spliced into the JSON text: huge numbers, deep nesting, invalid UTF-8, bare escapes."""

    __slots__ = ("text",)

    def __init__(self, text: bytes):
        self.text = text


class Pairs:
    """An object whose members keep their order and may repeat a key."""

    __slots__ = ("members",)

    def __init__(self, members: list):
        self.members = members


def encode(value, out: list) -> None:
    if isinstance(value, Raw):
        out.append(value.text)
    elif isinstance(value, dict):
        encode_members(list(value.items()), out)
    elif isinstance(value, Pairs):
        encode_members(value.members, out)
    elif isinstance(value, list):
        out.append(b"[")
        for i, item in enumerate(value):
            if i:
                out.append(b",")
            encode(item, out)
        out.append(b"]")
    else:
        # Lone surrogates put into a str on purpose come out as CESU-8, which is invalid UTF-8: wanted.
        out.append(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def encode_members(members: list, out: list) -> None:
    out.append(b"{")
    for i, (key, item) in enumerate(members):
        if i:
            out.append(b",")
        encode(key, out)
        out.append(b":")
        encode(item, out)
    out.append(b"}")


def to_bytes(value) -> bytes:
    out: list = []
    encode(value, out)
    return b"".join(out)


# MARK: - What the server must answer with


def _refuse_constant(name: str):
    raise ValueError(f"non-JSON constant {name}")


class _Duplicates:
    """object_pairs_hook that notes a repeated key anywhere in a message."""

    def __init__(self):
        self.found = None

    def __call__(self, pairs):
        obj = dict(pairs)
        if len(obj) != len(pairs) and self.found is None:
            seen = set()
            for key, _ in pairs:
                if key in seen:
                    self.found = key
                    break
                seen.add(key)
        return obj


def parse_json(data: bytes):
    """The document, or raises ValueError saying why the bytes are not one JSON document in UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 ({error})")
    hook = _Duplicates()
    try:
        document = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=hook)
    except ValueError as error:
        raise ValueError(f"not JSON ({error})")
    if hook.found is not None:
        raise ValueError(f"an object repeats the key {hook.found!r}")
    return document


def rpc_problem(message) -> str | None:
    """None when `message` is one JSON-RPC 2.0 message a server may send; otherwise what is wrong with it."""
    if not isinstance(message, dict):
        return f"a {type(message).__name__}, not an object"
    if message.get("jsonrpc") != "2.0":
        return 'no "jsonrpc": "2.0"'
    if "method" in message:
        if not isinstance(message["method"], str):
            return "a method that is not a string"
        if "params" in message and not isinstance(message["params"], (dict, list)):
            return "params that are neither an object nor an array"
        if "result" in message or "error" in message:
            return "a method together with a result or an error"
        extra = set(message) - {"jsonrpc", "method", "params", "id"}
    else:
        if "id" not in message:
            return "neither a method nor an id"
        if ("result" in message) == ("error" in message):
            return "not exactly one of result and error"
        if "error" in message:
            error = message["error"]
            if not isinstance(error, dict):
                return "an error that is not an object"
            if type(error.get("code")) is not int:
                return "an error code that is not an integer"
            if not isinstance(error.get("message"), str):
                return "an error message that is not a string"
        extra = set(message) - {"jsonrpc", "id", "result", "error"}
    if "id" in message:
        ident = message["id"]
        if ident is not None and not isinstance(ident, (str, int, float)) or isinstance(ident, bool):
            return f"an id that is a {type(ident).__name__} (ids are strings, numbers or null)"
    if extra:
        return f"members JSON-RPC does not define: {sorted(extra)}"
    return None


def check_document(document) -> list:
    """The messages of one document the server sent (an object, or a batch of them); raises ValueError."""
    messages = document if isinstance(document, list) else [document]
    if isinstance(document, list) and not document:
        raise ValueError("an empty array")
    for message in messages:
        problem = rpc_problem(message)
        if problem:
            raise ValueError(f"not JSON-RPC: {problem}")
    return messages


def is_reply(message: dict) -> bool:
    return "id" in message and ("result" in message or "error" in message)


def excerpt(data: bytes, limit: int = 400) -> str:
    shown = repr(data[:limit])
    return shown + (f" … ({len(data)} bytes)" if len(data) > limit else "")


# MARK: - The corpus and its mutations


TOOLS = [
    ("math_add", lambda g: {"a": g.number(), "b": g.number()}, ["1.0"], 8),
    ("math_calculate", lambda g: {"a": g.number(), "b": g.number(), "op": g.rng.choice(["add", "sub", "mul", "div", "mod"]),
                                  **({"precision": g.rng.randint(-1, 16)} if g.rng.random() < 0.5 else {})},
     ["1.0", "2.0"], 6),
    ("hello_greet", lambda g: {"name": g.text(), **({"language": g.rng.choice(["de", "en", "es", "fr", "xx"])}
                                                    if g.rng.random() < 0.6 else {})}, ["1.0", "2.0"], 5),
    ("notes_add_note", lambda g: {"title": g.text(), "body": g.text(),
                                  **({"tags": [g.text() for _ in range(g.rng.randint(0, 3))]} if g.rng.random() < 0.5 else {})},
     [], 1),
    ("notes_reindex", lambda g: {}, [], 1),  # about a second, with progress; not sent over HTTP (it would hold the connection)
    ("math_missing", lambda g: {}, [], 1),
    ("", lambda g: {}, [], 1),
]
RESOURCES = ["notes://notes/index", "notes://notes/note/1", "notes://notes/note/2", "notes://notes/note/999999",
             "notes://notes/note/-1", "notes://notes/note/abc", "notes://notes/note/", "notes://notes/note/{id}",
             "notes://notes/note/1?x=1", "notes://notes/note/%00", "notes://elsewhere", "file:///etc/passwd", ""]
PINS = ["1.0", "2.0", "3.0", "", "2", "1.0.0", " 1.0"]
UNKNOWN_METHODS = ["tools/cal", "tools/list/", "TOOLS/LIST", "rpc.discover", "notifications/unknown", "resources/write",
                   "completion/complete", "sampling/createMessage", "elicitation/create", "roots/list", "tasks/list",
                   "", " ", "ping ", "x" * 300, "tools/\u0000call", "töols/list", "../../etc", "initialize\u200b"]
LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency", "verbose", ""]
INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc0\x80", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80",
                b"\xf8\x88\x80\x80\x80", b"\xef\xbf\xbe"]
HUGE_NUMBERS = [b"1e400", b"-1e400", b"1e-400", b"123456789012345678901234567890123456789", b"9007199254740993",
                b"-9223372036854775809", b"18446744073709551616", b"0.0000000000000000000000000000001", b"-0", b"1E+2",
                b"1" * 400, b"1." + b"0" * 400 + b"1", b"0e0", b"1e2147483648"]
BAD_NUMBERS = [b"01", b"1.", b".5", b"+1", b"0x10", b"NaN", b"Infinity", b"-", b"1e", b"--1"]
JUNK_LINES = [b"null", b"1", b'"text"', b"true", b"{}", b"[]", b"[[]]", b"[{}]", b"{", b"}", b"[", b'{"', b'{"jsonrpc"',
              b'{"jsonrpc":"2.0"}', b'{"jsonrpc":"1.0","id":1,"method":"ping"}', b'{"id":1,"method":"ping"}',
              b"\xef\xbb\xbf{}", b"\x00", b"\x00" * 64, b"\x1b[2J", b"Content-Length: 12", b"GET / HTTP/1.1",
              b"\r", b"\t \t", b"\x0b\x0c"]


class Case:
    """One message to send: the bytes (one or more lines over stdio), and over HTTP its path and headers."""

    __slots__ = ("body", "lines", "era", "method", "name", "path", "headers")

    def __init__(self):
        self.body = b""
        self.lines: list = []
        self.era = None
        self.method = None
        self.name = None
        self.path = None
        self.headers: list = []


class Generator:
    """The messages of one seed, in order. Only the seed, the transport and the limits decide them."""

    def __init__(self, seed: int, transport: str, max_depth: int, max_bytes: int, paths: list):
        self.rng = random.Random(seed)
        self.http = transport == "http"
        self.max_depth = max_depth
        self.max_bytes = max_bytes
        self.paths = paths
        self.recent_ids: collections.deque = collections.deque(maxlen=16)
        # The ids of the long calls sent (notes_reindex: a second each, and one at a time since the component is not
        # reentrant), for the driver to cancel before the end of input: else the drain waits on a queue of them.
        self.long_calls: list = []
        self.serial = 0
        self.tools = [tool for tool in TOOLS if not (self.http and tool[0] == "notes_reindex")]
        self.tool_weights = [tool[3] for tool in self.tools]

    # Values

    def number(self):
        r = self.rng.random()
        if r < 0.6:
            return self.rng.randint(-1000, 1000)
        if r < 0.85:
            return round(self.rng.uniform(-1e6, 1e6), self.rng.randint(0, 8))
        if r < 0.95:
            return self.rng.choice([0, -0.0, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 63, -(2 ** 63), 2 ** 64])
        return Raw(self.rng.choice(HUGE_NUMBERS))

    def text(self):
        r = self.rng.random()
        if r < 0.6:
            return self.rng.choice(["Ada", "Grace", "x", "notes", "a b", "Zoë", "名前", "🦜", "\u202eevil", "\u00a0"])
        if r < 0.8:
            return "".join(chr(self.rng.randint(32, 126)) for _ in range(self.rng.randint(0, 40)))
        if r < 0.9:
            return "".join(chr(self.rng.choice([self.rng.randint(0, 31), self.rng.randint(0x80, 0x7ff),
                                                self.rng.randint(0x800, 0xd7ff), self.rng.randint(0xe000, 0xffff),
                                                self.rng.randint(0x10000, 0x10ffff)])) for _ in range(self.rng.randint(1, 12)))
        return ""

    def any_value(self, depth: int = 0):
        kinds = ["null", "bool", "int", "float", "string", "huge", "array", "object"]
        kind = self.rng.choice(kinds if depth < 3 else kinds[:6])
        if kind == "null":
            return None
        if kind == "bool":
            return self.rng.random() < 0.5
        if kind == "int":
            return self.rng.choice([0, 1, -1, 42, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 2 ** 70])
        if kind == "float":
            return self.rng.choice([0.5, -0.0, 1e-300, 3.14159, 1.7976931348623157e308])
        if kind == "string":
            return self.text()
        if kind == "huge":
            return Raw(self.rng.choice(HUGE_NUMBERS))
        if kind == "array":
            return [self.any_value(depth + 1) for _ in range(self.rng.randint(0, 4))]
        return {self.text(): self.any_value(depth + 1) for _ in range(self.rng.randint(0, 4))}

    def any_id(self):
        r = self.rng.random()
        if r < 0.15:
            return None
        if r < 0.25:
            return self.rng.random() < 0.5
        if r < 0.4:
            return self.rng.choice([0, -1, 1.5, -0.0, 2 ** 53, 2 ** 64, 1e300])
        if r < 0.5:
            return Raw(self.rng.choice(HUGE_NUMBERS))
        if r < 0.7:
            return self.rng.choice(["", " ", "1", "id\u0000nul", "🦜", "x" * self.rng.randint(100, 5000), "\ud800x",
                                    PING_PREFIX.upper(), "null"])
        if r < 0.8:
            return Raw(self.rng.choice([b'"\\ud800"', b'"\\udfff\\ud800"', b'"\\u0000"', b'"\\x"', b'"\\u12"', b'"\t"']))
        if r < 0.9:
            return [self.any_value(1) for _ in range(self.rng.randint(0, 3))]
        return {"id": self.any_value(1)}

    def deep(self) -> Raw:
        """Nesting at, just past and far past the limit (a message adds a few levels of its own)."""
        r = self.rng.random()
        if r < 0.55:
            depth = self.max_depth + self.rng.randint(-4, 4)
        elif r < 0.85:
            depth = self.rng.randint(self.max_depth, 2000)
        elif r < 0.98:
            depth = self.rng.randint(2000, 20_000)
        elif r < 0.997:
            depth = self.rng.randint(20_000, 200_000)
        else:
            depth = self.rng.randint(200_000, min(1_000_000, self.max_bytes // 6))
        kind = self.rng.randint(0, 3)
        if kind == 0:
            return Raw(b"[" * depth + b"]" * depth)
        if kind == 1:
            return Raw(b'{"a":' * depth + b"1" + b"}" * depth)
        if kind == 2:
            return Raw(b'[{"k":' * (depth // 2) + b"null" + b"}]" * (depth // 2))
        return Raw(b"[" * depth)  # never closed

    def overlong(self) -> str:
        r = self.rng.random()
        if r < 0.9:
            size = self.rng.randint(100, 8_000)
        elif r < 0.99:
            size = self.rng.randint(8_000, 64_000)
        elif r < 0.999:
            size = self.rng.randint(64_000, 1_000_000)
        else:  # at the line and body limit, either side of it
            size = self.max_bytes + self.rng.randint(-300, 300)
        unit = self.rng.choice(["a", "é", "\u4e2d", "🦜", "\\", '"', "x\u0000"])
        return (unit * (size // len(unit.encode("utf-8")) + 1))[: max(1, size // len(unit.encode("utf-8")))]

    # The corpus

    def fresh_id(self):
        self.serial += 1
        ident = self.serial if self.rng.random() < 0.7 else f"m-{self.serial}"
        self.recent_ids.append(ident)
        return ident

    def stateless_meta(self, tasks: bool = False) -> dict:
        capabilities: dict = {}
        if tasks or self.rng.random() < 0.15:
            capabilities = {"extensions": {TASKS_KEY: {}}}
        meta = {VERSION_KEY: STATELESS, CAPABILITIES_KEY: capabilities, CLIENT_INFO_KEY: {"name": "fuzz", "version": "1.0"}}
        if self.rng.random() < 0.1:
            meta[LOG_LEVEL_KEY] = self.rng.choice(LOG_LEVELS)
        return meta

    def request(self, era: str):
        """A valid request of `era`: (message, method, name for Mcp-Name or None)."""
        rng = self.rng
        stateless = era == "stateless"
        methods = ["ping", "tools/list", "tools/call", "tools/call", "tools/call", "resources/list", "resources/read",
                   "resources/templates/list", "prompts/list", "prompts/get"]
        methods += ["server/discover", "tasks/get", "tasks/cancel"] if stateless else ["initialize", "logging/setLevel"]
        if stateless and not self.http and rng.random() < 0.01:
            methods = ["subscriptions/listen"]  # stdio only: over HTTP it holds its connection open
        method = rng.choice(methods)
        params: dict = {}
        name = None
        if method == "initialize":
            params = {"protocolVersion": rng.choice(HANDSHAKE_VERSIONS + ["2099-01-01", STATELESS]),
                      "capabilities": rng.choice([{}, {"roots": {"listChanged": True}}, {"sampling": {}}]),
                      "clientInfo": {"name": "fuzz", "version": "1.0"}}
        elif method == "logging/setLevel":
            params = {"level": rng.choice(LOG_LEVELS)}
        elif method.endswith("/list") and rng.random() < 0.2:
            params = {"cursor": rng.choice(["", "0", "abc", base64.b64encode(b"100").decode(), "=" * 8, "\u0000"])}
        elif method == "tools/call":
            tool, arguments, pins, _ = rng.choices(self.tools, weights=self.tool_weights)[0]
            name = tool
            params = {"name": tool, "arguments": arguments(self)}
            if pins and rng.random() < 0.4:
                params["_meta"] = {"fastmcp": {"version": rng.choice(pins + PINS)}}
            if rng.random() < 0.1:
                params.setdefault("_meta", {})["progressToken"] = rng.choice([1, "p", f"p-{self.serial}"])
        elif method == "resources/read":
            name = rng.choice(RESOURCES)
            params = {"uri": name}
            if rng.random() < 0.3:
                params["_meta"] = {"fastmcp": {"version": rng.choice(PINS)}}
        elif method == "prompts/get":
            name = rng.choice(["notes_summarize", "notes_summarize", "notes_missing", "math_add"])
            params = {"name": name, "arguments": {"id": rng.choice(["1", "2", "99", "x", ""]),
                                                  **({"style": rng.choice(["brief", "detailed", "haiku"])} if rng.random() < 0.5 else {})}}
            if rng.random() < 0.3:
                params["_meta"] = {"fastmcp": {"version": rng.choice(PINS)}}
        elif method in ("tasks/get", "tasks/cancel"):
            params = {"taskId": rng.choice(["t-1", "", "00000000-0000-0000-0000-000000000000", "x" * 64])}
        elif method == "subscriptions/listen":
            params = {"notifications": {"toolsListChanged": True}}
        if stateless:
            meta = params.setdefault("_meta", {})
            meta.update(self.stateless_meta(tasks=method.startswith("tasks/") or rng.random() < 0.1))
        message = {"jsonrpc": "2.0", "id": self.fresh_id(), "method": method}
        if params or rng.random() < 0.3:
            message["params"] = params
        return message, method, name

    def notification(self, era: str):
        rng = self.rng
        method = rng.choice(["notifications/initialized", "notifications/cancelled", "notifications/cancelled",
                             "notifications/progress", "notifications/roots/list_changed"])
        params: dict = {}
        if method == "notifications/cancelled":
            target = rng.choice(list(self.recent_ids)) if self.recent_ids else 1
            params = {"requestId": target, **({"reason": "fuzz"} if rng.random() < 0.5 else {})}
        elif method == "notifications/progress":
            params = {"progressToken": rng.choice([1, "p"]), "progress": rng.randint(0, 100)}
        if era == "stateless":
            params["_meta"] = self.stateless_meta()
        message = {"jsonrpc": "2.0", "method": method}
        if params:
            message["params"] = params
        return message, method

    def response(self):
        ident = self.rng.choice([1, 0, "s-1", None, self.serial])
        if self.rng.random() < 0.6:
            return {"jsonrpc": "2.0", "id": ident, "result": self.rng.choice([{}, {"roots": []}, {"action": "accept"}])}
        return {"jsonrpc": "2.0", "id": ident, "error": {"code": self.rng.choice([-32601, -1, 0]), "message": "no"}}

    # Mutations of the tree

    def slots(self, value, out: list, depth: int = 0) -> list:
        """Every (container, key) inside `value`, to pick one to change."""
        if depth > 6:
            return out
        if isinstance(value, dict):
            for key in list(value):
                out.append((value, key))
                self.slots(value[key], out, depth + 1)
        elif isinstance(value, list):
            for index in range(len(value)):
                out.append((value, index))
                self.slots(value[index], out, depth + 1)
        return out

    def mutate_tree(self, message):
        rng = self.rng
        if not isinstance(message, dict):
            return message
        slots = self.slots(message, [])
        pick = rng.randrange(13)
        if pick == 0 and slots:  # a field of the wrong type
            container, key = rng.choice(slots)
            container[key] = self.any_value()
        elif pick == 1 and slots:  # a field missing
            container, key = rng.choice(slots)
            del container[key]
        elif pick == 2:  # a member nobody expects
            dicts = [message] + [c[k] for c, k in slots if isinstance(c[k], dict)]
            rng.choice(dicts)[rng.choice(["extra", "jsonrpc2", "__proto__", "constructor", "", "id ", "params"])] = self.any_value()
        elif pick == 3:  # a key twice
            dicts = [(None, None, message)] + [(c, k, c[k]) for c, k in slots if isinstance(c[k], dict) and c[k]]
            container, key, target = rng.choice(dicts)
            if target:
                members = list(target.items())
                repeated = rng.choice(members)
                twin = (repeated[0], rng.choice([repeated[1], self.any_value()]))
                members.insert(rng.randint(0, len(members)), twin)
                if container is None:
                    return Pairs(members)
                container[key] = Pairs(members)
        elif pick == 4:  # an id of another type, or none, or one on a notification
            if "id" in message and rng.random() < 0.2:
                del message["id"]
            else:
                message["id"] = self.any_id()
        elif pick == 5:  # an unknown method, or a known one in the wrong era
            message["method"] = rng.choice(UNKNOWN_METHODS + ["initialize", "server/discover", "logging/setLevel",
                                                              "subscriptions/listen" if not self.http else "ping"])
        elif pick == 6 and slots:  # a huge number
            container, key = rng.choice(slots)
            container[key] = Raw(rng.choice(HUGE_NUMBERS + BAD_NUMBERS))
        elif pick == 7:  # nesting past the limit
            if slots and rng.random() < 0.8:
                container, key = rng.choice(slots)
                container[key] = self.deep()
            else:
                message.setdefault("params", {})
                if isinstance(message["params"], dict):
                    message["params"]["deep"] = self.deep()
        elif pick == 8:  # an overlong string
            strings = [(c, k) for c, k in slots if isinstance(c[k], str)]
            if strings and rng.random() < 0.7:
                container, key = rng.choice(strings)
            elif slots:
                container, key = rng.choice(slots)
            else:
                container, key = message, "method"
            container[key] = self.overlong()
        elif pick == 9:  # a NUL, an invalid escape or a lone surrogate inside a string
            strings = [(c, k) for c, k in slots if isinstance(c[k], str)]
            if strings:
                container, key = rng.choice(strings)
                original = json.dumps(container[key])[1:-1].encode()
                cut = rng.randint(0, len(original))
                inserted = rng.choice([b"\\u0000", b"\\ud800", b"\\udc00", b"\\uDBFF\\uDFFF", b"\\x41", b"\\u00", b"\\",
                                       b"\\/", b"\t", b"\x7f", b"\x00"])
                container[key] = Raw(b'"' + original[:cut] + inserted + original[cut:] + b'"')
        elif pick == 10:  # invalid UTF-8 inside a string or a key
            strings = [(c, k) for c, k in slots if isinstance(c[k], str)]
            if strings:
                container, key = rng.choice(strings)
                original = json.dumps(container[key], ensure_ascii=False).encode("utf-8", "surrogatepass")[1:-1]
                cut = rng.randint(0, len(original))
                container[key] = Raw(b'"' + original[:cut] + rng.choice(INVALID_UTF8) + original[cut:] + b'"')
        elif pick == 11:  # the era's envelope broken or mixed
            params = message.get("params")
            if not isinstance(params, dict):
                message["params"] = params = {}
            meta = params.get("_meta")
            if not isinstance(meta, dict):
                params["_meta"] = meta = {}
            choice = rng.randrange(6)
            if choice == 0:
                meta[VERSION_KEY] = rng.choice([STATELESS, "2025-11-25", "2099-12-31", "", 20260728, None, [STATELESS]])
            elif choice == 1:
                meta.pop(CAPABILITIES_KEY, None)
                meta[VERSION_KEY] = STATELESS
            elif choice == 2:
                meta[CAPABILITIES_KEY] = self.any_value()
            elif choice == 3:
                meta["fastmcp"] = rng.choice([{"version": self.any_value()}, self.any_value(), {"version": rng.choice(PINS)}])
            elif choice == 4:
                meta["progressToken"] = self.any_value()
            else:
                params["_meta"] = self.any_value()
        else:  # jsonrpc itself wrong
            message["jsonrpc"] = rng.choice(["1.0", "2", 2.0, None, "2.0 ", "", ["2.0"]])
        return message

    # Mutations of the bytes

    def mutate_bytes(self, data: bytes) -> tuple:
        """The mutated bytes and whether they are meant as two lines over stdio."""
        rng = self.rng
        buffer = bytearray(data)
        pick = rng.randrange(11)
        if pick == 0 and buffer:  # flip bits
            for _ in range(rng.randint(1, 8)):
                buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
        elif pick == 1 and buffer:  # truncate
            del buffer[rng.randint(0, len(buffer) - 1):]
        elif pick == 2 and buffer:  # a slice twice
            start = rng.randrange(len(buffer))
            end = min(len(buffer), start + rng.randint(1, 64))
            buffer[end:end] = buffer[start:end] * rng.randint(1, 3)
        elif pick == 3 and buffer:  # a slice gone
            start = rng.randrange(len(buffer))
            del buffer[start:start + rng.randint(1, 16)]
        elif pick == 4:  # invalid UTF-8 anywhere
            spot = rng.randint(0, len(buffer))
            buffer[spot:spot] = rng.choice(INVALID_UTF8)
        elif pick == 5:  # raw NUL bytes
            for _ in range(rng.randint(1, 3)):
                spot = rng.randint(0, len(buffer))
                buffer[spot:spot] = b"\x00"
        elif pick == 6:  # whitespace JSON does not know, or a BOM
            spot = rng.choice([0, len(buffer), rng.randint(0, len(buffer))])
            buffer[spot:spot] = rng.choice([b"\xef\xbb\xbf", b"\xc2\xa0", b"\x0b", b"\x0c", b"\r", b" \t \r ", b"\xe2\x80\xa8"])
        elif pick == 7:  # something after the message
            buffer += rng.choice([b"}", b"]", b",", b" 1", b"x", b" " + data, data, b"\x00", b"//comment"])
        elif pick == 8:  # random bytes spliced in
            spot = rng.randint(0, len(buffer))
            buffer[spot:spot] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
        elif pick == 9:  # split in two lines on purpose
            spot = rng.randint(0, len(buffer))
            return bytes(buffer[:spot]) + b"\n" + bytes(buffer[spot:]), True
        else:  # a token swapped for another
            for old, new in ((b":", b"="), (b",", b";"), (b'"', b"'"), (b"true", b"True"), (b"null", b"nil"), (b"{", b"[")):
                if old in buffer and rng.random() < 0.3:
                    where = rng.choice([i for i in range(len(buffer)) if buffer.startswith(old, i)][:50])
                    buffer[where:where + len(old)] = new
                    break
        return bytes(buffer), False

    # One message

    def next(self) -> Case:
        rng = self.rng
        case = Case()
        era = "stateless" if rng.random() < 0.45 else "handshake"
        case.era = era
        r = rng.random()
        if r < 0.03:  # a whole line of junk
            kind = rng.randrange(4)
            if kind == 0:
                body = b""
            elif kind == 1:
                body = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
            else:
                body = rng.choice(JUNK_LINES)
            case.method = "junk"
            return self.finish(case, body, split=False)
        long_call = False
        if r < 0.8:
            message, case.method, case.name = self.request(era)
            long_call = case.method == "tools/call" and case.name == "notes_reindex"
        elif r < 0.88:
            message, case.method = self.notification(era)
        elif r < 0.93:
            message, case.method = self.response(), None
        else:  # a batch (the server takes none; it must say so)
            size = rng.choice([0, 1, 2, 3, 10])
            message = [self.request(era)[0] if rng.random() < 0.7 else self.notification(era)[0] for _ in range(size)]
            if rng.random() < 0.2:
                message = [message]
            case.method = "batch"
        mutations = 0 if rng.random() < 0.2 else rng.choice([1, 1, 1, 2, 2, 3])
        byte_mutations = 0
        for _ in range(mutations):
            if rng.random() < 0.7:
                if isinstance(message, list) and message:
                    index = rng.randrange(len(message))
                    message[index] = self.mutate_tree(message[index])
                else:
                    message = self.mutate_tree(message)
            else:
                byte_mutations += 1
        if long_call and isinstance(message, dict) and "id" in message:
            self.long_calls.append(message["id"])
        body = to_bytes(message)
        split = False
        for _ in range(byte_mutations):
            body, two = self.mutate_bytes(body)
            split = split or two
        return self.finish(case, body, split)

    def finish(self, case: Case, body: bytes, split: bool) -> Case:
        if self.http:
            case.body = body
            self.add_headers(case)
            return case
        if split:
            head, _, tail = body.partition(b"\n")
            case.lines = [head.replace(b"\n", b" "), tail.replace(b"\n", b" ")]
        else:
            case.lines = [body.replace(b"\n", b" ")]
        case.body = b"\n".join(case.lines) + b"\n"
        return case

    # HTTP: path and headers

    def add_headers(self, case: Case) -> None:
        rng = self.rng
        case.path = rng.choice(self.paths)
        headers = [("Content-Type", "application/json"),
                   ("Accept", rng.choice(["application/json, text/event-stream", "application/json", "text/event-stream", "*/*"]))]
        if case.era == "stateless":
            headers.append(("MCP-Protocol-Version", STATELESS))
            if case.method and case.method not in ("junk", "batch"):
                headers.append(("Mcp-Method", case.method))
            if case.name is not None:
                headers.append(("Mcp-Name", header_value(case.name)))
        else:
            headers.append(("Mcp-Session-Id", "@session"))  # the driver puts the path's session here
            if rng.random() < 0.5:
                headers.append(("MCP-Protocol-Version", rng.choice(HANDSHAKE_VERSIONS)))
        if rng.random() < 0.2:
            headers = self.mutate_headers(headers)
        case.headers = headers

    def mutate_headers(self, headers: list) -> list:
        rng = self.rng
        headers = list(headers)
        pick = rng.randrange(9)
        routing = [i for i, (key, _) in enumerate(headers) if key.lower().startswith("mcp")]
        if pick == 0 and routing:  # one missing
            del headers[rng.choice(routing)]
        elif pick == 1 and routing:  # one twice, the same or another value
            key, value = headers[rng.choice(routing)]
            headers.append((key, rng.choice([value, value + "x", ""])))
        elif pick == 2 and routing:  # a value that disagrees with the body
            index = rng.choice(routing)
            key, value = headers[index]
            headers[index] = (key, rng.choice(["", "ping", "tools/call", value.upper(), value + " ", " " + value, STATELESS,
                                               "2025-11-25", "1999-01-01", value[:-1], "math_add", "notes_summarize"]))
        elif pick == 3:  # the base64 sentinel, right and wrong
            payload = rng.choice([base64.b64encode(b"math_add").decode(), "bWF0aF9hZGQ", "!!!!", "", "=" * 4,
                                  base64.b64encode(b"\xff\xfe").decode(), base64.b64encode("名前".encode()).decode() + "="])
            headers.append(("Mcp-Name", f"=?base64?{payload}?="))
        elif pick == 4:  # bytes that are not ASCII in a value (obs-text; control bytes would not be HTTP at all)
            index = rng.choice(routing) if routing else 0
            key, _ = headers[index]
            headers[index] = (key, rng.choice([b"\xff\xfe", "Zoë".encode("latin-1"), "名前".encode("utf-8"), b"a\tb", b"\x80",
                                               "tools/call".encode() + b"\xa0"]))
        elif pick == 5:  # a long value
            headers.append((rng.choice(["Mcp-Name", "Mcp-Method", "MCP-Protocol-Version"]), "n" * rng.randint(200, 8000)))
        elif pick == 6:  # names in other cases
            headers = [(key.lower() if rng.random() < 0.5 else key.upper(), value) for key, value in headers]
        elif pick == 7:  # a content type that is not JSON, or none
            headers = [(k, v) for k, v in headers if k != "Content-Type"]
            if rng.random() < 0.7:
                headers.append(("Content-Type", rng.choice(["text/plain", "application/x-www-form-urlencoded",
                                                            "application/json; charset=latin-1", "", "multipart/form-data"])))
        else:  # the session header wrong, or on a stateless request
            headers = [(k, v) for k, v in headers if k != "Mcp-Session-Id"]
            headers.append(("Mcp-Session-Id", rng.choice(["", "nope", "0" * 33, "@session", "../../x", "a" * 500])))
        return headers


def header_value(text: str) -> str:
    """What a client sends in Mcp-Name: plain printable ASCII as it is, anything else in the base64 sentinel."""
    if text and all(32 < ord(c) < 127 for c in text) and not (text.startswith("=?base64?") and text.endswith("?=")):
        return text
    return "=?base64?" + base64.b64encode(text.encode("utf-8", "surrogatepass")).decode() + "?="


# MARK: - Drivers


class Run:
    """What both drivers count and remember for the failure message."""

    def __init__(self, args):
        self.args = args
        self.sent = 0
        self.pings_sent = 0
        self.pings_answered = 0
        self.replies = 0
        self.started = time.monotonic()
        self.recent: collections.deque = collections.deque(maxlen=max(2 * args.ping_every, 20))

    def remember(self, index: int, case: Case) -> None:
        self.recent.append((index, case))

    def summary(self, transport: str) -> dict:
        seconds = time.monotonic() - self.started
        return {"transport": transport, "seed": self.args.seed, "messages": self.sent, "pingsSent": self.pings_sent,
                "pingsAnswered": self.pings_answered, "replies": self.replies, "seconds": round(seconds, 2),
                "rate": round(self.sent / seconds, 1) if seconds > 0 else None}

    def report(self, transport: str, index: int, reason: str, server_log: str | None) -> None:
        args = self.args
        saved = None
        try:
            with tempfile.NamedTemporaryFile("wb", prefix=f"fuzz-{transport}-seed{args.seed}-", suffix=".txt", delete=False) as out:
                for _, case in self.recent:
                    if transport == "stdio":
                        out.write(case.body)
                    else:
                        out.write(f"POST {case.path} {case.headers!r}\n".encode() + case.body + b"\n")
                saved = out.name
        except OSError:
            pass
        lines = [f"FUZZ FAILURE ({transport}): {reason}",
                 f"seed {args.seed}, message index {index} (of --count {args.count}); {self.sent} messages sent, "
                 f"{self.pings_answered}/{self.pings_sent} pings answered"]
        lines.append("the last messages sent (index: bytes):")
        for sent_index, case in list(self.recent)[-6:]:
            where = f" POST {case.path} {case.headers!r}" if transport == "http" else ""
            lines.append(f"  {sent_index}:{where} {excerpt(case.body)}")
        if saved:
            what = "one per line, replayable with `plugboard serve --stdio < FILE`" if transport == "stdio" else "with their headers"
            lines.append(f"the last {len(self.recent)} messages ({what}): {saved}")
        lines.append(f"reproduce: same command with --seed {args.seed} --count {index + 1}")
        if server_log:
            lines.append("the server's stderr, last lines:\n" + server_log)
        print("\n".join(lines), file=sys.stderr)


def tail(path: str | None, lines: int = 30) -> str | None:
    if not path:
        return None
    try:
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            size = log.tell()
            log.seek(max(0, size - 64_000))
            text = log.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])
    except OSError as error:
        return f"(could not read {path}: {error})"


def ping_message(serial: int, stateless: bool) -> dict:
    message = {"jsonrpc": "2.0", "id": f"{PING_PREFIX}{serial}", "method": "ping"}
    if stateless:
        message["params"] = {"_meta": {VERSION_KEY: STATELESS, CAPABILITIES_KEY: {},
                                       CLIENT_INFO_KEY: {"name": "fuzz", "version": "1.0"}}}
    return message


class StdioDriver:
    """Starts the server, writes lines to its stdin without ever blocking for long, reads its stdout on a thread."""

    def __init__(self, args, command: list):
        self.args = args
        self.run = Run(args)
        self.log_path = args.server_log
        self.keep_log = bool(args.server_log)
        if not self.log_path:
            handle, self.log_path = tempfile.mkstemp(prefix="fuzz-plugboard-", suffix=".log")
            os.close(handle)
        self.log = open(self.log_path, "wb")
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                            cwd=args.cwd)
        except OSError as error:
            raise SystemExit(f"could not start {command!r}: {error}")
        self.stdin = self.process.stdin.fileno()
        os.set_blocking(self.stdin, False)
        self.condition = threading.Condition()
        self.answered: set = set()
        self.problem: str | None = None
        self.eof = False
        self.reader = threading.Thread(target=self.read, name="fuzz-stdout", daemon=True)
        self.reader.start()

    def read(self) -> None:
        stdout = self.process.stdout
        lines = 0
        replies = 0
        while True:
            line = stdout.readline()
            if not line:
                break
            lines += 1
            problem = None
            if not line.endswith(b"\n"):
                problem = "a last line without its newline"
            try:
                messages = check_document(parse_json(line.rstrip(b"\n")))
            except ValueError as error:
                messages = []
                problem = str(error)
            pings = []
            for message in messages:
                if is_reply(message):
                    replies += 1
                    ident = message.get("id")
                    if isinstance(ident, str) and ident.startswith(PING_PREFIX):
                        if "result" not in message:
                            problem = problem or f"the ping {ident} was answered with an error: {message.get('error')}"
                        pings.append(ident)
            with self.condition:
                self.run.replies = replies
                if problem and self.problem is None:
                    self.problem = f"stdout line {lines} is {problem}: {excerpt(line)}"
                self.answered.update(pings)
                if problem or pings:
                    self.condition.notify_all()
        with self.condition:
            self.eof = True
            self.condition.notify_all()

    def check(self) -> None:
        """Raises when the reader has seen something wrong or the server has gone."""
        if self.problem:
            raise FuzzFailure(self.problem)
        if self.eof or self.process.poll() is not None:
            try:
                status = self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                raise FuzzFailure("the server closed its stdout while messages were still being sent")
            raise FuzzFailure(f"the server exited (status {status}{signal_name(status)}) while messages were still being sent")

    def write(self, data: bytes) -> None:
        """All of `data`, waiting up to the timeout for room in the pipe at each step."""
        view = memoryview(data)
        deadline = time.monotonic() + self.args.timeout
        while view:
            try:
                written = os.write(self.stdin, view)
                view = view[written:]
                deadline = time.monotonic() + self.args.timeout
                continue
            except BlockingIOError:
                pass
            except BrokenPipeError:
                time.sleep(0.05)
                with self.condition:
                    self.check()
                raise FuzzFailure("the server closed its stdin")
            left = deadline - time.monotonic()
            if left <= 0:
                raise FuzzFailure(f"the server read nothing from its stdin for {self.args.timeout} s (a full pipe)")
            select.select([], [self.stdin], [], min(left, 0.25))
            with self.condition:
                self.check()

    def wait_ping(self, ident: str, sent_at: float) -> None:
        deadline = sent_at + self.args.timeout
        with self.condition:
            while ident not in self.answered:
                self.check()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise FuzzFailure(f"the ping {ident} was not answered within {self.args.timeout} s")
                self.condition.wait(min(left, 0.25))
            self.answered.discard(ident)
            self.check()
        self.run.pings_answered += 1

    def send_ping(self) -> tuple:
        serial = self.run.pings_sent
        self.run.pings_sent += 1
        ident = f"{PING_PREFIX}{serial}"
        self.write(to_bytes(ping_message(serial, stateless=serial % 2 == 1)) + b"\n")
        return ident, time.monotonic()

    def go(self) -> int:
        args = self.args
        generator = Generator(args.seed, "stdio", args.max_depth, args.max_bytes, [])
        index = -1
        pending = None
        chunk: list = []
        try:
            for index in range(args.count):
                case = generator.next()
                self.run.remember(index, case)
                chunk.append(case.body)
                if (index + 1) % args.ping_every == 0 or index == args.count - 1:
                    # At most one ping outstanding: the server is never more than two chunks behind.
                    if pending:
                        self.wait_ping(*pending)
                    self.write(b"".join(chunk))
                    self.run.sent = index + 1
                    chunk = []
                    pending = self.send_ping()
            if pending:
                self.wait_ping(*pending)
            # The long calls still queued would hold the drain for a second each: cancel them (which is fuzzing
            # too: cancellation of calls running and calls waiting their turn), then make sure all is still well.
            cancels = [to_bytes({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": ident}}) + b"\n"
                       for ident in generator.long_calls]
            self.write(b"".join(cancels))
            self.wait_ping(*self.send_ping())
            # End of input: the server answers what is in flight and exits by itself.
            self.process.stdin.close()
            try:
                status = self.process.wait(timeout=args.exit_timeout)
            except subprocess.TimeoutExpired:
                raise FuzzFailure(f"the server did not exit within {args.exit_timeout} s of the end of its input")
            self.reader.join(timeout=5)
            with self.condition:
                if self.problem:
                    raise FuzzFailure(self.problem)
            if status != 0:
                raise FuzzFailure(f"the server exited with status {status}{signal_name(status)} after the end of its input")
        except FuzzFailure as failure:
            self.stop()
            self.run.report("stdio", max(index, 0), str(failure), tail(self.log_path))
            print(f"the server's stderr: {self.log_path}", file=sys.stderr)
            return 1
        self.log.close()
        if not self.keep_log:
            os.unlink(self.log_path)
        print(json.dumps(self.run.summary("stdio")))
        return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def signal_name(status: int) -> str:
    if status is not None and status < 0:
        return f", killed by signal {-status}"
    return ""


class HTTPDriver:
    """Posts to a running server over one keep-alive connection (opened again when the server closes it)."""

    def __init__(self, args):
        self.args = args
        self.run = Run(args)
        url = urllib.parse.urlsplit(args.http)
        if url.scheme != "http" or not url.hostname:
            raise SystemExit(f"--http wants http://HOST:PORT/PATH, not {args.http!r}")
        self.host = url.hostname
        self.port = url.port or 80
        self.paths = [url.path or "/mcp"] + [p for p in args.extra_path if p != (url.path or "/mcp")]
        self.connection = None
        self.sessions: dict = {}
        self.reconnects = 0
        self.statuses: collections.Counter = collections.Counter()
        self.bodies: collections.Counter = collections.Counter()  # answers by kind: json, sse, empty

    def connect(self) -> None:
        if self.connection is not None:
            self.connection.close()
        attempts = 0
        while True:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.args.timeout)
            try:
                connection.connect()
                self.connection = connection
                return
            except (ConnectionRefusedError, ConnectionResetError, socket.timeout, TimeoutError) as error:
                connection.close()
                attempts += 1
                if attempts >= self.args.reconnects:
                    raise FuzzFailure(f"the server is gone: {attempts} attempts to connect to {self.host}:{self.port} "
                                      f"over {attempts * 0.2:.1f} s failed ({error}){self.process_state()}")
                time.sleep(0.2)

    def process_state(self) -> str:
        pid = self.args.server_pid
        if not pid:
            return ""
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return f"; process {pid} no longer exists"
        except PermissionError:
            pass
        return f"; process {pid} is still running"

    def post(self, path: str, headers: list, body: bytes):
        """(status, headers, body) of one POST; raises FuzzFailure when no answer comes.

        A request on a connection used before that finds it closed is sent again once on a new one (the server
        may close an idle or refused connection at any time); on a new connection it must be answered, except an
        oversized body, which the server may refuse by closing (Unanswered).
        """
        for attempt in range(2):
            reused = self.connection is not None
            if not reused:
                self.connect()
            connection = self.connection
            try:
                connection.putrequest("POST", path, skip_accept_encoding=True)
                for key, value in headers:
                    connection.putheader(key, value)
                connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                pass  # the server may have answered early (an oversized body) and stopped reading: read on
            try:
                response = connection.getresponse()
                data = response.read()
            except (socket.timeout, TimeoutError):
                self.reconnect()
                raise FuzzFailure(f"no answer within {self.args.timeout} s{self.process_state()}")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError,
                    http.client.IncompleteRead, http.client.BadStatusLine) as error:
                self.reconnect()
                if len(body) > self.args.max_bytes:
                    raise Unanswered()
                if reused and attempt == 0:
                    continue
                raise FuzzFailure(f"the server dropped the connection without a complete answer to a request of "
                                  f"{len(body)} bytes ({type(error).__name__}: {error}){self.process_state()}")
            if response.will_close:
                self.reconnect()
            return response.status, response.headers, data
        raise FuzzFailure("unreachable")

    def reconnect(self) -> None:
        self.reconnects += 1
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def check(self, status: int, headers, body: bytes) -> list:
        """The JSON-RPC messages of one answer; raises FuzzFailure when the answer is not JSON or SSE of JSON."""
        self.statuses[status] += 1
        if status >= 500 and status != 503:
            raise FuzzFailure(f"HTTP {status}: {excerpt(body)}")
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if not body:
            if status in (202, 204):
                self.bodies["empty"] += 1
                return []
            raise FuzzFailure(f"HTTP {status} with an empty body (Content-Type {content_type!r})")
        try:
            if content_type == "application/json":
                self.bodies["json"] += 1
                return check_document(parse_json(body))
            if content_type == "text/event-stream":
                self.bodies["sse"] += 1
                return sse_messages(body)
        except ValueError as error:
            raise FuzzFailure(f"HTTP {status} {content_type} body is {error}: {excerpt(body)}")
        raise FuzzFailure(f"HTTP {status} with Content-Type {content_type!r}: {excerpt(body)}")

    def initialize(self, path: str) -> None:
        message = {"jsonrpc": "2.0", "id": f"fuzz-init-{path}", "method": "initialize",
                   "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "1.0"}}}
        status, headers, body = self.post(path, [("Content-Type", "application/json"),
                                                 ("Accept", "application/json, text/event-stream")], to_bytes(message))
        messages = self.check(status, headers, body)
        session = headers.get("Mcp-Session-Id")
        if status != 200 or not session or not any("result" in m for m in messages):
            raise FuzzFailure(f"initialize on {path} failed: HTTP {status}, session {session!r}: {excerpt(body)}")
        self.post(path, [("Content-Type", "application/json"), ("Mcp-Session-Id", session),
                         ("MCP-Protocol-Version", "2025-11-25")],
                  to_bytes({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        self.sessions[path] = session

    def ping(self) -> None:
        serial = self.run.pings_sent
        self.run.pings_sent += 1
        stateless = serial % 2 == 1
        path = self.paths[serial % len(self.paths)]
        message = ping_message(serial, stateless)
        for attempt in range(2):
            headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]
            if stateless:
                headers += [("MCP-Protocol-Version", STATELESS), ("Mcp-Method", "ping")]
            else:
                headers += [("Mcp-Session-Id", self.sessions[path]), ("MCP-Protocol-Version", "2025-11-25")]
            started = time.monotonic()
            try:
                status, response_headers, body = self.post(path, headers, to_bytes(message))
            except Unanswered:
                raise FuzzFailure(f"the ping {message['id']} was not answered")
            messages = self.check(status, response_headers, body)
            if status == 404 and not stateless and attempt == 0:
                # The session made room for sessions the fuzzed initializes opened: open it again, once.
                self.initialize(path)
                continue
            replies = [m for m in messages if is_reply(m) and m.get("id") == message["id"]]
            if status != 200 or not replies or "result" not in replies[0]:
                raise FuzzFailure(f"the ping {message['id']} on {path} got HTTP {status}: {excerpt(body)}")
            if time.monotonic() - started > self.args.timeout:
                raise FuzzFailure(f"the ping {message['id']} took {time.monotonic() - started:.1f} s")
            self.run.pings_answered += 1
            return

    def go(self) -> int:
        args = self.args
        generator = Generator(args.seed, "http", args.max_depth, args.max_bytes, self.paths)
        index = -1
        try:
            for path in self.paths:
                self.initialize(path)
            for index in range(args.count):
                case = generator.next()
                self.run.remember(index, case)
                headers = [(key, self.sessions.get(case.path, "none") if value == "@session" else value)
                           for key, value in case.headers]
                try:
                    status, response_headers, body = self.post(case.path, headers, case.body)
                except Unanswered:
                    self.run.sent = index + 1
                    continue
                self.run.sent = index + 1
                self.run.replies += sum(1 for m in self.check(status, response_headers, body) if is_reply(m))
                if (index + 1) % args.ping_every == 0:
                    self.ping()
            self.ping()
        except FuzzFailure as failure:
            self.run.report("http", max(index, 0), str(failure), tail(args.server_log))
            return 1
        summary = self.run.summary("http")
        summary["reconnects"] = self.reconnects
        summary["statuses"] = {str(k): v for k, v in sorted(self.statuses.items())}
        summary["bodies"] = dict(sorted(self.bodies.items()))
        print(json.dumps(summary))
        return 0


class Unanswered(Exception):
    """An oversized body the server refused by closing the connection: allowed, and not counted as a reply."""


def sse_messages(body: bytes) -> list:
    """The JSON-RPC messages of an SSE stream; raises ValueError for an event whose data is not one."""
    messages = []
    text = body.replace(b"\r\n", b"\n")
    if not text.endswith(b"\n\n"):
        raise ValueError("an SSE stream that does not end with a blank line")
    for event in text.split(b"\n\n"):
        data = [line[5:].lstrip(b" ") for line in event.split(b"\n") if line.startswith(b"data:")]
        if not data:
            if any(line and not line.startswith((b":", b"event:", b"id:", b"retry:")) for line in event.split(b"\n")):
                raise ValueError(f"an SSE event without data: {excerpt(event)}")
            continue
        messages += check_document(parse_json(b"\n".join(data)))
    return messages


def main(argv: list) -> int:
    command = None
    if "--stdio" in argv:
        at = argv.index("--stdio")
        argv, command = argv[:at], argv[at + 1:]
        if not command:
            raise SystemExit("--stdio wants the server's command line after it")
    parser = argparse.ArgumentParser(
        description="Fuzz plugboard's JSON-RPC over stdio or HTTP.",
        epilog="--stdio CMD... must come last: everything after it is the server's command line.")
    parser.add_argument("--http", metavar="URL", help="POST to this running server, e.g. http://127.0.0.1:8000/mcp")
    parser.add_argument("--extra-path", action="append", default=[], metavar="PATH",
                        help="HTTP: another surface path on the same server to post to (repeatable)")
    parser.add_argument("--count", type=int, default=20_000, help="messages to send (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ping-every", type=int, default=50, help="a well-formed ping after every N messages (default 50)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds a ping (or an HTTP answer) may take (default 5)")
    parser.add_argument("--max-depth", type=int, default=64, help="the server's JSON depth limit (default 64)")
    parser.add_argument("--max-bytes", type=int, default=4 << 20, help="the server's message size limit (default 4 MiB)")
    parser.add_argument("--cwd", help="stdio: the server's working directory (default: this one)")
    parser.add_argument("--server-log", metavar="FILE",
                        help="stdio: keep the server's stderr here (default: a temporary file, kept on failure); "
                             "HTTP: the running server's log, to show its tail on failure")
    parser.add_argument("--server-pid", type=int, help="HTTP: the server's process id, to say whether it is still alive")
    parser.add_argument("--reconnects", type=int, default=15, help="HTTP: attempts to connect, 0.2 s apart (default 15)")
    parser.add_argument("--exit-timeout", type=float, default=30.0,
                        help="stdio: seconds the server may take to exit after the end of its input (default 30)")
    args = parser.parse_args(argv)
    if (command is None) == (args.http is None):
        parser.error("give exactly one of --stdio CMD... and --http URL")
    if args.count < 0 or args.ping_every < 1:
        parser.error("--count must be >= 0 and --ping-every >= 1")
    if command is not None:
        return StdioDriver(args, command).go()
    return HTTPDriver(args).go()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

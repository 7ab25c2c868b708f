"""Hostile HTTP clients against a real plugboard, each attack bounded in time and on loopback, with a well-behaved
client beside it whose latency is measured.

    python hostile_clients.py --url http://127.0.0.1:PORT/mcp --case CASE
    python hostile_clients.py --victim URL --source 127.0.0.3      (the well-behaved client alone, until stdin closes)

Cases: slow_headers, slow_body, length_then_silence, endless_chunks, session_flood, session_rate,
connection_flood, get_streams. The attacker connects from 127.0.0.1 (or a few other 127.x addresses where a case
needs several clients), the well-behaved client from 127.0.0.3: a separate process calling math_add in the
2026-07-28 era over one keep-alive connection, so its latency is not the attacker's event loop.

Prints one JSON document: {"case", "attack": what the attack observed, "victim": requests, errors, p50/p99/max ms}.
Uses the standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from typing import Any

ATTACKER = "127.0.0.1"
VICTIM = "127.0.0.3"

INITIALIZE = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "hostile", "version": "1"}}}).encode()
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def stateless_add(request_id: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": {
        "name": "math_add", "arguments": {"a": 2, "b": 3},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {},
                  "io.modelcontextprotocol/clientInfo": {"name": "victim", "version": "1"}}}}).encode()
    headers = dict(JSON_HEADERS, **{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "math_add"})
    return body, headers


# --- the well-behaved client ----------------------------------------------------------------------------------

def victim(url: str, source: str, seconds: float) -> dict[str, Any]:
    """Calls until its stdin closes (the attack is over) or `seconds` pass."""
    parts = urllib.parse.urlsplit(url)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    latencies: list[float] = []
    errors: list[str] = []
    connection = None
    end = time.monotonic() + seconds
    request_id = 0
    while time.monotonic() < end and not done.is_set():
        request_id += 1
        body, headers = stateless_add(request_id)
        started = time.monotonic()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=(source, 0))
            connection.request("POST", parts.path, body, headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200 or b'"text":"5"' not in payload.replace(b" ", b""):
                errors.append(f"{response.status}: {payload[:200]!r}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__}: {error}")
            connection = None
        latencies.append((time.monotonic() - started) * 1000)
        time.sleep(0.01)
    ordered = sorted(latencies)
    return {"requests": len(latencies), "errors": errors[:10], "errorCount": len(errors),
            "p50_ms": round(statistics.median(ordered), 2) if ordered else None,
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2) if ordered else None,
            "max_ms": round(ordered[-1], 2) if ordered else None}


async def start_victim(url: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--victim", url, "--source", VICTIM, "--seconds", "300",
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)


async def stop_victim(process: asyncio.subprocess.Process) -> dict[str, Any]:
    output, _ = await process.communicate(b"")
    return json.loads(output)


# --- raw connections --------------------------------------------------------------------------------------------

class Raw:
    """One TCP connection from `source`, for requests a normal client would never send."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, url: str, source: str = ATTACKER) -> "Raw":
        parts = urllib.parse.urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port, local_addr=(source, 0))
        return cls(reader, writer)

    async def send(self, data: bytes) -> bool:
        """False once the server has closed the connection."""
        try:
            self.writer.write(data)
            await self.writer.drain()
            return True
        except (ConnectionError, OSError):
            return False

    async def closed_within(self, seconds: float) -> bool:
        """True when the server closes (EOF or reset) within `seconds`; whatever it sends first is read and dropped."""
        try:
            async with asyncio.timeout(seconds):
                while await self.reader.read(65536):
                    pass
            return True
        except TimeoutError:  # before OSError, of which it is a subclass
            return False
        except (ConnectionError, OSError):
            return True

    async def response(self, seconds: float = 5) -> tuple[int, dict[str, str], bytes]:
        async with asyncio.timeout(seconds):
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            body = b""
            if "content-length" in headers:
                body = await self.reader.readexactly(int(headers["content-length"]))
            return status, headers, body

    def close(self) -> None:
        self.writer.close()


def post_head(path: str, extra: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Accept: application/json, text/event-stream\r\n{extra}").encode()


async def hold_all(connections: list[Raw], timeout: float) -> int:
    """How many of `connections` the server closed within `timeout`."""
    results = await asyncio.gather(*(c.closed_within(timeout) for c in connections))
    return sum(results)


# --- the cases --------------------------------------------------------------------------------------------------

async def slow_headers(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """Connections that send one header byte a second: each is closed by the header timeout."""
    path = urllib.parse.urlsplit(url).path
    count = limits.get("connections", 100)
    connections = [await Raw.open(url) for _ in range(count)]
    started = time.monotonic()

    async def dribble(raw: Raw) -> float | None:
        data = post_head(path, "X-Slow: ")
        for byte in data:
            if not await raw.send(bytes([byte])):
                return time.monotonic() - started
            if await raw.closed_within(1.0):
                return time.monotonic() - started
        return None

    closed_after = await asyncio.gather(*(dribble(raw) for raw in connections))
    for raw in connections:
        raw.close()
    times = [t for t in closed_after if t is not None]
    return {"connections": count, "closed": len(times), "closedAfterMax_s": round(max(times), 2) if times else None,
            "closedAfterMin_s": round(min(times), 2) if times else None}


async def slow_body(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """A body that comes one byte at a time, each after a pause longer than the body timeout."""
    path = urllib.parse.urlsplit(url).path
    pause = limits["body_timeout_s"] * 2
    connections = [await Raw.open(url) for _ in range(limits.get("connections", 50))]
    started = time.monotonic()
    for raw in connections:
        await raw.send(post_head(path, "Content-Length: 1000\r\n\r\n") + b"{")

    async def trickle(raw: Raw) -> float | None:
        for _ in range(5):
            if await raw.closed_within(pause):
                return time.monotonic() - started
            if not await raw.send(b" "):
                return time.monotonic() - started
        return None

    closed_after = [t for t in await asyncio.gather(*(trickle(raw) for raw in connections)) if t is not None]
    for raw in connections:
        raw.close()
    return {"connections": len(connections), "closed": len(closed_after),
            "closedAfterMax_s": round(max(closed_after), 2) if closed_after else None}


async def length_then_silence(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """A body that claims 100 bytes, sends 10 and stops."""
    path = urllib.parse.urlsplit(url).path
    connections = [await Raw.open(url) for _ in range(limits.get("connections", 50))]
    started = time.monotonic()
    for raw in connections:
        await raw.send(post_head(path, "Content-Length: 100\r\n\r\n") + b'{"jsonrpc"')
    closed = await hold_all(connections, limits["body_timeout_s"] * 3)
    for raw in connections:
        raw.close()
    return {"connections": len(connections), "closed": closed, "seconds": round(time.monotonic() - started, 2)}


async def endless_chunks(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """Chunked bodies that never end: chunks keep coming quicker than the body timeout, so only the size limit
    stops them; and chunked bodies that stop after one chunk, which the body timeout ends."""
    path = urllib.parse.urlsplit(url).path
    chunk = b"400\r\n" + b" " * 1024 + b"\r\n"
    statuses: list[int | str] = []

    async def flood() -> None:
        raw = await Raw.open(url)
        await raw.send(post_head(path, "Transfer-Encoding: chunked\r\n\r\n"))
        sent = 0
        try:
            while sent < 64 * 1024 * 1024 and await raw.send(chunk):
                sent += len(chunk)
                if raw.reader.at_eof() or raw.reader._buffer:  # the server answered or closed
                    break
                await asyncio.sleep(0.001)
            try:
                status, _, _ = await raw.response(5)
                statuses.append(status)
            except (asyncio.IncompleteReadError, TimeoutError, ConnectionError, OSError) as error:
                statuses.append(f"closed ({type(error).__name__}) after {sent} bytes")
        finally:
            raw.close()

    await asyncio.gather(*(flood() for _ in range(limits.get("floods", 4))))
    stalled = [await Raw.open(url) for _ in range(limits.get("connections", 50))]
    for raw in stalled:
        await raw.send(post_head(path, "Transfer-Encoding: chunked\r\n\r\n") + chunk)
    closed = await hold_all(stalled, limits["body_timeout_s"] * 3)
    for raw in stalled:
        raw.close()
    return {"floodAnswers": statuses, "stalled": len(stalled), "stalledClosed": closed}


async def initialize(raw: Raw, path: str) -> tuple[int, dict[str, str], bytes]:
    await raw.send(post_head(path, f"Content-Length: {len(INITIALIZE)}\r\n\r\n") + INITIALIZE)
    return await raw.response(10)


async def session_flood(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """Many initialize requests from one address over keep-alive connections; then a new client from another
    address initializes, and the flooder's first sessions are gone while its last ones work."""
    path = urllib.parse.urlsplit(url).path
    total = limits.get("initializes", 20_000)
    statuses: dict[str, int] = {}
    ids: list[str] = []

    async def worker(count: int) -> None:
        raw = await Raw.open(url)
        for _ in range(count):
            status, headers, _ = await initialize(raw, path)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if "mcp-session-id" in headers:
                ids.append(headers["mcp-session-id"])
        raw.close()

    started = time.monotonic()
    workers = 8
    await asyncio.gather(*(worker(total // workers) for _ in range(workers)))
    seconds = time.monotonic() - started

    newcomer = await Raw.open(url, "127.0.0.4")
    newcomer_status, newcomer_headers, _ = await initialize(newcomer, path)
    newcomer.close()

    async def ping(session: str) -> int:
        raw = await Raw.open(url)
        body = b'{"jsonrpc":"2.0","id":2,"method":"ping"}'
        await raw.send(post_head(path, f"Mcp-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-11-25\r\n"
                                       f"Content-Length: {len(body)}\r\n\r\n") + body)
        status, _, _ = await raw.response()
        raw.close()
        return status

    return {"initializes": total, "seconds": round(seconds, 2), "statuses": statuses,
            "newcomerStatus": newcomer_status, "newcomerSession": "mcp-session-id" in newcomer_headers,
            "oldestSessionPing": await ping(ids[0]), "newestSessionPing": await ping(ids[-1])}


async def session_rate(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """initialize past the new-sessions rate of one client: 429 with Retry-After and the limit named."""
    path = urllib.parse.urlsplit(url).path
    raw = await Raw.open(url)
    answers = []
    for _ in range(limits.get("initializes", 10)):
        status, headers, body = await initialize(raw, path)
        answers.append({"status": status, "retryAfter": headers.get("retry-after"),
                        "error": json.loads(body).get("error") if status != 200 else None})
    raw.close()
    other = await Raw.open(url, "127.0.0.4")
    other_status, _, _ = await initialize(other, path)
    other.close()
    return {"answers": answers, "otherClientStatus": other_status}


async def connection_flood(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """Connections from one address that send nothing: past the per-address cap each is answered 429 at once."""
    count = limits.get("connections", 3_000)
    connections: list[Raw] = []
    refused_connect = 0
    for _ in range(count):
        try:
            connections.append(await Raw.open(url))
        except OSError:
            refused_connect += 1
    answers: dict[str, int] = {}
    bodies: set[str] = set()

    async def answer(raw: Raw) -> None:
        try:
            status, _, body = await raw.response(1.0)
            answers[str(status)] = answers.get(str(status), 0) + 1
            bodies.add(body.decode())
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError):
            answers["held"] = answers.get("held", 0) + 1

    await asyncio.gather(*(answer(raw) for raw in connections))
    for raw in connections:
        raw.close()
    return {"connections": count, "connectFailed": refused_connect, "answers": answers, "refusalBodies": sorted(bodies)[:2]}


async def get_streams(url: str, limits: dict[str, Any]) -> dict[str, Any]:
    """1,000 sessions each holding its GET stream open, from ten addresses."""
    path = urllib.parse.urlsplit(url).path
    per_address = limits.get("per_address", 100)
    streams: list[Raw] = []
    statuses: dict[str, int] = {}
    for address in range(10):
        source = f"127.0.1.{address + 1}"
        opener = await Raw.open(url, source)
        for _ in range(per_address):
            _, headers, _ = await initialize(opener, path)
            raw = await Raw.open(url, source)
            await raw.send(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                           f"Mcp-Session-Id: {headers['mcp-session-id']}\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n".encode())
            async with asyncio.timeout(5):
                head = await raw.reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ")[1].decode()
            statuses[status] = statuses.get(status, 0) + 1
            streams.append(raw)
        opener.close()
    return {"streams": len(streams), "statuses": statuses, "_hold": streams}


CASES = {f.__name__: f for f in (slow_headers, slow_body, length_then_silence, endless_chunks, session_flood,
                                   session_rate, connection_flood, get_streams)}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    limits = json.loads(args.limits)
    process = await start_victim(args.url)
    await asyncio.sleep(0.5)  # the victim is connected and measuring before the attack starts
    attack = await CASES[args.case](args.url, limits)
    held = attack.pop("_hold", [])
    if held:
        await asyncio.sleep(1)  # measured while the streams are held
    victim_result = await stop_victim(process)
    for raw in held:
        raw.close()
    return {"case": args.case, "attack": attack, "victim": victim_result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--limits", default="{}", help="JSON: the server's limits the case needs (body_timeout_s, ...)")
    parser.add_argument("--victim", metavar="URL", help="run only the well-behaved client")
    parser.add_argument("--source", default=VICTIM)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 8192:  # thousands of connections at once
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(8192, hard), hard))
    if args.victim:
        json.dump(victim(args.victim, args.source, args.seconds), sys.stdout)
        return
    json.dump(asyncio.run(run(args)), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

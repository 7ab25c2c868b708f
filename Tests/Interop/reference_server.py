"""A FastMCP server with the same components and exposed names as Plugboard's bundled providers.

It exists to validate the client scripts in this directory against a server nobody here wrote (FastMCP's own
versioning and mounting), and as the FastMCP peer for benchmarks. The Swift interop tests never target it.

    python reference_server.py [--surface all|v1|v2] [--http 127.0.0.1:PORT]

Without --http it serves stdio. Surfaces mirror Plugboard's: v1 = version_lt 2.0, v2 = version_gte 2.0.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from fastmcp import Context, FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.server.transforms.version_filter import VersionFilter


def calculator() -> FastMCP:
    server = FastMCP("calculator")

    def compute(a: float, b: float, op: str) -> float:
        if op == "add":
            return a + b
        if op == "sub":
            return a - b
        if op == "mul":
            return a * b
        if op == "div":
            if b == 0:
                raise ToolError("division by zero")
            return a / b
        raise ToolError(f"unknown op {op!r}; expected one of add, sub, mul, div")

    @server.tool(name="calculate", version="1.0")
    def calculate_v1(a: float, b: float, op: str) -> float:
        """Apply op (add, sub, mul, div) to a and b."""
        return compute(a, b, op)

    @server.tool(name="calculate", version="2.0")
    def calculate_v2(a: float, b: float, op: str, precision: int = 6) -> float:
        """Apply op (add, sub, mul, div) to a and b, rounded to precision digits."""
        return round(compute(a, b, op), precision)

    @server.tool
    def add(a: float, b: float) -> float:
        """a + b."""
        return a + b

    return server


def notes() -> FastMCP:
    server = FastMCP("notes")
    store: dict[str, dict] = {"1": {"title": "Welcome", "body": "First note.", "tags": ["intro"]}}

    @server.resource("notes://index")
    def index() -> str:
        """One line per note: id and title."""
        return "\n".join(f"{note_id}: {note['title']}" for note_id, note in store.items())

    @server.resource("notes://note/{id}", version="1.0")
    def note_v1(id: str) -> str:
        note = store[id]
        return f"{note['title']}\n\n{note['body']}"

    @server.resource("notes://note/{id}", version="2.0", mime_type="application/json")
    def note_v2(id: str) -> str:
        return json.dumps(store[id])

    @server.prompt(name="summarize", version="1.0")
    def summarize_v1(id: str) -> str:
        note = store[id]
        return f"Summarize this note.\n\nTitle: {note['title']}\n\n{note['body']}"

    @server.prompt(name="summarize", version="2.0")
    def summarize_v2(id: str, style: str = "brief") -> str:
        note = store[id]
        return f"Write a {style} summary of this note.\n\nTitle: {note['title']}\n\n{note['body']}"

    @server.tool
    def add_note(title: str, body: str, tags: list[str] | None = None) -> dict:
        """Store a note; returns its id."""
        note_id = len(store) + 1
        store[str(note_id)] = {"title": title, "body": body, "tags": tags or []}
        return {"id": note_id}

    @server.tool
    async def reindex(ctx: Context) -> str:
        """Rebuild the index: about a second, with progress; stops early when cancelled."""
        steps = 10
        for step in range(1, steps + 1):
            await asyncio.sleep(0.1)
            await ctx.report_progress(step, steps)
        return f"reindexed {len(store)} notes"

    return server


def greeter() -> FastMCP:
    server = FastMCP("greeter")

    @server.tool(name="greet", version="1.0")
    def greet_v1(name: str) -> str:
        return f"Hello, {name}!"

    @server.tool(name="greet", version="2.0")
    def greet_v2(name: str) -> str:
        return f"Hello, {name}! Welcome to Plugboard."

    return server


def build(surface: str) -> FastMCP:
    root = FastMCP("plugboard-reference")
    root.mount(calculator(), namespace="math")
    root.mount(notes(), namespace="notes")
    root.mount(greeter(), namespace="hello")
    if surface == "v1":
        root.add_transform(VersionFilter(version_lt="2.0"))
    elif surface == "v2":
        root.add_transform(VersionFilter(version_gte="2.0"))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surface", choices=["all", "v1", "v2"], default="all")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    server = build(args.surface)
    if args.http:
        host, _, port = args.http.rpartition(":")
        server.run(transport="http", host=host, port=int(port), path="/mcp", show_banner=False, log_level="warning")
    else:
        server.run(transport="stdio", show_banner=False)


if __name__ == "__main__":
    main()

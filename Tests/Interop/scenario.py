"""The interop scenario every client script runs, and the JSON document of what it observed.

Each client script wraps its client in an adapter (the `Adapter` protocol below) and calls `observe()`. The
observation keeps the wire shapes (camelCase keys, `_meta`) so that the Swift tests compare all clients with the
same code and against values derived from the issue and SEMANTICS.md, never against a recorded output.

Where the issue leaves arguments open (greet, add_note, summarize), they are filled from the listed input schema or
prompt arguments, so the scenario assumes no more about the providers than the issue says. Result shapes: shapes.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import traceback
from typing import Any, Awaitable, Callable, Protocol

from shapes import error_of

ProgressFn = Callable[[float, "float | None", "str | None"], Awaitable[None]]

# What the issue fixes about the bundled providers, as exposed under their mounts (SEMANTICS.md namespacing).
CALCULATE = "math_calculate"
ADD = "math_add"
GREET = "hello_greet"
ADD_NOTE = "notes_add_note"
REINDEX = "notes_reindex"
SUMMARIZE = "notes_summarize"
NOTE_TEMPLATE_PREFIX = "notes://notes/note/"
MISSING_VERSION = "9.9"
PROMPT_TEXT = "Plugboard hosts MCP plugins."


class Adapter(Protocol):
    """One MCP client behind the operations the scenario needs. Results are wire-shaped dicts."""

    name: str

    def protocol_version(self) -> str | None: ...
    async def list(self, kind: str) -> list[dict[str, Any]]: ...  # kind: tools|resources|templates|prompts
    async def call(self, name: str, arguments: dict[str, Any], version: str | None = None,
                   progress: ProgressFn | None = None, meta: dict[str, Any] | None = None) -> dict[str, Any]: ...
    async def call_unvalidated(self, name: str, arguments: dict[str, Any], version: str) -> dict[str, Any]: ...
    async def read(self, uri: str, version: str | None = None) -> dict[str, Any]: ...
    async def prompt(self, name: str, arguments: dict[str, str], version: str | None = None) -> dict[str, Any]: ...


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--http", metavar="URL", help="Streamable HTTP endpoint, e.g. http://127.0.0.1:8000/mcp")
    where.add_argument("--stdio", nargs=argparse.REMAINDER, metavar="CMD", help="server command line (last option)")
    parser.add_argument("--surface-url", action="append", default=[], metavar="NAME=URL",
                        help="another HTTP surface to list tools on (repeatable)")
    parser.add_argument("--bearer", metavar="TOKEN", help="an access token, sent as 'Authorization: Bearer' over HTTP")
    args = parser.parse_args()
    if args.stdio is not None and not args.stdio:
        parser.error("--stdio needs the server command line after it")
    return args


async def attempt(operation: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return await operation
    except Exception as exc:  # the error itself is an observation
        return error_of(exc)


def sample_arguments(tool: dict[str, Any] | None, given: dict[str, Any]) -> dict[str, Any]:
    """`given` (those the schema declares), plus a plain value for every other required property of the schema."""
    if tool is None:
        return dict(given)
    schema = tool.get("inputSchema") or {}
    declared = schema.get("properties") or {}
    arguments = {key: value for key, value in given.items() if not declared or key in declared}
    for prop in schema.get("required", []):
        if prop in arguments:
            continue
        kind = (schema.get("properties", {}).get(prop) or {}).get("type")
        arguments[prop] = {"number": 1, "integer": 1, "boolean": True, "array": [], "object": {}}.get(
            kind, f"interop {prop}")
    return arguments


def prompt_arguments(prompt: dict[str, Any] | None, note_id: str) -> dict[str, str]:
    """Values for the prompt's required arguments: the note's id for `id` (summarize works on a stored note), a
    plain text for any other."""
    declared = (prompt or {}).get("arguments") or [{"name": "id", "required": True}]
    required = [a["name"] for a in declared if a.get("required")] or [a["name"] for a in declared]
    return {name: note_id if name == "id" else PROMPT_TEXT for name in required}


def listing_entry(item: dict[str, Any]) -> dict[str, Any]:
    meta = (item.get("_meta") or {}).get("fastmcp") or {}
    return {
        "version": meta.get("version"),
        "versions": meta.get("versions"),
        "tags": meta.get("tags"),
        "hasFastmcpMeta": "fastmcp" in (item.get("_meta") or {}),
        "properties": sorted(((item.get("inputSchema") or {}).get("properties") or {}).keys()),
        "arguments": sorted(a["name"] for a in item.get("arguments") or []),
        "outputSchema": item.get("outputSchema"),
        "icons": item.get("icons"),
    }


async def listings(adapter: Adapter) -> dict[str, Any]:
    keys = {"tools": "name", "prompts": "name", "resources": "uri", "templates": "uriTemplate"}
    out: dict[str, Any] = {}
    for kind, key in keys.items():
        items = await adapter.list(kind)
        out[kind] = {item[key]: listing_entry(item) for item in items}
        out[f"{kind}Raw"] = {item[key]: item for item in items}
    return out


async def progress_run(adapter: Adapter, arguments: dict[str, Any]) -> dict[str, Any]:
    events: list[list[Any]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        events.append([progress, total, message])

    started = time.monotonic()
    result = await attempt(adapter.call(REINDEX, arguments, progress=on_progress))
    return {"events": events, "result": result, "seconds": round(time.monotonic() - started, 3)}


async def cancel_run(adapter: Adapter, arguments: dict[str, Any]) -> dict[str, Any]:
    """`cancel_attempt`, made a second time when the rerun after the cancel looked slow, keeping the faster attempt.

    A cancelled call that ran on delays the rerun in every attempt (~0.9 s); a burst of load on the machine (the
    other test suites run alongside) delays one. The number of attempts is reported."""
    first = await cancel_attempt(adapter, arguments)
    if first["reindexAfterCancelSeconds"] <= first["reindexPlainAfterSeconds"] + 0.3:
        return {**first, "attempts": 1}
    second = await cancel_attempt(adapter, arguments)
    best = min(first, second, key=lambda a: a["reindexAfterCancelSeconds"] - a["reindexPlainAfterSeconds"])
    return {**best, "attempts": 2}


async def cancel_attempt(adapter: Adapter, arguments: dict[str, Any]) -> dict[str, Any]:
    """Start reindex, cancel it at its first progress, then check the session still answers and reindex can run."""
    first_progress = asyncio.Event()

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        first_progress.set()

    started = time.monotonic()
    task = asyncio.ensure_future(adapter.call(REINDEX, arguments, progress=on_progress))
    waiter = asyncio.ensure_future(first_progress.wait())
    await asyncio.wait({task, waiter}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    saw_progress = first_progress.is_set()
    waiter.cancel()
    completed_before_cancel = task.done()
    task.cancel()
    cancelled_at = time.monotonic()
    try:
        await task
        outcome = "completed"
    except asyncio.CancelledError:
        outcome = "cancelled"
    except Exception as exc:
        outcome = f"error: {exc}"
    settled = time.monotonic() - cancelled_at
    after = await attempt(adapter.call(ADD, {"a": 2, "b": 3}))
    rerun_started = time.monotonic()
    rerun = await attempt(adapter.call(REINDEX, arguments))
    rerun_seconds = time.monotonic() - rerun_started
    # One more, uncancelled, right after: the yardstick for the rerun at this moment's machine load.
    plain_started = time.monotonic()
    await attempt(adapter.call(REINDEX, arguments))
    return {
        "sawProgressBeforeCancel": saw_progress,
        "completedBeforeCancel": completed_before_cancel,
        "outcome": outcome,
        "secondsToFirstProgress": round(cancelled_at - started, 3),
        "secondsToSettle": round(settled, 3),
        "callAfterCancel": after,
        "reindexAfterCancel": rerun,
        "reindexAfterCancelSeconds": round(rerun_seconds, 3),
        "reindexPlainAfterSeconds": round(time.monotonic() - plain_started, 3),
    }


async def observe(adapter: Adapter, surfaces: dict[str, Adapter] | None = None) -> dict[str, Any]:
    seen = await listings(adapter)
    tools = seen["toolsRaw"]
    calc = tools.get(CALCULATE)

    calls = {
        "calculateLatest": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 3, "op": "div", "precision": 2})),
        "calculatePinned1": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 3, "op": "div"}, version="1.0")),
        "calculatePinned2": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 3, "op": "div", "precision": 2},
                                                       version="2.0")),
        "calculatePinnedV1Spelling": await attempt(adapter.call(CALCULATE, {"a": 6, "b": 3, "op": "mul"},
                                                                version="v1")),
        "addUnversioned": await attempt(adapter.call(ADD, {"a": 2, "b": 3})),
        "addWithVersion": await attempt(adapter.call(ADD, {"a": 2, "b": 3}, version="1.0")),
        "greetLatest": await attempt(adapter.call(GREET, sample_arguments(tools.get(GREET), {}))),
        "greetPinned1": await attempt(adapter.call(GREET, sample_arguments(tools.get(GREET), {}), version="1.0")),
        "greetPinned2": await attempt(adapter.call(GREET, sample_arguments(tools.get(GREET), {}), version="2.0")),
    }
    # The same pinned calls through the client's plain request path, which skips its check of the result against
    # the output schema it cached from tools/list: what the server itself answered, to compare with what the
    # client's own call path gave back.
    unvalidated = {
        "calculatePinned1": await attempt(adapter.call_unvalidated(CALCULATE, {"a": 1, "b": 3, "op": "div"}, "1.0")),
        "calculatePinnedV1Spelling": await attempt(adapter.call_unvalidated(CALCULATE, {"a": 6, "b": 3, "op": "mul"},
                                                                           "v1")),
        "greetPinned1": await attempt(adapter.call_unvalidated(GREET, sample_arguments(tools.get(GREET), {}), "1.0")),
    }
    errors = {
        "divisionByZero": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 0, "op": "div"})),
        "missingToolVersion": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 2, "op": "add"},
                                                         version=MISSING_VERSION)),
        "nonStringVersion": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 2, "op": "add"},
                                                       meta={"fastmcp": {"version": 2}})),
        "unknownTool": await attempt(adapter.call("math_nope", {})),
    }

    note_args = sample_arguments(tools.get(ADD_NOTE), {"title": "Interop", "body": "from a client"})
    added = await attempt(adapter.call(ADD_NOTE, note_args))
    note_id = note_id_from(added)
    note_uri = f"{NOTE_TEMPLATE_PREFIX}{note_id}"
    reads = {
        "addNote": added,
        "addNoteArguments": note_args,
        "noteUri": note_uri,
        "index": await attempt(adapter.read("notes://notes/index")),
        "noteLatest": await attempt(adapter.read(note_uri)),
        "notePinned1": await attempt(adapter.read(note_uri, version="1.0")),
        "notePinned2": await attempt(adapter.read(note_uri, version="2.0")),
        "noteMissingVersion": await attempt(adapter.read(note_uri, version=MISSING_VERSION)),
    }
    summarize_args = prompt_arguments(seen["promptsRaw"].get(SUMMARIZE), note_id)
    errors["missingPromptVersion"] = await attempt(adapter.prompt(SUMMARIZE, summarize_args, version=MISSING_VERSION))
    prompts = {
        "summarizeLatest": await attempt(adapter.prompt(SUMMARIZE, summarize_args)),
        "summarizePinned1": await attempt(adapter.prompt(SUMMARIZE, summarize_args, version="1.0")),
        "summarizePinned2": await attempt(adapter.prompt(SUMMARIZE, summarize_args, version="2.0")),
    }
    reindex_args = sample_arguments(tools.get(REINDEX), {})
    observation = {
        "client": adapter.name,
        "protocolVersion": adapter.protocol_version(),
        "tools": seen["tools"], "resources": seen["resources"], "templates": seen["templates"],
        "prompts": seen["prompts"],
        "calculateProperties": listing_entry(calc)["properties"] if calc else None,
        "calls": calls, "unvalidatedCalls": unvalidated, "errors": errors, "reads": reads, "promptGets": prompts,
        "progress": await progress_run(adapter, reindex_args),
        "cancel": await cancel_run(adapter, reindex_args),
        "surfaces": {},
    }
    for name, other in (surfaces or {}).items():
        observation["surfaces"][name] = {tool["name"]: listing_entry(tool) for tool in await other.list("tools")}
    return observation


def note_id_from(result: dict[str, Any]) -> str:
    """The id add_note returned: structured content when there is one, else the text of the first content block."""
    structured = result.get("structuredContent")
    if isinstance(structured, dict):
        for key in ("id", "result"):
            if key in structured:
                return str(structured[key])
    text = result.get("text") or ""
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and "id" in parsed:
            return str(parsed["id"])
        if isinstance(parsed, (int, str)):
            return str(parsed)
    except ValueError:
        pass
    return text.strip()


def emit(run: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    """Run the observation and print it as one JSON document; a crash is reported on stderr with exit status 1."""
    try:
        observation = asyncio.run(run())
    except BaseException:
        traceback.print_exc()
        sys.exit(1)
    json.dump(observation, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    sys.stdout.flush()

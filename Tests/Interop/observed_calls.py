"""Calls made by the official Python SDK (`mcp.ClientSession` over Streamable HTTP) whose traces and metrics the
operations tests then read from the host: the test compares what the host counted and exported with what this
client says it did.

    python observed_calls.py --url http://127.0.0.1:PORT/mcp [--traceparent 00-…-…-01] [--echo-tool NAME]

Calls `math_add` three times, `math_calculate` pinned to version 1.0 twice, and a tool that does not exist
twice (a made-up name: the host must count it under one label, not make a series for it). With --traceparent,
every call carries it in `params._meta`, as MCP clients propagate W3C trace context. With --echo-tool, one more
call goes to that tool (one that answers with the `_meta` it was given) and its answer is reported as `echoed`.

Prints one JSON document: the calls made per tool with their outcomes, and the answers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


async def run(url: str, traceparent: str | None, echo_tool: str | None) -> dict[str, Any]:
    meta = {"traceparent": traceparent} if traceparent else None
    plan = [("math_add", {"a": 2, "b": 3}, None)] * 3 \
        + [("math_calculate", {"a": 6, "b": 7, "op": "mul"}, "1.0")] * 2 \
        + [("no_such_tool_4f1c", {}, None), ("made_up_name_9a2e", {}, None)]
    calls: list[dict[str, Any]] = []
    echoed: Any = None
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        for name, arguments, version in plan:
            call_meta = dict(meta or {})
            if version:
                call_meta["fastmcp"] = {"version": version}
            try:
                result = await session.call_tool(name, arguments, meta=call_meta or None)
                text = " ".join(getattr(block, "text", "") for block in result.content)
                calls.append({"name": name, "version": version, "outcome": "tool_error" if result.is_error else "ok",
                              "text": text})
            except Exception as error:  # the SDK raises McpError for a JSON-RPC error answer
                calls.append({"name": name, "version": version, "outcome": "error", "text": str(error)})
        if echo_tool:
            echoed = (await session.call_tool(echo_tool, {}, meta=meta)).structured_content
    return {"calls": calls, "echoed": echoed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--traceparent")
    parser.add_argument("--echo-tool")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.traceparent, args.echo_tool))))


if __name__ == "__main__":
    main()

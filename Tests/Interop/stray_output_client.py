"""A provider that prints to stdout, served in process over stdio, through the official Python SDK's
`mcp.ClientSession`: the client must see JSON-RPC and nothing else, and the provider's lines must be in the
host's log.

    python stray_output_client.py plugboard serve --config runtime.json --stdio

Prints one JSON document: the tools listed, the answers of the calls, every message the client could not
parse (as the SDK reports it to the session's message handler), and the server's stderr.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from typing import Any

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

import scenario


def text_of(result: types.CallToolResult) -> str:
    return " ".join(block.text for block in result.content if isinstance(block, types.TextContent))


async def run() -> dict[str, Any]:
    command = sys.argv[1:]
    unparsed: list[str] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, Exception):
            unparsed.append(f"{type(message).__name__}: {message}")

    with tempfile.TemporaryFile("w+") as server_log:
        async with stdio_client(StdioServerParameters(command=command[0], args=command[1:]), errlog=server_log) as (read, write), \
                ClientSession(read, write, message_handler=on_message) as session:
            await session.initialize()
            tools = sorted(tool.name for tool in (await session.list_tools()).tools)
            answers = [text_of(await session.call_tool("stray_chat", {})) for _ in range(5)]
            pings = 0
            for _ in range(10):  # the provider's own thread keeps printing meanwhile
                await session.send_ping()
                pings += 1
                await asyncio.sleep(0.05)
            stdin = await session.call_tool("stray_read_stdin", {})
            # The client's next bytes go out while the provider reads: none may reach it.
            answers.append(text_of(stdin))
            answers.append(text_of(await session.call_tool("stray_chat", {})))
        server_log.seek(0)
        log = server_log.read()
    return {"tools": tools, "answers": answers, "pings": pings, "stdinBytes": (stdin.structured_content or {}).get("bytes"),
            "unparsed": unparsed, "serverLog": log}


if __name__ == "__main__":
    scenario.emit(run)

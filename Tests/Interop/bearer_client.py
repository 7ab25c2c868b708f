"""Connects to a Plugboard HTTP surface with an OAuth access token, as MCP clients do once they hold one: the
Python `mcp` client with the token in its HTTP client's headers, and fastmcp's `BearerAuth`. Each lists the tools
and calls one; prints one JSON object with what each saw.

    python bearer_client.py URL TOKEN TOOL ARGUMENTS_JSON
"""
import asyncio
import json
import sys

from fastmcp import Client
from fastmcp.client.auth import BearerAuth
from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client


def text_of(result):
    return "".join(getattr(block, "text", "") for block in result.content)


async def with_mcp(url, token, tool, arguments):
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http, streamable_http_client(url, http_client=http) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = [t.name for t in (await session.list_tools()).tools]
        result = await session.call_tool(tool, arguments)
        return {"tools": tools, "text": text_of(result), "is_error": bool(result.isError)}


async def with_fastmcp(url, token, tool, arguments):
    async with Client(url, auth=BearerAuth(token)) as client:
        tools = [t.name for t in await client.list_tools()]
        result = await client.call_tool(tool, arguments, raise_on_error=False)
        return {"tools": tools, "text": text_of(result), "is_error": bool(result.is_error)}


async def main():
    url, token, tool, arguments = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    seen = {}
    for name, run in (("mcp", with_mcp), ("fastmcp", with_fastmcp)):
        try:
            seen[name] = await run(url, token, tool, arguments)
        except Exception as error:  # reported, so the test says which client failed and how
            seen[name] = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(seen))


if __name__ == "__main__":
    asyncio.run(main())

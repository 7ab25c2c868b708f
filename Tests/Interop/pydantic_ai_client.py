"""The framework scenario through pydantic-ai's `MCPToolset` (pydantic-ai-slim[mcp], on fastmcp's Client).

    python pydantic_ai_client.py --http http://127.0.0.1:PORT/mcp
    python pydantic_ai_client.py --stdio plugboard serve --stdio

Tools are listed with `list_tools` and called with `direct_call_tool`, whose `metadata` is the request's `_meta`:
so tool versions are pinned through pydantic-ai itself. Its `read_resource` and `get_prompt` take no `_meta`, so
pinned reads and prompts go through the toolset's documented `client` (the fastmcp `Client` it runs on) and its
`version=` parameter. `tool_error_behavior="error"` hands errors to the caller as they came (a protocol error keeps
its JSON-RPC code) instead of turning them into a retry request for a model. Prints one JSON document (see
framework_scenario.py).
"""

from __future__ import annotations

from typing import Any

from fastmcp.client.transports import StdioTransport
from fastmcp.exceptions import ToolError
from pydantic_ai.mcp import MCPToolset

import framework_scenario
from framework_scenario import answer_of


class PydanticAIAdapter:
    via = {
        "list": "MCPToolset.list_tools() -> mcp Tool",
        "call": "MCPToolset.direct_call_tool(name, args)",
        "callPinned": "MCPToolset.direct_call_tool(name, args, metadata=_meta)",
        "read": "MCPToolset.read_resource(uri)",
        "readPinned": "MCPToolset.client.read_resource(uri, version=...)",
        "prompt": "MCPToolset.get_prompt(name, arguments)",
        "promptPinned": "MCPToolset.client.get_prompt(name, arguments, version=...)",
    }

    def __init__(self, toolset: MCPToolset, name: str) -> None:
        self.toolset = toolset
        self.name = name

    def protocol_version(self) -> str | None:
        return self.toolset.client.protocol_version

    async def list_tools(self) -> list[dict[str, Any]]:
        return [tool.model_dump(by_alias=True, mode="json", exclude_none=True)
                for tool in await self.toolset.list_tools()]

    async def call(self, name, arguments, version=None):
        metadata = {"fastmcp": {"version": version}} if version is not None else None
        try:
            # Already the answer: structured content (a lone `result` unwrapped), else the text, JSON-decoded.
            answer = await self.toolset.direct_call_tool(name, arguments, metadata=metadata)
        except ToolError as exc:  # a result with isError, raised under tool_error_behavior="error"
            return {"isError": True, "answer": str(exc)}
        return {"isError": False, "answer": answer}

    async def read(self, uri, version=None):
        if version is not None:
            first = (await self.toolset.client.read_resource(uri, version=version))[0]
            return {"uri": str(first.uri), "text": getattr(first, "text", None)}
        # pydantic-ai returns the text alone; the URI is the one asked for.
        return {"uri": uri, "text": await self.toolset.read_resource(uri)}

    async def prompt(self, name, arguments, version=None):
        if version is not None:
            result = await self.toolset.client.get_prompt(name, arguments, version=version)
            return {"texts": [getattr(m.content, "text", None) for m in result.messages]}
        result = await self.toolset.get_prompt(name, arguments)
        return {"texts": [getattr(m.content, "content", None) for m in result.messages]}


async def run() -> dict[str, Any]:
    args = framework_scenario.parse_args(__doc__.splitlines()[0])
    target = StdioTransport(command=args.stdio[0], args=args.stdio[1:]) if args.stdio else args.http
    toolset = MCPToolset(target, tool_error_behavior="error", read_timeout=30)
    async with toolset:
        transport = "stdio" if args.stdio else "http"
        return await framework_scenario.observe(PydanticAIAdapter(toolset, f"pydantic-ai/{transport}"))


if __name__ == "__main__":
    framework_scenario.emit(run)

"""The framework scenario through langchain-mcp-adapters' `MultiServerMCPClient` (runs in .venv/langchain).

    python langchain_client.py --http http://127.0.0.1:PORT/mcp
    python langchain_client.py --stdio plugboard serve --stdio

langchain-mcp-adapters 0.3 requires mcp<2 (it imports `mcp.server.fastmcp`, which mcp 2 removed), so it cannot
share the main venv with mcp 2.3; scripts/bootstrap gives it a venv of its own with mcp 1.x, as its users run it.

One session for the whole run (`client.session(name)`, the adapter's documented way to keep a session): without it
the client opens a new session per tool call, which over stdio is a new server process that has lost the note the
scenario stored. Tools, resources and prompts go through langchain's loaders on that session (`load_mcp_tools`,
`load_mcp_resources`, `load_mcp_prompt`); none of them can send `_meta`, so pinned requests go through the
session's own `call_tool(meta=...)` and, for reads and prompts (mcp 1.x's `read_resource` and `get_prompt` take no
`meta`), `send_request`. Prints one JSON document (see framework_scenario.py).
"""

from __future__ import annotations

import contextlib
from typing import Any

from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.prompts import load_mcp_prompt
from langchain_mcp_adapters.resources import load_mcp_resources
from langchain_mcp_adapters.tools import load_mcp_tools
from mcp import ClientSession, types

import framework_scenario
from framework_scenario import answer_of

SERVER = "plugboard"


def pin(version: str) -> dict[str, Any]:
    return {"fastmcp": {"version": version}}


class LangchainAdapter:
    via = {
        "list": "load_mcp_tools(session) -> StructuredTool (name, args_schema, metadata._meta)",
        "call": "StructuredTool.ainvoke(ToolCall) -> ToolMessage (content, artifact)",
        "callPinned": "ClientSession.call_tool(meta=_meta) on client.session(name)",
        "read": "load_mcp_resources(session, uris=[uri]) -> Blob",
        "readPinned": "ClientSession.send_request(resources/read with _meta)",
        "prompt": "load_mcp_prompt(session, name, arguments=...) -> messages",
        "promptPinned": "ClientSession.send_request(prompts/get with _meta)",
    }

    def __init__(self, session: ClientSession, initialized: types.InitializeResult, name: str) -> None:
        self.session = session
        self.initialized = initialized
        self.name = name
        self.tools: dict[str, Any] = {}

    def protocol_version(self) -> str | None:
        return str(self.initialized.protocolVersion)

    async def list_tools(self) -> list[dict[str, Any]]:
        # handle_tool_errors (the default) turns an isError result into a ToolMessage with status "error".
        loaded = await load_mcp_tools(self.session, server_name=SERVER)
        self.tools = {tool.name: tool for tool in loaded}
        return [{"name": tool.name, "inputSchema": tool.args_schema, "_meta": (tool.metadata or {}).get("_meta")}
                for tool in loaded]

    async def call(self, name, arguments, version=None):
        if version is not None:
            result = await self.session.call_tool(name, arguments, meta=pin(version))
            texts = [block.text for block in result.content if block.type == "text"]
            return {"isError": bool(result.isError), "answer": answer_of(result.structuredContent, texts)}
        message = await self.tools[name].ainvoke({"type": "tool_call", "id": "interop", "name": name,
                                                  "args": arguments})
        content = message.content if isinstance(message.content, list) else [message.content]
        texts = [block if isinstance(block, str) else block.get("text") for block in content
                 if isinstance(block, str) or block.get("type") == "text"]
        structured = (message.artifact or {}).get("structured_content")
        return {"isError": message.status == "error", "answer": answer_of(structured, texts)}

    async def read(self, uri, version=None):
        if version is not None:
            request = types.ReadResourceRequest(params=types.ReadResourceRequestParams(uri=uri, _meta=pin(version)))
            result = await self.session.send_request(request, types.ReadResourceResult)
            first = result.contents[0]
            return {"uri": str(first.uri), "text": getattr(first, "text", None)}
        blob = (await load_mcp_resources(self.session, uris=[uri]))[0]
        return {"uri": blob.metadata.get("uri"), "text": blob.as_string()}

    async def prompt(self, name, arguments, version=None):
        if version is not None:
            request = types.GetPromptRequest(params=types.GetPromptRequestParams(
                name=name, arguments=arguments, _meta=pin(version)))
            result = await self.session.send_request(request, types.GetPromptResult)
            return {"texts": [getattr(m.content, "text", None) for m in result.messages]}
        messages = await load_mcp_prompt(self.session, name, arguments=arguments)
        return {"texts": [m.content for m in messages]}


async def run() -> dict[str, Any]:
    args = framework_scenario.parse_args(__doc__.splitlines()[0])
    if args.stdio:
        connection = {"transport": "stdio", "command": args.stdio[0], "args": args.stdio[1:]}
    else:
        connection = {"transport": "streamable_http", "url": args.http}
    client = MultiServerMCPClient({SERVER: connection})
    async with contextlib.AsyncExitStack() as stack:
        # Initialized here rather than by the client, to keep the negotiated protocol version.
        session = await stack.enter_async_context(client.session(SERVER, auto_initialize=False))
        initialized = await session.initialize()
        transport = "stdio" if args.stdio else "http"
        return await framework_scenario.observe(LangchainAdapter(session, initialized, f"langchain/{transport}"))


if __name__ == "__main__":
    framework_scenario.emit(run)

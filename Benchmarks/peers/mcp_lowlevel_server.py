"""The official `mcp` SDK's (2.x) low-level server as a peer: one `add` tool, no framework on top, stdio or HTTP."""
import argparse

import anyio
import mcp.types as types
from mcp.server.lowlevel import Server

ADD = types.Tool(
    name="add",
    description="Add two numbers.",
    input_schema={"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]},
)


async def list_tools(ctx, params) -> types.ListToolsResult:
    return types.ListToolsResult(tools=[ADD])


async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
    if params.name != "add":
        return types.CallToolResult(content=[types.TextContent(type="text", text=f"Unknown tool: {params.name}")], is_error=True)
    arguments = params.arguments or {}
    total = arguments["a"] + arguments["b"]
    return types.CallToolResult(content=[types.TextContent(type="text", text=str(total))], structured_content={"result": total})


server = Server("mcp-lowlevel-peer", on_list_tools=list_tools, on_call_tool=call_tool)


async def serve_stdio() -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, help="serve Streamable HTTP on 127.0.0.1:PORT instead of stdio")
    options = parser.parse_args()
    if options.http:
        import uvicorn

        app = server.streamable_http_app(json_response=True, host="127.0.0.1")
        uvicorn.run(app, host="127.0.0.1", port=options.http, log_level="warning")
    else:
        anyio.run(serve_stdio)

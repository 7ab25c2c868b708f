"""MCP results as the interop observation records them: wire-shaped dicts (camelCase keys, `_meta`), so that
every client's observation can be compared with the same code."""

from __future__ import annotations

from typing import Any


def error_of(exc: BaseException) -> dict[str, Any]:
    """An exception as the observation records it: its class, and the JSON-RPC code and message when it has one."""
    code = getattr(exc, "code", None)
    if code is None and getattr(exc, "error", None) is not None:
        code = getattr(exc.error, "code", None)
    return {"error": {"type": type(exc).__name__, "code": code if isinstance(code, int) else None,
                      "message": str(exc)}}


def call_result(result: Any) -> dict[str, Any]:
    """A tools/call result (mcp_types.CallToolResult or fastmcp's) as the observation records it."""
    content = [block.model_dump(by_alias=True, mode="json", exclude_none=True) for block in result.content]
    texts = [block.get("text") for block in content if block.get("type") == "text"]
    structured = result.structured_content  # both mcp_types.CallToolResult and fastmcp's CallToolResult have it
    return {"isError": bool(result.is_error), "text": texts[0] if texts else None, "texts": texts,
            "structuredContent": structured}


async def send_call_unvalidated(session: Any, name: str, arguments: dict[str, Any], version: str) -> dict[str, Any]:
    """tools/call pinned to `version` through `ClientSession.send_request`, without `call_tool`'s output check."""
    from mcp import types

    request = types.CallToolRequest(params=types.CallToolRequestParams(
        name=name, arguments=arguments, _meta={"fastmcp": {"version": version}}))
    return call_result(await session.send_request(request, types.CallToolResult))


def read_result(contents: list[Any]) -> dict[str, Any]:
    dumped = [c.model_dump(by_alias=True, mode="json", exclude_none=True) for c in contents]
    return {"contents": [{k: c.get(k) for k in ("uri", "mimeType", "text")} for c in dumped]}


def prompt_result(result: Any) -> dict[str, Any]:
    messages = []
    for message in result.messages:
        dumped = message.model_dump(by_alias=True, mode="json", exclude_none=True)
        messages.append({"role": dumped.get("role"), "text": (dumped.get("content") or {}).get("text")})
    return {"messages": messages}

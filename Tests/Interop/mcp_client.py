"""The interop scenario through the official Python SDK's low-level `mcp.ClientSession` (initialize handshake).

    python mcp_client.py --http http://127.0.0.1:PORT/mcp [--surface-url v1=URL ...]
    python mcp_client.py --stdio plugboard serve --stdio

Prints one JSON document of what it observed (see scenario.py).
"""

from __future__ import annotations

import contextlib
from typing import Any

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

import scenario
import shapes

LISTERS = {
    "tools": ("list_tools", "tools"),
    "resources": ("list_resources", "resources"),
    "templates": ("list_resource_templates", "resource_templates"),
    "prompts": ("list_prompts", "prompts"),
}


class SessionAdapter:
    def __init__(self, session: ClientSession, name: str) -> None:
        self.session = session
        self.name = name

    def protocol_version(self) -> str | None:
        return self.session.protocol_version

    async def list(self, kind: str) -> list[dict[str, Any]]:
        method, field = LISTERS[kind]
        items: list[dict[str, Any]] = []
        cursor = None
        while True:  # follow MCP pagination to the end
            params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
            page = await getattr(self.session, method)(params=params)
            items += [item.model_dump(by_alias=True, mode="json", exclude_none=True) for item in getattr(page, field)]
            cursor = page.next_cursor
            if not cursor:
                return items

    @staticmethod
    def _meta(version: str | None, meta: dict[str, Any] | None) -> Any:
        if meta is not None:
            return meta
        return {"fastmcp": {"version": version}} if version is not None else None

    async def call(self, name, arguments, version=None, progress=None, meta=None):
        result = await self.session.call_tool(name, arguments, progress_callback=progress,
                                              meta=self._meta(version, meta))
        return shapes.call_result(result)

    async def call_unvalidated(self, name, arguments, version):
        return await shapes.send_call_unvalidated(self.session, name, arguments, version)

    async def read(self, uri, version=None):
        return shapes.read_result((await self.session.read_resource(uri, meta=self._meta(version, None))).contents)

    async def prompt(self, name, arguments, version=None):
        return shapes.prompt_result(await self.session.get_prompt(name, arguments, meta=self._meta(version, None)))


@contextlib.asynccontextmanager
async def connect(args, url: str | None = None):
    if url is None and args.stdio:
        transport = stdio_client(StdioServerParameters(command=args.stdio[0], args=args.stdio[1:]))
    else:
        if args.bearer:  # the token in the HTTP client's headers, as an application that holds one configures it
            http = create_mcp_http_client(headers={"Authorization": f"Bearer {args.bearer}"})
            transport = streamable_http_client(url or args.http, http_client=http)
        else:
            transport = streamable_http_client(url or args.http)
    async with transport as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


async def run() -> dict[str, Any]:
    args = scenario.parse_args(__doc__.splitlines()[0])
    transport = "stdio" if args.stdio else "http"
    async with contextlib.AsyncExitStack() as stack:
        main = SessionAdapter(await stack.enter_async_context(connect(args)), f"mcp/{transport}")
        surfaces = {}
        for spec in args.surface_url:
            surface, _, url = spec.partition("=")
            surfaces[surface] = SessionAdapter(await stack.enter_async_context(connect(args, url)), surface)
        return await scenario.observe(main, surfaces)


if __name__ == "__main__":
    scenario.emit(run)

"""The interop scenario through `fastmcp.Client`, in mode "auto" (2026-07-28 `server/discover`) or "legacy".

    python fastmcp_client.py --mode auto|legacy --http http://127.0.0.1:PORT/mcp [--surface-url v1=URL ...]
    python fastmcp_client.py --mode auto|legacy --stdio plugboard serve --stdio

Versions are pinned with the client's own `version=` parameter. Prints one JSON document (see scenario.py).
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from fastmcp import Client
from fastmcp.client.auth import BearerAuth
from fastmcp.client.transports import StdioTransport, StreamableHttpTransport

import scenario
import shapes

LISTERS = {
    "tools": ("list_tools_mcp", "tools"),
    "resources": ("list_resources_mcp", "resources"),
    "templates": ("list_resource_templates_mcp", "resource_templates"),
    "prompts": ("list_prompts_mcp", "prompts"),
}


class ClientAdapter:
    def __init__(self, client: Client, name: str) -> None:
        self.client = client
        self.name = name

    def protocol_version(self) -> str | None:
        return self.client.protocol_version

    async def list(self, kind: str) -> list[dict[str, Any]]:
        method, field = LISTERS[kind]
        items: list[dict[str, Any]] = []
        cursor = None
        while True:  # follow MCP pagination to the end
            page = await getattr(self.client, method)(cursor=cursor, cache_mode="bypass")
            items += [item.model_dump(by_alias=True, mode="json", exclude_none=True) for item in getattr(page, field)]
            cursor = page.next_cursor
            if not cursor:
                return items

    async def call(self, name, arguments, version=None, progress=None, meta=None):
        result = await self.client.call_tool(name, arguments, version=version, progress_handler=progress,
                                             raise_on_error=False, meta=meta)
        return shapes.call_result(result)

    async def call_unvalidated(self, name, arguments, version):
        return await shapes.send_call_unvalidated(self.client.session, name, arguments, version)

    async def read(self, uri, version=None):
        return shapes.read_result(await self.client.read_resource(uri, version=version))

    async def prompt(self, name, arguments, version=None):
        return shapes.prompt_result(await self.client.get_prompt(name, arguments, version=version))


def pop_mode() -> str:
    """Take `--mode X` off argv (before --stdio swallows the rest); scenario.parse_args handles the others."""
    argv = sys.argv
    if "--mode" not in argv or argv.index("--mode") + 1 >= len(argv):
        sys.exit("fastmcp_client.py: --mode auto|legacy is required")
    at = argv.index("--mode")
    mode = argv[at + 1]
    if mode not in ("auto", "legacy"):
        sys.exit(f"fastmcp_client.py: --mode must be auto or legacy, not {mode!r}")
    del argv[at:at + 2]
    return mode


@contextlib.asynccontextmanager
async def connect(args, mode: str, url: str | None = None):
    if url is None and args.stdio:
        transport = StdioTransport(command=args.stdio[0], args=args.stdio[1:])
    else:
        transport = StreamableHttpTransport(url or args.http, auth=BearerAuth(args.bearer) if args.bearer else None)
    async with Client(transport, mode=mode, timeout=30) as client:
        yield client


async def run() -> dict[str, Any]:
    mode = pop_mode()
    args = scenario.parse_args(__doc__.splitlines()[0])
    transport = "stdio" if args.stdio else "http"
    async with contextlib.AsyncExitStack() as stack:
        main = ClientAdapter(await stack.enter_async_context(connect(args, mode)), f"fastmcp-{mode}/{transport}")
        surfaces = {}
        for spec in args.surface_url:
            surface, _, url = spec.partition("=")
            surfaces[surface] = ClientAdapter(await stack.enter_async_context(connect(args, mode, url)), surface)
        return await scenario.observe(main, surfaces)


if __name__ == "__main__":
    scenario.emit(run)

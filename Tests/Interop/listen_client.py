"""`subscriptions/listen` (2026-07-28) through the official Python SDK's `mcp.Client.listen`: a stateless client
subscribes to tool list changes, a provider is copied into a watched plugin directory, and the client hears of it.

    python listen_client.py --http http://127.0.0.1:PORT/mcp --drop PROVIDER.so --into DIR [--terminate PID]
    python listen_client.py --stdio plugboard serve --stdio --drop ... --into DIR   (--stdio last)

With --terminate, the server (PID) is then sent SIGTERM while the stream is open, and the observation records
how the stream ended: "graceful" (the listen request's result came) or "lost". Prints one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import time
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.client.subscriptions import SubscriptionLost

import scenario


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drop", required=True, help="provider file to copy into the watched directory")
    parser.add_argument("--into", required=True, help="the watched plugin directory")
    parser.add_argument("--terminate", type=int, help="server pid to SIGTERM while the stream is open")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--http", metavar="URL")
    where.add_argument("--stdio", nargs=argparse.REMAINDER, metavar="CMD")
    return parser.parse_args()


def install(source: str, directory: str) -> None:
    """As deployment tools do: a temporary name, then a rename, so the watcher never sees half a file."""
    name = os.path.basename(source)
    temporary = os.path.join(directory, f".{name}.tmp")
    shutil.copyfile(source, temporary)
    os.rename(temporary, os.path.join(directory, name))


async def tool_names(client: Client) -> list[str]:
    return sorted(tool.name for tool in (await client.list_tools()).tools)


async def observe(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"protocolVersion": client.protocol_version, "toolsBefore": await tool_names(client)}
    async with client.listen(tools_list_changed=True, prompts_list_changed=True,
                             resource_subscriptions=["notes://notes/index"]) as subscription:
        out["subscriptionId"] = subscription.subscription_id
        out["honored"] = subscription.honored.model_dump(by_alias=True, mode="json", exclude_none=True)
        started = time.monotonic()
        install(args.drop, args.into)
        event = await asyncio.wait_for(subscription.__anext__(), timeout=10)
        out["event"] = type(event).__name__
        out["secondsToEvent"] = time.monotonic() - started
        out["toolsAfter"] = await tool_names(client)
        if args.terminate:
            os.kill(args.terminate, signal.SIGTERM)
            try:
                async with asyncio.timeout(10):
                    out["eventsAfterTerminate"] = [type(e).__name__ async for e in subscription]
                out["end"] = "graceful"
            except SubscriptionLost as lost:
                out["end"] = f"lost: {lost}"
            except TimeoutError:
                out["end"] = "still open 10 s after SIGTERM"
    return out


async def run() -> dict[str, Any]:
    args = parse_args()
    target = StdioServerParameters(command=args.stdio[0], args=args.stdio[1:]) if args.stdio else args.http
    async with Client(target) as client:
        return await observe(client, args)


if __name__ == "__main__":
    scenario.emit(run)

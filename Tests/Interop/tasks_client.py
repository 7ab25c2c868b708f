"""Tasks (the `io.modelcontextprotocol/tasks` extension, SEP-2663) through `fastmcp.Client` with `fastmcp-tasks`,
the client half of the extension that its users install: importing it makes every Client declare the extension,
and `call_tool` then drives a call the server runs as a task to its result by polling `tasks/get`.

    python tasks_client.py --http http://127.0.0.1:PORT/mcp
    python tasks_client.py --stdio plugboard serve --stdio

notes_reindex works for about a second in ten steps (reporting progress); math_add answers at once. Prints one
JSON document of what it observed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import fastmcp_tasks  # noqa: F401  (registers the tasks extension on every fastmcp Client)
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from fastmcp_tasks import call_tool_task
from fastmcp_tasks.client import _send_get

import scenario
import shapes


def dump(model: Any) -> dict[str, Any]:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


async def poll_to_end(task) -> list[dict[str, Any]]:
    """Every `tasks/get` answer until the task has ended."""
    seen = []
    for _ in range(200):
        current = await task.status()
        seen.append(dump(current))
        if current.status != "working":
            return seen
        await asyncio.sleep(0.05)
    return seen


async def observe(client: Client) -> dict[str, Any]:
    out: dict[str, Any] = {"protocolVersion": client.protocol_version}
    # The caller does not see the task: call_tool polls it to the tool's result.
    out["transparent"] = await scenario.attempt(
        async_result(client.call_tool("notes_reindex", {}, raise_on_error=False)))

    # An explicit handle, polled to completion.
    task = await call_tool_task(client, "notes_reindex", {})
    out["created"] = dump(task.create_result)
    out["polled"] = await poll_to_end(task)
    out["result"] = shapes.call_result(await task.result())

    # Cancelled midway: the task ends cancelled and stays so.
    doomed = await call_tool_task(client, "notes_reindex", {})
    await asyncio.sleep(0.3)
    await doomed.cancel()
    out["cancelled"] = dump(await doomed.wait(timeout=10))
    await asyncio.sleep(1.2)  # past the time the whole reindex would take
    out["cancelledLater"] = dump(await doomed.status())
    await doomed.cancel()  # acknowledged again, changes nothing
    out["cancelledTwice"] = dump(await doomed.status())

    # A quick call is answered as usual, not as a task.
    out["quick"] = shapes.call_result(await client.call_tool("math_add", {"a": 2, "b": 3}))
    out["quickAsTask"] = await scenario.attempt(async_handle(call_tool_task(client, "math_add", {"a": 2, "b": 3})))

    # A handle nobody has: the same answer as one expired or another team's.
    out["unknown"] = await scenario.attempt(async_dump(_send_get(client.session, "0123456789abcdef0123456789abcdef")))
    out["knownTaskId"] = task.task_id
    return out


async def async_result(call) -> dict[str, Any]:
    return shapes.call_result(await call)


async def async_handle(call) -> dict[str, Any]:
    return {"taskId": (await call).task_id}


async def async_dump(call) -> dict[str, Any]:
    return dump(await call)


async def run() -> dict[str, Any]:
    args = scenario.parse_args(__doc__.splitlines()[0])
    target = StdioTransport(command=args.stdio[0], args=args.stdio[1:]) if args.stdio else args.http
    async with Client(target) as client:
        return await observe(client)


if __name__ == "__main__":
    scenario.emit(run)

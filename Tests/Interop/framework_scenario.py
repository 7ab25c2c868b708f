"""The interop scenario for agent-framework clients (langchain-mcp-adapters, pydantic-ai), and its JSON document.

These frameworks wrap an MCP client for an LLM application: they hand the application a tool's *answer* (structured
content when there is some, else the text) rather than the wire result, and most of their API has no way to send
`_meta`. So the full scenario in scenario.py does not fit them; this one keeps its part that matters to such an
application: list tools, call tools, read resources, get prompts, and pin every version of every versioned
component (tools, the note template, the summarize prompt), plus the errors for a version nobody has.

Each adapter says, per operation, which API of the framework it went through (`via`): the framework's own where it
has one, and where the framework cannot send `_meta`, the MCP session or client it exposes for that purpose.
Argument choices (sample_arguments, prompt_arguments, note ids) are scenario.py's.
"""

from __future__ import annotations

from typing import Any, Protocol

import scenario
from scenario import (ADD, ADD_NOTE, CALCULATE, GREET, MISSING_VERSION, NOTE_TEMPLATE_PREFIX, SUMMARIZE, attempt,
                      sample_arguments)


class FrameworkAdapter(Protocol):
    """A framework's MCP client. Calls return {"isError", "answer"}; reads {"uri", "text"}; prompts {"texts"}."""

    name: str
    via: dict[str, str]

    def protocol_version(self) -> str | None: ...
    async def list_tools(self) -> list[dict[str, Any]]: ...  # wire-shaped: name, inputSchema, _meta
    async def call(self, name: str, arguments: dict[str, Any], version: str | None = None) -> dict[str, Any]: ...
    async def read(self, uri: str, version: str | None = None) -> dict[str, Any]: ...
    async def prompt(self, name: str, arguments: dict[str, str], version: str | None = None) -> dict[str, Any]: ...


def answer_of(structured: Any, texts: list[str]) -> Any:
    """What these frameworks give an application for a tool result: its structured content, else its text."""
    if structured is not None:
        return structured
    return texts[0] if len(texts) == 1 else texts


async def observe(adapter: FrameworkAdapter) -> dict[str, Any]:
    tools = {tool["name"]: tool for tool in await adapter.list_tools()}
    greet_args = sample_arguments(tools.get(GREET), {})
    calls = {
        "calculateLatest": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 3, "op": "div", "precision": 2})),
        "calculatePinned1": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 3, "op": "div"}, version="1.0")),
        "calculatePinned2": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 3, "op": "div", "precision": 2},
                                                       version="2.0")),
        "calculatePinnedV1Spelling": await attempt(adapter.call(CALCULATE, {"a": 6, "b": 3, "op": "mul"},
                                                                version="v1")),
        "addUnversioned": await attempt(adapter.call(ADD, {"a": 2, "b": 3})),
        "addWithVersion": await attempt(adapter.call(ADD, {"a": 2, "b": 3}, version="1.0")),
        "greetLatest": await attempt(adapter.call(GREET, greet_args)),
        "greetPinned1": await attempt(adapter.call(GREET, greet_args, version="1.0")),
        "greetPinned2": await attempt(adapter.call(GREET, greet_args, version="2.0")),
    }
    errors = {
        "divisionByZero": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 0, "op": "div"})),
        "missingToolVersion": await attempt(adapter.call(CALCULATE, {"a": 1, "b": 2, "op": "add"},
                                                         version=MISSING_VERSION)),
    }
    note_args = sample_arguments(tools.get(ADD_NOTE), {"title": "Interop", "body": "from a client"})
    added = await attempt(adapter.call(ADD_NOTE, note_args))
    note_id = note_id_from(added)
    note_uri = f"{NOTE_TEMPLATE_PREFIX}{note_id}"
    reads = {
        "addNote": added,
        "addNoteArguments": note_args,
        "noteUri": note_uri,
        "index": await attempt(adapter.read("notes://notes/index")),
        "noteLatest": await attempt(adapter.read(note_uri)),
        "notePinned1": await attempt(adapter.read(note_uri, version="1.0")),
        "notePinned2": await attempt(adapter.read(note_uri, version="2.0")),
        "noteMissingVersion": await attempt(adapter.read(note_uri, version=MISSING_VERSION)),
    }
    # Frameworks without a prompt listing get the argument the bundled prompt declares (`id`), as scenario.py does.
    summarize_args = scenario.prompt_arguments(None, note_id)
    errors["missingPromptVersion"] = await attempt(adapter.prompt(SUMMARIZE, summarize_args, version=MISSING_VERSION))
    prompts = {
        "summarizeLatest": await attempt(adapter.prompt(SUMMARIZE, summarize_args)),
        "summarizePinned1": await attempt(adapter.prompt(SUMMARIZE, summarize_args, version="1.0")),
        "summarizePinned2": await attempt(adapter.prompt(SUMMARIZE, summarize_args, version="2.0")),
    }
    return {
        "client": adapter.name,
        "protocolVersion": adapter.protocol_version(),
        "via": adapter.via,
        "tools": {name: scenario.listing_entry(tool) for name, tool in tools.items()},
        "calls": calls, "errors": errors, "reads": reads, "promptGets": prompts,
    }


def note_id_from(result: dict[str, Any]) -> str:
    """The id add_note returned, from the answer (structured content or text) as scenario.note_id_from reads it."""
    answer = result.get("answer")
    if isinstance(answer, dict):
        return scenario.note_id_from({"structuredContent": answer})
    if isinstance(answer, (int, float)):
        return str(answer)
    return scenario.note_id_from({"text": answer if isinstance(answer, str) else ""})


emit = scenario.emit
parse_args = scenario.parse_args

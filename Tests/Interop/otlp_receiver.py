"""A real OTLP/HTTP trace receiver: the tracing tests point the host's exporter at it, so they check the spans the
host actually exported over the wire, decoded with OpenTelemetry's own protobuf definitions (opentelemetry-proto),
not what the host believes it sent.

    python otlp_receiver.py --port 0 --out FILE

Binds 127.0.0.1 on --port (0 picks a free one), prints one line `listening PORT` to stdout, then serves until
killed. `POST /v1/traces` takes an ExportTraceServiceRequest as `application/x-protobuf` or as OTLP/JSON
(`application/json`), either one optionally `Content-Encoding: gzip`, and answers 200 with an empty
ExportTraceServiceResponse in the same encoding. Every span received is appended to FILE as one JSON line, written
before the answer goes out:

    {"trace_id": "<32 hex>", "span_id": "<16 hex>", "parent_span_id": "<16 hex, or \"\" for a root>",
     "name": "...", "kind": <SpanKind int>, "service_name": "<resource service.name, or \"\">",
     "attributes": {"key": str | int | float | bool | list | dict, bytes as hex}, "status_code": <Status.code int>}

Other paths get 404, other methods on /v1/traces 405, other content types 415, a body that does not decode 400
(the reason also goes to stderr). Requests are not logged.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

TRACES_PATH = "/v1/traces"
PROTOBUF = "application/x-protobuf"
JSON = "application/json"
MAX_BODY = 64 * 1024 * 1024  # far above any test's export; a cap so a broken length cannot eat the memory


class BadRequest(Exception):
    """The body could not be read or decoded; the message goes back with the 400."""


def any_value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [any_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)  # string_value, bool_value, int_value, double_value


def span_lines(request: ExportTraceServiceRequest) -> list[str]:
    lines = []
    for resource_spans in request.resource_spans:
        service_name = ""
        for kv in resource_spans.resource.attributes:
            if kv.key == "service.name":
                service_name = str(any_value(kv.value))
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                lines.append(json.dumps({
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent_span_id": span.parent_span_id.hex(),
                    "name": span.name,
                    "kind": span.kind,
                    "service_name": service_name,
                    "attributes": {kv.key: any_value(kv.value) for kv in span.attributes},
                    "status_code": span.status.code,
                }))
    return lines


# OTLP/JSON writes trace and span ids as hex, where protobuf's JSON mapping (json_format) expects base64 for bytes.
_ID_FIELDS = ("traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id")


def _hex_ids_to_base64(obj: dict[str, Any]) -> None:
    for field in _ID_FIELDS:
        if field in obj and isinstance(obj[field], str):
            try:
                obj[field] = base64.b64encode(bytes.fromhex(obj[field])).decode("ascii")
            except ValueError:
                raise BadRequest(f"{field} {obj[field]!r} is not hex") from None


def parse_json(body: bytes) -> ExportTraceServiceRequest:
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(f"body is not JSON: {error}") from None
    if not isinstance(doc, dict):
        raise BadRequest("body is not a JSON object")

    def children(obj: Any, *keys: str) -> list[Any]:
        for key in keys:
            if isinstance(obj, dict) and isinstance(obj.get(key), list):
                return obj[key]
        return []

    for resource_spans in children(doc, "resourceSpans", "resource_spans"):
        for scope_spans in children(resource_spans, "scopeSpans", "scope_spans"):
            for span in children(scope_spans, "spans"):
                if isinstance(span, dict):
                    _hex_ids_to_base64(span)
                    for link in children(span, "links"):
                        if isinstance(link, dict):
                            _hex_ids_to_base64(link)
    request = ExportTraceServiceRequest()
    try:
        # Receivers must ignore fields they do not know (OTLP spec), as they do in protobuf.
        json_format.ParseDict(doc, request, ignore_unknown_fields=True)
    except json_format.ParseError as error:
        raise BadRequest(f"body is not an OTLP/JSON ExportTraceServiceRequest: {error}") from None
    return request


def parse_protobuf(body: bytes) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except DecodeError as error:
        raise BadRequest(f"body is not a protobuf ExportTraceServiceRequest: {error}") from None
    return request


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so an exporter's keep-alive connection is kept, as a collector would; every answer has a length.
    protocol_version = "HTTP/1.1"
    server: Receiver

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
               headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def refuse(self, status: int, message: str) -> None:
        # The body of a refused request may be unread; closing is simpler than draining it.
        self.close_connection = True
        self.answer(status, (message + "\n").encode(), headers={"Connection": "close"})

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise BadRequest(f"bad chunk size line {line!r}") from None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise BadRequest("body is larger than the receiver accepts")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = self.headers.get("Content-Length")
        if length is None:
            raise BadRequest("no Content-Length and not chunked")
        try:
            n = int(length)
        except ValueError:
            raise BadRequest(f"bad Content-Length {length!r}") from None
        if n < 0 or n > MAX_BODY:
            raise BadRequest(f"Content-Length {n} is out of range")
        body = self.rfile.read(n)
        if len(body) != n:
            raise BadRequest(f"body ended after {len(body)} of {n} bytes")
        return body

    def do_POST(self) -> None:
        if self.path.split("?", 1)[0] != TRACES_PATH:
            self.refuse(404, f"no such path {self.path}; this receiver takes POST {TRACES_PATH}")
            return
        content_type = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type not in (PROTOBUF, JSON):
            self.refuse(415, f"Content-Type {content_type or '(none)'} is not {PROTOBUF} or {JSON}")
            return
        encoding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip"):
            self.refuse(415, f"Content-Encoding {encoding} is not gzip or identity")
            return
        try:
            body = self.read_body()
            if encoding == "gzip":
                try:
                    body = gzip.decompress(body)
                except (OSError, EOFError, zlib.error) as error:
                    raise BadRequest(f"body is not gzip: {error}") from None
            request = parse_json(body) if content_type == JSON else parse_protobuf(body)
        except BadRequest as error:
            print(f"otlp_receiver: 400 for {content_type} {encoding} POST {self.path}: {error}",
                  file=sys.stderr, flush=True)
            self.refuse(400, str(error))
            return
        self.server.record(span_lines(request))
        if content_type == JSON:
            self.answer(200, json_format.MessageToJson(ExportTraceServiceResponse()).encode(), JSON)
        else:
            self.answer(200, ExportTraceServiceResponse().SerializeToString(), PROTOBUF)

    def not_here(self) -> None:
        if self.path.split("?", 1)[0] == TRACES_PATH:
            self.refuse(405, f"{self.command} {TRACES_PATH}: only POST")
        else:
            self.refuse(404, f"no such path {self.path}; this receiver takes POST {TRACES_PATH}")

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = not_here


class Receiver(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the default backlog of 5 is small for tests that export from many tasks at once

    def __init__(self, port: int, out: BinaryIO) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.out = out
        self.lock = threading.Lock()

    def record(self, lines: list[str]) -> None:
        with self.lock:
            for line in lines:
                self.out.write(line.encode() + b"\n")
                self.out.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description="OTLP/HTTP trace receiver writing one JSON line per span.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--out", required=True, help="file to append the spans to, one JSON object a line")
    args = parser.parse_args()
    with open(args.out, "ab") as out:
        server = Receiver(args.port, out)
        print(f"listening {server.server_address[1]}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


if __name__ == "__main__":
    main()

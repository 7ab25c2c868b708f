"""FastMCP peer for the benchmarks: the same `add` tool as Plugboard's calculator, and optionally the big catalog
(TOOLS x VERSIONS spread over NAMESPACES mounted servers, under a version filter), served over stdio or HTTP."""
import argparse

from fastmcp import FastMCP
from fastmcp.server.transforms.version_filter import VersionFilter


def build(catalog: str | None) -> FastMCP:
    root = FastMCP("fastmcp-peer")

    @root.tool
    def add(a: float, b: float) -> float:
        """Add two numbers."""
        return a + b

    @root.tool(name="calculate", version="1.0")
    def calculate_v1(a: float, b: float, op: str) -> float:
        """Arithmetic on two numbers."""
        return {"add": a + b, "sub": a - b, "mul": a * b}.get(op, a / b if b else float("nan"))

    @root.tool(name="calculate", version="2.0")
    def calculate_v2(a: float, b: float, op: str, precision: int = 6) -> float:
        """Arithmetic on two numbers, rounded."""
        return round(calculate_v1(a, b, op), precision)

    if catalog:
        tools, versions, namespaces = (int(x) for x in catalog.split("x"))
        per_namespace = tools // namespaces
        for n in range(namespaces):
            child = FastMCP(f"ns{n}")
            for t in range(per_namespace):
                for v in range(1, versions + 1):
                    def handler(x: int, y: int = 0, label: str = "") -> int:
                        return x + y
                    child.tool(handler, name=f"tool{t}", version=f"{v}.0", description=f"Tool {t} of namespace {n}, version {v}.0.")
            root.mount(child, namespace=f"ns{n}")
        # The listing is served through a filter that hides the top version, as a v1 surface would be.
        root.add_transform(VersionFilter(version_lt=f"{versions}.0"))
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalog", help="TOOLSxVERSIONSxNAMESPACES, e.g. 1000x3x10")
    parser.add_argument("--http", type=int, help="serve Streamable HTTP on 127.0.0.1:PORT instead of stdio")
    options = parser.parse_args()
    server = build(options.catalog)
    if options.http:
        server.run(transport="http", host="127.0.0.1", port=options.http, show_banner=False, log_level="warning")
    else:
        server.run(show_banner=False, log_level="warning")

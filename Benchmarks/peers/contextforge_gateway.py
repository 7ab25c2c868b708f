"""IBM's ContextForge MCP gateway as the benchmark's gateway peer: it federates the `mcp` low-level server's `add`
tool (mcp_lowlevel_server.py, over Streamable HTTP on loopback) and serves it on its own `/mcp`, with its JWT auth
on, its embedded SQLite as the database, one process as its CLI starts it.

Run with the ContextForge venv's Python (Benchmarks/run makes .venv/contextforge: ContextForge needs mcp<2, the
rest of the benchmark mcp 2.x). It starts both servers, registers the upstream once the gateway answers, writes a
token the gateway accepts to --token-file, and prints `ready` on stdout; SIGTERM stops both.
"""
import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=180, accept_error=False):
    """Until `url` answers (any HTTP status, with accept_error: the MCP endpoint refuses a bare GET)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            if accept_error:
                return
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True, help="the gateway's port on 127.0.0.1")
    parser.add_argument("--upstream-python", required=True, help="the Python that runs mcp_lowlevel_server.py (mcp 2.x)")
    parser.add_argument("--work", required=True, help="a directory for the gateway's SQLite database")
    parser.add_argument("--token-file", required=True)
    options = parser.parse_args()

    os.makedirs(options.work, exist_ok=True)
    database = os.path.join(options.work, f"contextforge-{options.port}.db")
    if os.path.exists(database):
        os.remove(database)
    secret = secrets.token_urlsafe(48)  # made per run, never stored beyond it
    env = dict(os.environ,
               HOST="127.0.0.1", PORT=str(options.port), DATABASE_URL=f"sqlite:///{database}",
               JWT_SECRET_KEY=secret, PLATFORM_ADMIN_PASSWORD="Bench-" + secrets.token_urlsafe(24) + "!",
               MCPGATEWAY_UI_ENABLED="false", MCPGATEWAY_ADMIN_API_ENABLED="true", LOG_LEVEL="ERROR",
               SSRF_ALLOW_LOCALHOST="true")
    upstream_port = free_port()
    peers = os.path.dirname(os.path.abspath(__file__))
    children = [subprocess.Popen([options.upstream_python, os.path.join(peers, "mcp_lowlevel_server.py"), "--http", str(upstream_port)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    gateway = os.path.join(os.path.dirname(sys.executable), "mcpgateway")
    children.append(subprocess.Popen([gateway, "--host", "127.0.0.1", "--port", str(options.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def stop(*_):
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        wait_for(f"http://127.0.0.1:{upstream_port}/mcp", accept_error=True)
        wait_for(f"http://127.0.0.1:{options.port}/health")
        token = subprocess.run([sys.executable, "-m", "mcpgateway.utils.create_jwt_token", "--username", "admin@example.com",
                                "--exp", "120", "--secret", secret], env=env, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        request = urllib.request.Request(
            f"http://127.0.0.1:{options.port}/gateways", method="POST",
            data=json.dumps({"name": "math", "url": f"http://127.0.0.1:{upstream_port}/mcp", "transport": "STREAMABLEHTTP"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        with open(options.token_file, "w") as file:
            file.write(token)
        print("ready", flush=True)
        children[1].wait()
    finally:
        stop()


if __name__ == "__main__":
    main()

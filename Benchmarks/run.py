#!/usr/bin/env python3
"""Runs every benchmark scenario against every server, interleaved, and reports ratios.

Called by Benchmarks/run, which builds the binaries first. Servers: the floor (a C program answering fixed bytes),
Plugboard (release build; in process, and sandboxed when the build has plugboard-worker), FastMCP 4.1 and the `mcp`
SDK's low-level server. Each scenario runs in rounds; within a round every server runs once, in an order that
rotates, so the machine's load falls on all of them alike. Figures are medians over rounds.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PEERS = os.path.join(ROOT, "Benchmarks", "peers")
CONTEXTFORGE_PYTHON = os.path.join(ROOT, ".venv", "contextforge", "bin", "python")
GROWTH = "catalog growth: tools/list p50, start-up and RSS by catalog size, stdio, 1 in flight"
PROVIDERS = "provider files: start-up and RSS by how many are loaded (each mounted once, 10 tools; scan registry warm)"
PROVIDER_COUNTS = (1, 10, 100)
WORKERS = "sandboxed workers: memory per worker and in all (PSS), one worker per provider file"
DROPIN = "a provider file dropped in while a 10k-component catalog is served and called (stdio)"
SESSIONS = "HTTP sessions held open: the host's RSS per idle 2025-11-25 session (calls/s: sessions opened per second)"
GROWTH_CATALOGS = [(1000, 10), (10000, 100), (100000, 1000)]  # components, mounts


def growth_config(size):
    return f"{size // 1000}k components"


def growth_row_name(size, walk):
    return f"{growth_config(size)}, {'all pages' if walk else 'first page'}"


GATEWAYS = "HTTP tools/call through a gateway with JWT auth, 16 connections"
GATEWAYS_ONE = "HTTP tools/call through a gateway with JWT auth, 1 connection"
CATALOG = "1000x3x10"  # tools x versions x namespaces, for the listing scenario
OBSERVABILITY = "metrics and tracing cost, 16 in flight"
HTTP_ONE = "HTTP tools/call, 1 connection"
IDENTITY = "HTTP tools/call with a JWT access token, 16 connections"
SCANNING = "start-up when new provider files are scanned in a worker first"
BENCH_ISSUER, BENCH_RESOURCE = "https://issuer.bench.invalid", "http://bench.invalid"


class Bench:
    def __init__(self, options):
        self.bin = options.bin
        self.work = os.path.abspath(options.work)
        self.quick = options.quick
        self.rounds = 1 if options.quick else 3
        self.driver = os.path.join(self.work, "stdio_load")
        self.sandbox = os.path.exists(os.path.join(self.bin, "plugboard-worker"))
        self.configs = {
            "plain": self.write_config("plain", catalog=False, isolation="in-process"),
            "catalog": self.write_config("catalog", catalog=True, isolation="in-process"),
            "sandboxed": self.write_config("sandboxed", catalog=False, isolation="sandboxed"),
            # Metrics and traces: both off, against metrics on and every request traced to an endpoint nobody
            # listens on (what an operator's outage of the collector costs).
            "unobserved": self.write_config("unobserved", catalog=False, isolation="in-process", observed=False),
            "observed": self.write_config("observed", catalog=False, isolation="in-process", observed=True),
        }
        # Out-of-process scanning: off, on with its registry warm (what every start but the first costs), and on
        # with an empty registry (a first start, or every file new).
        for name, scan in (("scan off", {"enabled": False}), ("scan warm", {"cache_directory": os.path.join(self.work, "scan-warm")}),
                           ("scan cold", {"cache_directory": os.path.join(self.work, "scan-cold")})):
            self.configs[name] = self.write_config(name.replace(" ", "-"), catalog=False, isolation="in-process", scan=scan)
        # JWT access tokens: team alpha's calculator (sandboxed, as a team's providers always are) under `math`, a
        # token minted by joserfc for it, against the same provider sandboxed without teams or tokens.
        # Catalog growth: 1k, 10k and 100k components (one version each) in 10, 100 and 1,000 mounts of the catalog
        # provider, listed at the default page size: the first page, and every page with each cursor followed.
        for size, mounts in GROWTH_CATALOGS:
            self.configs[growth_config(size)] = self.write_growth_config(size, mounts)
        for count in PROVIDER_COUNTS:
            self.configs[f"{count} providers"] = self.write_providers_config(count)
        self.configs["sessions"] = self.write_sessions_config()
        self.configs["dropin"] = self.write_dropin_config()
        self.configs["jwt"], self.jwt = self.write_jwt_config()
        self.configs["static token"], self.static_token = self.write_static_token_config()
        self.only = options.only

    # -- Servers ------------------------------------------------------------------------------------------------

    def save_config(self, name, config):
        """Writes a runtime.json for one scenario as bench-NAME.json in the work directory; returns its path."""
        path = os.path.join(self.work, f"bench-{name}.json")
        with open(path, "w") as file:
            json.dump(config, file)
        return path

    def write_config(self, name, catalog, isolation, observed=None, scan=None):
        mounts = [{"namespace": "math", "provider": "calculator", "isolation": isolation}]
        surface = {"name": "mcp", "path": "/mcp"}
        if catalog:
            tools, versions, namespaces = (int(x) for x in CATALOG.split("x"))
            mounts += [{"namespace": f"ns{n}", "provider": "catalog",
                        "config": {"tools": tools // namespaces, "versions": versions}} for n in range(namespaces)]
            surface["filter"] = {"version_lt": f"{versions}.0"}  # as the FastMCP peer's VersionFilter
        config = {
            "plugin_directories": ["${bundled}", os.path.join(self.work, "plugins")],
            "mounts": mounts,
            "surfaces": [surface],
            "transports": {"limits": {"list_page_size": 100000}},
            "logging": {"level": "warning"},
        }
        if scan is not None:
            config["scan"] = scan
        if observed is not None:
            config["metrics"] = {"enabled": observed}
            if observed:
                config["tracing"] = {"enabled": True, "endpoint": f"http://127.0.0.1:{free_port()}/v1/traces",
                                     "sampling_ratio": 1.0}
        return self.save_config(name, config)

    def write_growth_config(self, size, mounts):
        config = {
            "plugin_directories": [os.path.join(self.work, "plugins")],
            "mounts": [{"namespace": f"ns{n}", "provider": "catalog", "config": {"tools": size // mounts, "versions": 1}}
                       for n in range(mounts)],
            "surfaces": [{"name": "mcp", "path": "/mcp"}],
            "logging": {"level": "warning"},
        }
        return self.save_config(growth_config(size).replace(" ", "-"), config)

    def write_providers_config(self, count):
        """`count` provider files (of the 100 in providers-100), each mounted once with 10 tools."""
        directory = os.path.join(self.work, f"providers-{count}")
        os.makedirs(directory, exist_ok=True)
        for n in range(count):  # a directory holding exactly `count` of the files
            link = os.path.join(directory, f"libcatalog{n}.so")
            if count != 100 and not os.path.exists(link):
                shutil.copyfile(os.path.join(self.work, "providers-100", f"libcatalog{n}.so"), link)
        config = {
            "plugin_directories": [directory],
            "mounts": [{"namespace": f"p{n}", "provider": f"catalog{n}", "config": {"tools": 10, "versions": 1}} for n in range(count)],
            "surfaces": [{"name": "mcp", "path": "/mcp"}],
            "logging": {"level": "warning"},
        }
        return self.save_config(f"{count}-providers", config)

    def write_dropin_config(self):
        """The 10k-component catalog (100 mounts of 100 tools) and a mount waiting for `catalog7`, whose file is
        dropped into the watched directory while a client calls."""
        directory = os.path.join(self.work, "dropin")
        os.makedirs(directory, exist_ok=True)
        config = {
            "plugin_directories": [os.path.join(self.work, "plugins"), {"path": directory, "watch": True}],
            "mounts": [{"namespace": f"ns{n}", "provider": "catalog", "config": {"tools": 100, "versions": 1}} for n in range(100)]
                      + [{"namespace": "dropped", "provider": "catalog7", "config": {"tools": 100, "versions": 1}}],
            "surfaces": [{"name": "mcp", "path": "/mcp"}],
            "logging": {"level": "warning"},
        }
        return self.save_config("dropin", config)

    def drop_in(self):
        done = subprocess.run([PYTHON, os.path.join(ROOT, "Benchmarks", "drivers", "dropin_under_load.py"),
                               os.path.join(self.bin, "plugboard"), self.configs["dropin"],
                               os.path.join(self.work, "providers-100", "libcatalog7.so"), os.path.join(self.work, "dropin"), "ns0_tool1"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip()[-2000:])
        return json.loads(done.stdout)

    def workers(self, count):
        """The RSS of the host and of its sandboxed workers with `count` provider files, each in a worker of its own."""
        config = {
            "plugin_directories": [os.path.join(self.work, "providers-100")],
            "mounts": [{"namespace": f"p{n}", "provider": f"catalog{n}", "isolation": "sandboxed", "config": {"tools": 10, "versions": 1}}
                       for n in range(count)],
            "surfaces": [{"name": "mcp", "path": "/mcp"}],
            "logging": {"level": "warning"},
        }
        path = self.save_config(f"{count}-workers", config)
        process = subprocess.Popen([os.path.join(self.bin, "plugboard"), "serve", "--config", path, "--stdio"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            started = time.perf_counter()
            process.stdin.write(b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
                                b'"capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}\n')
            process.stdin.flush()
            process.stdout.readline()
            startup_ms = (time.perf_counter() - started) * 1000
            # Every worker answers a call, so each has loaded its provider before it is measured.
            for n in range(count):
                call = {"jsonrpc": "2.0", "id": n + 1, "method": "tools/call", "params": {"name": f"p{n}_tool0", "arguments": {"x": 1}}}
                process.stdin.write((json.dumps(call) + "\n").encode())
                process.stdin.flush()
                if b'"isError":true' in process.stdout.readline():
                    raise RuntimeError(f"p{n}_tool0 failed in its worker")
            host, workers = process_tree_memory_kb(process.pid)
            if len(workers) < count:
                raise RuntimeError(f"{count} sandboxed providers, but {len(workers)} worker processes")
            return {"calls_per_s": None, "p50_us": None, "startup_ms": startup_ms,
                    "peak_rss_kb": host[1] + sum(pss for _, pss in workers),  # the whole tree's PSS
                    "rss_per_worker_kb": sum(rss for rss, _ in workers) / len(workers),
                    "pss_per_worker_kb": sum(pss for _, pss in workers) / len(workers)}
        finally:
            process.stdin.close()
            process.wait(timeout=30)

    def write_sessions_config(self):
        """The calculator over HTTP with room for 10k sessions from one client, opened as fast as it asks."""
        config = {
            "plugin_directories": ["${bundled}"],
            "mounts": [{"namespace": "math", "provider": "calculator", "isolation": "in-process"}],
            "surfaces": [{"name": "mcp", "path": "/mcp"}],
            "transports": {"limits": {"max_sessions": 20000, "max_sessions_per_client": 20000,
                                      "new_sessions_per_second_per_client": 1000000}},
            "logging": {"level": "warning"},
        }
        return self.save_config("sessions", config)

    def idle_sessions(self, count):
        """The host's RSS with `count` idle 2025-11-25 sessions open (handshaken, then left), over one connection."""
        port = free_port()
        process = subprocess.Popen(self.plugboard("sessions", http_port=port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port)
            def rss_kb():
                with open(f"/proc/{process.pid}/status") as status:
                    return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
            initialize = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
            def open_session():
                connection.request("POST", "/mcp", body=initialize, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200 or not response.getheader("Mcp-Session-Id"):
                    raise RuntimeError(f"initialize answered {response.status} without a session")
            for _ in range(20):  # the first sessions warm the allocator up; the base is taken after them
                open_session()
            base = rss_kb()
            started = time.perf_counter()
            for _ in range(count):
                open_session()
            elapsed = time.perf_counter() - started
            time.sleep(0.5)
            after = rss_kb()
            return {"calls_per_s": count / elapsed, "p50_us": elapsed / count * 1e6, "peak_rss_kb": after,
                    "rss_per_session_bytes": (after - base) * 1024 / count}
        finally:
            process.terminate()
            process.wait(timeout=10)

    def write_jwt_config(self):
        from joserfc import jwt
        from joserfc.jwk import RSAKey
        key = RSAKey.generate_key(2048, parameters={"kid": "bench"})
        jwks = os.path.join(self.work, "bench.jwks")
        with open(jwks, "w") as file:
            json.dump({"keys": [key.as_dict(private=False)]}, file)
        now = int(time.time())
        token = jwt.encode({"alg": "RS256", "kid": "bench"}, {
            "iss": BENCH_ISSUER, "sub": "bench", "aud": BENCH_RESOURCE + "/mcp", "iat": now, "exp": now + 86400,
            "team": "alpha"}, key, algorithms=["RS256"])
        config = {
            "plugin_directories": ["${bundled}"],
            "surfaces": [{"name": "mcp", "path": "/mcp"}],
            "teams": [{"name": "alpha", "mounts": [{"namespace": "math", "provider": "calculator"}]}],
            "identity": {"resource": BENCH_RESOURCE, "issuers": [{"issuer": BENCH_ISSUER, "jwks_file": jwks}]},
            "transports": {"limits": {"list_page_size": 100000}},
            "logging": {"level": "warning"},
        }
        path = self.save_config("jwt", config)
        return path, token

    def write_static_token_config(self):
        """The JWT deployment with a static team token instead: what the team path costs without a JWT."""
        minted = subprocess.run([os.path.join(self.bin, "plugboard"), "token", "mint", "--team", "alpha", "--id", "bench"],
                                capture_output=True, text=True, check=True).stdout.splitlines()
        with open(self.configs["jwt"]) as file:
            config = json.load(file)
        del config["identity"]
        config["teams"][0]["tokens"] = [json.loads(minted[1])]
        path = self.save_config("static-token", config)
        return path, minted[0]

    def plugboard(self, config="plain", http_port=None):
        command = [os.path.join(self.bin, "plugboard"), "serve", "--config", self.configs[config]]
        return command + (["--http", f"127.0.0.1:{http_port}"] if http_port else ["--stdio"])

    def fastmcp(self, catalog=False, http_port=None):
        command = [PYTHON, os.path.join(PEERS, "fastmcp_server.py")]
        if catalog:
            command += ["--catalog", CATALOG]
        return command + (["--http", str(http_port)] if http_port else [])

    def mcp(self, http_port=None):
        return [PYTHON, os.path.join(PEERS, "mcp_lowlevel_server.py")] + (["--http", str(http_port)] if http_port else [])

    def floor(self):
        return [os.path.join(self.work, "floor")]

    def nginx_floor(self, http_port):
        """Debian's nginx answering every POST with the fixed bytes of a tools/call result: the HTTP floor (what
        the machine can do per request with a real HTTP server and no work), one worker per core, keep-alive on."""
        prefix = os.path.join(self.work, f"nginx-{http_port}")
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        answer = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"3"}],"structuredContent":{"result":3}}}'
        config = os.path.join(prefix, "nginx.conf")
        with open(config, "w") as file:
            file.write(f"""worker_processes {os.cpu_count() or 1};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log crit;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {prefix}/body;
    server {{
        listen 127.0.0.1:{http_port};
        location / {{ default_type application/json; return 200 '{answer}'; }}
    }}
}}
""")
        return [shutil.which("nginx") or "/usr/sbin/nginx", "-p", prefix, "-c", config, "-g", "daemon off;"]

    def nio_floor(self, http_port):
        """A bare SwiftNIO HTTP/1 server answering fixed bytes (Benchmarks/Sources/NIOHTTPFloor): what the HTTP/1
        decoder and encoder Plugboard runs on cost with no work, between nginx and Plugboard."""
        return [os.path.join(self.work, "NIOHTTPFloor"), "127.0.0.1", str(http_port)]

    def contextforge(self, http_port):
        """IBM's ContextForge gateway (its own venv) fronting the `mcp` low-level server's `add`, JWT auth on."""
        return [CONTEXTFORGE_PYTHON, os.path.join(PEERS, "contextforge_gateway.py"), "--port", str(http_port),
                "--upstream-python", PYTHON, "--work", self.work, "--token-file", self.contextforge_token_file(http_port)]

    def contextforge_token_file(self, http_port):
        return os.path.join(self.work, f"contextforge-{http_port}.token")

    def through_contextforge(self, connections):
        """A tools/call of `add` through ContextForge, with the token it minted for this run."""
        ports = []

        def server(port):
            ports.append(port)
            return self.contextforge(port)

        def token():
            with open(self.contextforge_token_file(ports[-1])) as file:
                return file.read().strip()

        return self.http(server, "/mcp", "stateless", tool="math-add", token=token, connections=connections,
                         announces_ready=True)

    def socketpair_floor(self, count):
        """One cross-process round trip over an AF_UNIX socketpair, frames the size of a small call: the floor of
        a sandboxed call."""
        done = subprocess.run([os.path.join(self.work, "socketpair_pingpong"), str(max(2000, count // 5) if self.quick else count)],
                              capture_output=True, text=True, timeout=600, check=True)
        return json.loads(done.stdout)

    # -- Measurements -------------------------------------------------------------------------------------------

    def stdio(self, server, n, inflight, era="legacy", method="tools/call", tool="add", args='{"a":1,"b":2}', version=None,
              walk_pages=False):
        """stdio_load against `server`. walk_pages: a tools/list request is the walk of every page."""
        if self.quick:
            n = max(200, n // 5) if not walk_pages else max(5, n // 5)
        warmup = max(50, n // 10) if not walk_pages else max(3, n // 10)
        command = [self.driver, "-n", str(n), "-W", str(warmup), "-w", str(inflight), "-e", era, "-m", method,
                   "-t", tool, "-a", args] + (["-v", version] if version else []) + (["-P"] if walk_pages else []) + ["--"] + server
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(server[:3])}: {done.stderr.strip()[-2000:]}")
        return json.loads(done.stdout)

    def http(self, server, path, mode, tool="add", seconds=5, token=None, connections=16, status=200, announces_ready=False):
        """wrk with `connections` connections. mode: 'session' (2025-11-25 handshake first), 'sessionless'
        (2026-07-28) or 'stateless' (2025-11-25 calls without a handshake, for a peer that keeps no sessions).
        `status`: what every answer must be (404: the framework's own answer to an unknown path). `token`: a bearer
        token, or a callable that reads it once the server is ready. `announces_ready`: the server prints `ready`
        when it may be called (a gateway that registers its upstream after it listens)."""
        port = free_port()
        process = subprocess.Popen(server(port), stdout=subprocess.PIPE if announces_ready else subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, text=True)
        try:
            url = f"http://127.0.0.1:{port}{path}"
            if announces_ready:
                if process.stdout.readline().strip() != "ready":
                    raise RuntimeError(f"{' '.join(server(port)[:2])} stopped before it was ready")
            else:
                wait_for_port(port)
            headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
            if callable(token):
                token = token()
            if token:
                headers["Authorization"] = f"Bearer {token}"
            params = {"name": tool, "arguments": {"a": 1, "b": 2}}
            if mode == "stateless":
                headers["MCP-Protocol-Version"] = "2025-11-25"
            elif mode == "session":
                session, _ = post(url, headers, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
                headers.update({"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
                post(url, headers, {"jsonrpc": "2.0", "method": "notifications/initialized"})
            else:
                params["_meta"] = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                   "io.modelcontextprotocol/clientCapabilities": {}}
                headers.update({"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": tool})
            body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}
            if status == 200:
                _, answer = post(url, headers, body)
                if '"error"' in answer or '"isError":true' in answer:
                    raise RuntimeError(f"{path} {mode}: the sanity call failed: {answer[:300]}")
            else:
                try:
                    post(url, headers, body)
                    raise RuntimeError(f"{path}: expected {status}, got 200")
                except urllib.error.HTTPError as error:
                    if error.code != status:
                        raise RuntimeError(f"{path}: expected {status}, got {error.code}")
            return wrk(url, headers, json.dumps(body), 2 if self.quick else seconds, connections, status)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # uvicorn waits for idle keep-alive connections
                process.kill()
                process.wait()

    # -- Scenarios ----------------------------------------------------------------------------------------------

    def scenarios(self):
        pb, fm, mc, fl = self.plugboard, self.fastmcp, self.mcp, self.floor
        one = {
            "floor": lambda: self.stdio(fl(), 50000, 1),
            "plugboard": lambda: self.stdio(pb(), 50000, 1, tool="math_add"),
            "plugboard 2026-07-28": lambda: self.stdio(pb(), 50000, 1, era="2026", tool="math_add"),
            "fastmcp": lambda: self.stdio(fm(), 2000, 1),
            "mcp low-level": lambda: self.stdio(mc(), 2000, 1),
        }
        sixteen = {
            "floor": lambda: self.stdio(fl(), 200000, 16),
            "plugboard": lambda: self.stdio(pb(), 200000, 16, tool="math_add"),
            "plugboard 2026-07-28": lambda: self.stdio(pb(), 200000, 16, era="2026", tool="math_add"),
            "fastmcp": lambda: self.stdio(fm(), 3000, 16),
            "mcp low-level": lambda: self.stdio(mc(), 3000, 16),
        }
        if self.sandbox:
            one["plugboard sandboxed"] = lambda: self.stdio(pb("sandboxed"), 30000, 1, tool="math_add")
            one["socketpair round trip (the sandbox's floor)"] = lambda: self.socketpair_floor(50000)
            sixteen["plugboard sandboxed"] = lambda: self.stdio(pb("sandboxed"), 100000, 16, tool="math_add")
        pinned = {
            "plugboard": lambda: self.stdio(pb(), 50000, 1, tool="math_calculate", args='{"a":1,"b":2,"op":"add"}', version="1.0"),
            "fastmcp": lambda: self.stdio(fm(), 2000, 1, tool="calculate", args='{"a":1,"b":2,"op":"add"}', version="1.0"),
        }
        http = {
            "nginx fixed bytes (the floor)": lambda: self.http(self.nginx_floor, "/mcp", "sessionless", tool="math_add"),
            "SwiftNIO HTTP/1 fixed bytes (the framework's floor)": lambda: self.http(self.nio_floor, "/mcp", "sessionless", tool="math_add"),
            "plugboard, a path that does not exist (Hummingbird's 404)": lambda: self.http(
                lambda p: pb(http_port=p), "/nothing-here", "sessionless", tool="math_add", status=404),
            "plugboard sessionless": lambda: self.http(lambda p: pb(http_port=p), "/mcp", "sessionless", tool="math_add"),
            "plugboard session": lambda: self.http(lambda p: pb(http_port=p), "/mcp", "session", tool="math_add"),
            "fastmcp sessionless": lambda: self.http(lambda p: fm(http_port=p), "/mcp", "sessionless"),
            "fastmcp session": lambda: self.http(lambda p: fm(http_port=p), "/mcp", "session"),
            "mcp low-level session": lambda: self.http(lambda p: mc(http_port=p), "/mcp", "session"),
        }
        http_one = {
            "nginx fixed bytes (the floor)": lambda: self.http(self.nginx_floor, "/mcp", "sessionless", tool="math_add", connections=1),
            "SwiftNIO HTTP/1 fixed bytes (the framework's floor)": lambda: self.http(self.nio_floor, "/mcp", "sessionless", tool="math_add", connections=1),
            "plugboard sessionless": lambda: self.http(lambda p: pb(http_port=p), "/mcp", "sessionless", tool="math_add", connections=1),
            "plugboard session": lambda: self.http(lambda p: pb(http_port=p), "/mcp", "session", tool="math_add", connections=1),
        }
        listing = {
            "plugboard": lambda: self.stdio(pb("catalog"), 200, 1, method="tools/list"),
            "fastmcp": lambda: self.stdio(fm(catalog=True), 10, 1, method="tools/list"),
        }
        observability = {
            "stdio, metrics and traces off": lambda: self.stdio(pb("unobserved"), 200000, 16, tool="math_add"),
            "stdio, metrics on, traced at 100%": lambda: self.stdio(pb("observed"), 200000, 16, tool="math_add"),
            "HTTP, metrics and traces off": lambda: self.http(lambda p: pb("unobserved", http_port=p), "/mcp", "sessionless", tool="math_add"),
            "HTTP, metrics on, traced at 100%": lambda: self.http(lambda p: pb("observed", http_port=p), "/mcp", "sessionless", tool="math_add"),
        }
        identity = {}
        if self.sandbox:
            identity = {
                "sandboxed, no auth": lambda: self.http(lambda p: pb("sandboxed", http_port=p), "/mcp", "sessionless", tool="math_add"),
                "sandboxed team, JWT (verified once, then cached)": lambda: self.http(
                    lambda p: pb("jwt", http_port=p), "/mcp", "sessionless", tool="math_add", token=self.jwt),
                "sandboxed team, static token": lambda: self.http(
                    lambda p: pb("static token", http_port=p), "/mcp", "sessionless", tool="math_add", token=self.static_token),
            }
        # The gateway peer: a platform would put ContextForge in front of its MCP servers where it puts Plugboard.
        # Both check a JWT on every call; Plugboard's team provider is sandboxed, as a team's always is.
        gateways, gateways_one = {}, {}
        for table, connections in ((gateways, 16), (gateways_one, 1)):
            if self.sandbox:
                table["plugboard, team JWT, sandboxed add"] = lambda c=connections: self.http(
                    lambda p: pb("jwt", http_port=p), "/mcp", "sessionless", tool="math_add", token=self.jwt, connections=c)
            if os.path.exists(CONTEXTFORGE_PYTHON):
                table["contextforge 1.0.7, JWT, fronting the mcp low-level add"] = lambda c=connections: self.through_contextforge(c)
        growth = {}
        for size, mounts in GROWTH_CATALOGS:
            for walk in (False, True):
                growth[f"{growth_row_name(size, walk)} ({mounts:,} mounts)"] = lambda size=size, walk=walk: self.stdio(
                    pb(growth_config(size)), max(20, 20000 // (size // 100)) if walk else 2000, 1, method="tools/list",
                    walk_pages=walk)
        warmed = set()
        def providers_start(count):
            if count not in warmed:  # the first start scans the new files and fills the scan registry; measure later ones
                self.stdio(pb(f"{count} providers"), 10, 1, method="tools/list")
                warmed.add(count)
            return self.stdio(pb(f"{count} providers"), 200, 1, method="tools/list")
        providers = {f"{count} provider file{'s' if count > 1 else ''}": lambda count=count: providers_start(count)
                     for count in PROVIDER_COUNTS}
        sessions = {f"{count // 1000}k idle sessions": lambda count=count: self.idle_sessions(count) for count in (1000, 10000)}
        def cold_start():
            shutil.rmtree(os.path.join(self.work, "scan-cold"), ignore_errors=True)
            return self.stdio(pb("scan cold"), 200, 1, tool="math_add")
        def warm_start():
            if not os.path.exists(os.path.join(self.work, "scan-warm", "scan-registry.json")):
                self.stdio(pb("scan warm"), 10, 1, tool="math_add")  # the first start fills the registry
            return self.stdio(pb("scan warm"), 200, 1, tool="math_add")
        scanning = {
            "scan off": lambda: self.stdio(pb("scan off"), 200, 1, tool="math_add"),
            "scan on, registry warm": warm_start,
            "scan on, registry empty": cold_start,
        }
        if not self.sandbox:
            scanning = {}
        scenarios = [
            ("stdio tools/call, 1 in flight", "calls", one),
            ("stdio tools/call, 16 in flight", "calls", sixteen),
            ("stdio pinned call (calculate 1.0), 1 in flight", "calls", pinned),
            ("HTTP tools/call, 16 connections", "calls", http),
            (HTTP_ONE, "calls", http_one),
            (f"tools/list, {CATALOG} catalog under a filter", "list", listing),
            (OBSERVABILITY, "calls", observability),
            (IDENTITY, "calls", identity),
            (GROWTH, "growth", growth),
            (PROVIDERS, "start-up", providers),
            (SESSIONS, "sessions", sessions),
            (DROPIN, "calls", {"plugboard, 1 in flight": self.drop_in}),
            (WORKERS, "workers", {f"{count} sandboxed provider{'s' if count > 1 else ''}": lambda count=count: self.workers(count)
                                  for count in (1, 10, 50)} if self.sandbox else {}),
            (GATEWAYS, "calls", gateways),
            (GATEWAYS_ONE, "calls", gateways_one),
            (SCANNING, "start-up", scanning),
        ]
        return [s for s in scenarios if not self.only or any(word in s[0] for word in self.only)]

    def run(self):
        results = {}
        for title, kind, servers in self.scenarios():
            print(f"== {title}", file=sys.stderr)
            samples = {name: [] for name in servers}
            names = list(servers)
            for round_index in range(self.rounds):
                order = names[round_index % len(names):] + names[:round_index % len(names)]
                for name in order:
                    try:
                        sample = servers[name]()
                        samples[name].append(sample)
                        print(f"   {name}: {summary(sample)}", file=sys.stderr)
                    except Exception as error:  # a peer that cannot run this scenario is reported, not fatal
                        print(f"   {name}: FAILED {error}", file=sys.stderr)
            results[title] = {"kind": kind, "servers": {name: aggregate(s) for name, s in samples.items() if s}}
        return results


# -- Helpers ------------------------------------------------------------------------------------------------------

def process_tree_memory_kb(pid):
    """RSS and PSS (shared pages divided among the processes that map them: what the machine spends) of `pid`
    and of each of its descendants (the sandboxed workers), in KB: (host, [worker, ...]), each a (rss, pss)."""
    parents, memory = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                parents[int(entry)] = int(next(line.split()[1] for line in status if line.startswith("PPid:")))
            with open(f"/proc/{entry}/smaps_rollup") as rollup:
                fields = {line.split(":")[0]: line.split()[1] for line in rollup.readlines()[1:] if ":" in line}
            memory[int(entry)] = (int(fields.get("Rss", 0)), int(fields.get("Pss", 0)))
        except (OSError, KeyError, ValueError, StopIteration):
            continue
    def descends(candidate):
        while candidate in parents and candidate != 1:
            candidate = parents[candidate]
            if candidate == pid:
                return True
        return False
    return memory.get(pid, (0, 0)), [memory[p] for p in memory if descends(p) and memory[p][0] > 0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {seconds} s")


def post(url, headers, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers.get("Mcp-Session-Id"), response.read().decode()


def wrk(url, headers, body, seconds, connections=16, status=200):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write('wrk.method = "POST"\n')
    script.write(f"wrk.body = {json.dumps(body)}\n")
    for key, value in headers.items():
        script.write(f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}\n")
    script.close()
    threads = min(2, connections)
    done = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
                          capture_output=True, text=True, timeout=seconds + 60)
    os.unlink(script.name)
    text = done.stdout
    total = int(text.split(" requests in ")[0].split()[-1])
    refused = int(text.split("Non-2xx or 3xx responses:")[1].split()[0]) if "Non-2xx" in text else 0
    # A 200 row must see only 2xx answers; an error row (the 404) only errors (the sanity request saw which).
    if "Socket errors" in text or refused != (0 if status == 200 else total):
        raise RuntimeError("wrk saw failed requests:\n" + text)
    rps = float(text.split("Requests/sec:")[1].split()[0])
    return {"calls_per_s": rps, "p50_us": percentile(text, "50%"), "p99_us": percentile(text, "99%")}


def percentile(text, label):
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == label:
            value, unit = parts[1], "".join(c for c in parts[1] if c.isalpha())
            number = float(value[: len(value) - len(unit)])
            return number * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
    return None


def aggregate(samples):
    out = {}
    for key in samples[0]:
        values = [s[key] for s in samples if isinstance(s.get(key), (int, float))]
        if values:
            out[key] = max(values) if key == "peak_rss_kb" else statistics.median(values)
    return out


def summary(sample):
    parts = []
    if sample.get("calls_per_s") is not None:
        parts.append(f"{sample['calls_per_s']:.0f}/s")
    if sample.get("p50_us") is not None:
        parts.append(f"p50 {sample['p50_us']:.0f} µs")
    if sample.get("p99_us") is not None:
        parts.append(f"p99 {sample['p99_us']:.0f} µs")
    if "startup_ms" in sample:
        parts.append(f"start {sample['startup_ms']:.0f} ms")
    if "peak_rss_kb" in sample:
        parts.append(f"rss {sample['peak_rss_kb'] / 1024:.1f} MB")
    return ", ".join(parts)


def ratio(a, b):
    return a / b if a and b else None


def report(results):
    lines = ["| scenario | server | calls/s | p50 µs | p99 µs | start-up ms | peak RSS MB |", "|---|---|---:|---:|---:|---:|---:|"]
    for title, scenario in results.items():
        for name, m in scenario["servers"].items():
            def cell(key, scale=1.0, digits=0):
                return f"{m[key] / scale:,.{digits}f}" if m.get(key) is not None else "—"
            lines.append(f"| {title} | {name} | {cell('calls_per_s')} | {cell('p50_us')} | {cell('p99_us')} | "
                         f"{cell('startup_ms', 1, 1)} | {cell('peak_rss_kb', 1024, 1)} |")
    bars = []

    def server(title, name):
        return results.get(title, {}).get("servers", {}).get(name, {})

    def bar(label, value, threshold, higher_is_better=True):
        if value is None:
            bars.append(f"- {label}: not measured")
            return
        ok = value >= threshold if higher_is_better else value <= threshold
        shown = f"{value:,.2f}" if value >= 0.1 else f"{value:.2g}"  # a ratio of 1/300 must not read as 0.00
        bars.append(f"- {label}: {shown} (bar {'≥' if higher_is_better else '≤'} {threshold}) {'PASS' if ok else 'MISS'}")

    one, sixteen = "stdio tools/call, 1 in flight", "stdio tools/call, 16 in flight"
    http, listing = "HTTP tools/call, 16 connections", f"tools/list, {CATALOG} catalog under a filter"
    bar("stdio 1 in flight: Plugboard p50 / floor p50", ratio(server(one, "plugboard").get("p50_us"), server(one, "floor").get("p50_us")), 1.5, False)
    bar("stdio 1 in flight: Plugboard / FastMCP calls/s", ratio(server(one, "plugboard").get("calls_per_s"), server(one, "fastmcp").get("calls_per_s")), 15)
    bar("stdio 16 in flight: Plugboard / FastMCP calls/s", ratio(server(sixteen, "plugboard").get("calls_per_s"), server(sixteen, "fastmcp").get("calls_per_s")), 100)
    best_fastmcp_http = max([server(http, n).get("calls_per_s") or 0 for n in ("fastmcp session", "fastmcp sessionless")]) or None
    bar("HTTP 16 connections: Plugboard sessionless / best FastMCP req/s", ratio(server(http, "plugboard sessionless").get("calls_per_s"), best_fastmcp_http), 30)
    bar("big catalog: FastMCP list p50 / Plugboard list p50", ratio(server(listing, "fastmcp").get("p50_us"), server(listing, "plugboard").get("p50_us")), 300)
    bar("big catalog: FastMCP start-up / Plugboard start-up", ratio(server(listing, "fastmcp").get("startup_ms"), server(listing, "plugboard").get("startup_ms")), 20)
    bar("big catalog: Plugboard RSS / FastMCP RSS", ratio(server(listing, "plugboard").get("peak_rss_kb"), server(listing, "fastmcp").get("peak_rss_kb")), 0.25, False)
    for transport in ("stdio", "HTTP"):
        bar(f"{transport} 16 in flight: metrics on and traced at 100% / both off, calls/s",
            ratio(server(OBSERVABILITY, f"{transport}, metrics on, traced at 100%").get("calls_per_s"),
                  server(OBSERVABILITY, f"{transport}, metrics and traces off").get("calls_per_s")), 0.9)
    bar("HTTP 16 connections: JWT-authenticated / unauthenticated req/s",
        ratio(server(IDENTITY, "sandboxed team, JWT (verified once, then cached)").get("calls_per_s"),
              server(IDENTITY, "sandboxed, no auth").get("calls_per_s")), 0.9)
    jwt_over_static = ratio(server(IDENTITY, "sandboxed team, JWT (verified once, then cached)").get("calls_per_s"),
                            server(IDENTITY, "sandboxed team, static token").get("calls_per_s"))
    if jwt_over_static:
        bars.append(f"- HTTP 16 connections: JWT / static team token req/s (the JWT's own cost): {jwt_over_static:,.2f}")
    def growth_row(size, walk=False):
        return next((m for n, m in results.get(GROWTH, {}).get("servers", {}).items()
                     if n.startswith(growth_row_name(size, walk))), {})
    bar("catalog growth: tools/list first page p50, 100k / 1k components",
        ratio(growth_row(100000).get("p50_us"), growth_row(1000).get("p50_us")), 2, False)
    bar("catalog growth: start-up, 100k / 1k components (linear is 100)",
        ratio(growth_row(100000).get("startup_ms"), growth_row(1000).get("startup_ms")), 100, False)
    small_rss, large_rss = growth_row(1000).get("peak_rss_kb"), growth_row(100000).get("peak_rss_kb")
    if small_rss and large_rss:
        bar("catalog growth: RSS per component above the 1k catalog's, KB", (large_rss - small_rss) / 99000, 2, False)
    one_provider, hundred = server(PROVIDERS, "1 provider file"), server(PROVIDERS, "100 provider files")
    bar("provider files: start-up, 100 / 1 (linear is 100)", ratio(hundred.get("startup_ms"), one_provider.get("startup_ms")), 100, False)
    if one_provider.get("peak_rss_kb") and hundred.get("peak_rss_kb"):
        bars.append(f"- provider files: RSS per provider file above one: "
                    f"{(hundred['peak_rss_kb'] - one_provider['peak_rss_kb']) / 99:,.0f} KB")
    for count in (1, 10, 50):
        measured = server(WORKERS, f"{count} sandboxed provider{'s' if count > 1 else ''}")
        if measured.get("pss_per_worker_kb"):
            bars.append(f"- {count} sandboxed workers: {measured['pss_per_worker_kb'] / 1024:,.1f} MB each (PSS; "
                        f"RSS {measured['rss_per_worker_kb'] / 1024:,.1f} MB counts the shared libraries in every one), "
                        f"{measured['peak_rss_kb'] / 1024:,.1f} MB with the host")
    dropin = server(DROPIN, "plugboard, 1 in flight")
    bar("drop-in into a 10k catalog: from the file's arrival to list_changed, ms", dropin.get("swap_ms"), 200, False)
    bar("drop-in into a 10k catalog: the longest call from the drop on, ms", dropin.get("longest_call_after_drop_ms"), 50, False)
    if dropin:
        bars.append(f"- drop-in into a 10k catalog: {dropin.get('failed', 0):.0f} of {dropin.get('calls', 0):,.0f} calls failed (bar 0)")
    for count in (1000, 10000):
        per_session = server(SESSIONS, f"{count // 1000}k idle sessions").get("rss_per_session_bytes")
        if per_session:
            bars.append(f"- {count:,} idle HTTP sessions: {per_session / 1024:,.1f} KB of RSS each")
    plugboard_gateway, contextforge = "plugboard, team JWT, sandboxed add", "contextforge 1.0.7, JWT, fronting the mcp low-level add"
    bar("HTTP 16 connections: Plugboard / ContextForge req/s",
        ratio(server(GATEWAYS, plugboard_gateway).get("calls_per_s"), server(GATEWAYS, contextforge).get("calls_per_s")), 10)
    bar("HTTP 1 connection: Plugboard p50 / ContextForge p50",
        ratio(server(GATEWAYS_ONE, plugboard_gateway).get("p50_us"), server(GATEWAYS_ONE, contextforge).get("p50_us")), 0.1, False)
    bar("start-up: scan on with a warm registry / scan off",
        ratio(server(SCANNING, "scan on, registry warm").get("startup_ms"), server(SCANNING, "scan off").get("startup_ms")), 1.1, False)
    bar("HTTP 16 connections: Plugboard sessionless / nginx fixed bytes req/s",
        ratio(server(http, "plugboard sessionless").get("calls_per_s"), server(http, "nginx fixed bytes (the floor)").get("calls_per_s")), 0.5)
    nio_share = ratio(server(http, "plugboard sessionless").get("calls_per_s"),
                      server(http, "SwiftNIO HTTP/1 fixed bytes (the framework's floor)").get("calls_per_s"))
    if nio_share:
        bars.append(f"- HTTP 16 connections: Plugboard sessionless / bare SwiftNIO fixed bytes req/s: {nio_share:,.2f}")
    bar("HTTP 1 connection: Plugboard sessionless p50 / nginx fixed bytes p50",
        ratio(server(HTTP_ONE, "plugboard sessionless").get("p50_us"), server(HTTP_ONE, "nginx fixed bytes (the floor)").get("p50_us")), 2, False)
    bar("HTTP 16 connections: Plugboard session / sessionless req/s",
        ratio(server(http, "plugboard session").get("calls_per_s"), server(http, "plugboard sessionless").get("calls_per_s")), 0.9)
    sandboxed = server(one, "plugboard sandboxed").get("p50_us")
    if sandboxed:
        overhead = sandboxed - server(one, 'plugboard')['p50_us']
        bars.append(f"- sandboxed call overhead at p50: {overhead:,.1f} µs (bar < 50 µs)")
        floor = server(one, "socketpair round trip (the sandbox's floor)").get("p50_us")
        if floor:
            bars.append(f"- sandboxed call overhead / one socketpair round trip at p50: {overhead / floor:,.2f}× "
                        f"({overhead:,.1f} µs against {floor:,.1f} µs)")
    return "\n".join(lines) + "\n\nBars (ratios from this run):\n" + "\n".join(bars)


def chart(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(t, s) for t, s in results.items() if s["servers"]]
    columns = 3
    rows = (len(panels) + columns - 1) // columns
    figure, grid = plt.subplots(rows, columns, figsize=(5.2 * columns, 4.4 * rows), squeeze=False)
    axes = [axis for row in grid for axis in row]
    for unused in axes[len(panels):]:
        unused.axis("off")
    palette = {"floor": "#9e9e9e", "fastmcp": "#e07b39", "mcp": "#c9a227", "contextforge": "#8e44ad"}
    for axis, (title, scenario) in zip(axes, panels):
        names = list(scenario["servers"])
        if scenario["kind"] == "growth":
            growth_curves(axis, title, scenario)
            continue
        if scenario["kind"] == "workers":
            values = [scenario["servers"][n].get("pss_per_worker_kb", 0) / 1024 for n in names]
            axis.set_ylabel("PSS per sandboxed worker, MB (lower is better)")
        elif scenario["kind"] == "sessions":
            values = [scenario["servers"][n].get("rss_per_session_bytes", 0) / 1024 for n in names]
            axis.set_ylabel("RSS per idle session, KB (lower is better)")
        elif scenario["kind"] == "start-up":
            values = [scenario["servers"][n].get("startup_ms", 0) for n in names]
            axis.set_ylabel("start-up to the first answer, ms (lower is better)")
        elif scenario["kind"] == "list":
            values = [scenario["servers"][n]["p50_us"] / 1000 for n in names]
            axis.set_ylabel("tools/list p50, ms (lower is better)")
        else:
            values = [scenario["servers"][n]["calls_per_s"] for n in names]
            axis.set_ylabel("calls per second (higher is better)")
        colors = [palette["floor"] if "floor" in n else next((c for k, c in palette.items() if n.startswith(k)), "#2f6db3")
                  for n in names]
        bars = axis.bar(range(len(names)), values, color=colors)
        if scenario["kind"] not in ("sessions", "workers"):  # small differences: a linear axis from zero says it: a linear axis from zero says it
            axis.set_yscale("log")
        axis.set_xticks(range(len(names)))
        axis.set_xticklabels(names, rotation=35, ha="right", fontsize=8)
        axis.set_title(textwrap.fill(title, 70), fontsize=9)
        for rect, value in zip(bars, values):
            axis.annotate(f"{value:,.0f}" if value >= 10 else f"{value:.2f}", (rect.get_x() + rect.get_width() / 2, value),
                          ha="center", va="bottom", fontsize=7)
    figure.suptitle("Plugboard (blue) vs the floors (grey), FastMCP 4.1, the mcp SDK and ContextForge — one run, same machine",
                    fontsize=10)
    figure.tight_layout(rect=(0, 0, 1, 0.98))
    figure.savefig(path, dpi=110)


def growth_curves(axis, title, scenario):
    """tools/list p50 against the catalog's size, paged and whole, log-log; RSS on the right-hand axis."""
    curves = {"first page": ([], [], []), "all pages": ([], [], [])}
    for name, m in scenario["servers"].items():
        size = int(name.split("k components")[0]) * 1000
        for label, (xs, p50s, rss) in curves.items():
            if label in name and m.get("p50_us"):
                xs.append(size)
                p50s.append(m["p50_us"] / 1000)
                rss.append((m.get("peak_rss_kb") or 0) / 1024)
    for (label, (xs, p50s, _)), style in zip(curves.items(), ("o-", "s--")):
        axis.plot(xs, p50s, style, color="#2f6db3", label=f"tools/list p50, {label}")
    rss_axis = axis.twinx()
    xs, _, rss = curves["first page"]
    rss_axis.plot(xs, rss, "^:", color="#7a7a7a", label="peak RSS")
    rss_axis.set_ylabel("peak RSS, MB", fontsize=8)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("components in the catalog")
    axis.set_ylabel("tools/list p50, ms (lower is better)")
    axis.set_title(textwrap.fill(title, 70), fontsize=9)
    axis.legend(fontsize=7, loc="upper left")
    rss_axis.legend(fontsize=7, loc="lower right")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="the release build's products directory")
    parser.add_argument("--work", required=True, help="where the driver, floor and catalog provider were built")
    parser.add_argument("--quick", action="store_true", help="fewer requests, one round")
    parser.add_argument("--only", action="append", help="run only the scenarios whose title contains this (repeatable)")
    options = parser.parse_args()
    bench = Bench(options)
    results = bench.run()
    table = report(results)
    print(table)
    if options.only:  # a partial run leaves the full run's results alone
        return
    os.makedirs(os.path.join(ROOT, "Benchmarks", "results"), exist_ok=True)
    stamp = {"machine": f"{os.cpu_count()} cores", "quick": options.quick, "results": results}
    with open(os.path.join(ROOT, "Benchmarks", "results", "latest.json"), "w") as file:
        json.dump(stamp, file, indent=1)
    with open(os.path.join(ROOT, "Benchmarks", "results", "latest.md"), "w") as file:
        file.write(table + "\n")
    chart(results, os.path.join(ROOT, "Benchmarks", "results", "chart.png"))
    print("\nwrote Benchmarks/results/latest.json, latest.md and chart.png", file=sys.stderr)


if __name__ == "__main__":
    main()

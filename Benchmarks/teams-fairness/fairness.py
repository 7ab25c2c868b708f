#!/usr/bin/env python3
"""Team fairness: team B's call latency while team A floods at its quota, against B alone.

Starts the real `plugboard serve --http` with two teams (each its own sandboxed calculator worker), then
alternates rounds: B alone, and B while A's flooders (separate processes, keep-alive connections) send calls as
fast as they are allowed against A's quota (past it they wait for their turn or are answered 429). B makes
sequential `tools/call` requests on one keep-alive connection and records each latency. Prints p50/p99 per condition and the p99 ratio (bar: <= 2.0).

  for product in plugboard plugboard-worker calculator; do swift build -c release --product "$product"; done
  python3 Benchmarks/teams-fairness/fairness.py --build .build/release [--rounds 20] [--calls 250] [--flooders 4]
      [--rate 200] [--offered 800 | --offered 0 (unpaced)] [--runs 3] [--client-nice 10]

On a small machine the flooding clients compete with the server for CPU; the paced default offers 4x A's quota,
and --offered 0 shows the unpaced worst case (client CPU included). --runs repeats the whole measurement against
the same server and prints every run's ratio and their spread (one run on a shared machine is one sample).
--client-nice runs every client process (B's and A's alike, in both conditions) at that niceness, as clients on
other machines would not take CPU from the server; the server and its workers keep theirs.
"""
import argparse, http.client, json, multiprocessing as mp, os, signal, socket, statistics, subprocess, sys, tempfile, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mint(plugboard, team):
    out = subprocess.run([plugboard, "token", "mint", "--team", team, "--id", f"{team}-bench"],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    return out[0], json.loads(out[1])


META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "fairness", "version": "1"}}


def call_body(name, i):
    """A stateless (2026-07-28) tools/call: no session, so every request stands alone."""
    return json.dumps({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                       "params": {"name": name, "arguments": {"a": i, "b": 1}, "_meta": META}})


def headers(token, name):
    return {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
            "Authorization": f"Bearer {token}", "MCP-Protocol-Version": "2026-07-28",
            "Mcp-Method": "tools/call", "Mcp-Name": name}


def flood(port, token, stop, counts, interval):
    """Calls as team A, paced to `interval` seconds apart (0: as fast as the connection allows)."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    sent = headers(token, "a_add")
    ok = refused = 0
    i = 0
    next_at = time.perf_counter()
    while not stop.is_set():
        i += 1
        if interval:
            next_at += interval
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        conn.request("POST", "/mcp", call_body("a_add", i), sent)
        r = conn.getresponse()
        r.read()
        if r.status == 429:
            refused += 1
        else:
            ok += 1
    with counts.get_lock():
        counts[0] += ok
        counts[1] += refused


def measure(port, token, calls):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    sent = headers(token, "b_add")
    latencies = []
    for i in range(calls):
        started = time.perf_counter()
        conn.request("POST", "/mcp", call_body("b_add", i), sent)
        r = conn.getresponse()
        body = r.read()
        latencies.append(time.perf_counter() - started)
        if r.status != 200 or b'"result"' not in body:
            raise SystemExit(f"team B's call failed: {r.status} {body[:200]!r}")
    return latencies


def cpu_seconds(pid):
    """utime + stime of a process and its threads, from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def measure_run(args, port, a_token, b_token, server_pid):
    """One measurement: alternating rounds of B alone and B under A's flood; prints the figures, returns the ratio."""
    alone, loaded = [], []
    flood_ok = flood_refused = 0
    flood_seconds = 0.0
    loaded_cpu = loaded_wall = 0.0
    for _ in range(args.rounds):
        alone += measure(port, b_token, args.calls)
        stop = mp.Event()
        counts = mp.Array("q", [0, 0])
        interval = args.flooders / args.offered if args.offered else 0
        procs = [mp.Process(target=flood, args=(port, a_token, stop, counts, interval)) for _ in range(args.flooders)]
        for p in procs:
            p.start()
        time.sleep(args.warmup)  # the flood spends A's burst and settles at its quota
        started = time.perf_counter()
        cpu_before = cpu_seconds(server_pid)
        loaded += measure(port, b_token, args.calls)
        loaded_cpu += cpu_seconds(server_pid) - cpu_before
        loaded_wall += time.perf_counter() - started
        stop.set()
        for p in procs:
            p.join()
        flood_seconds += time.perf_counter() - started + args.warmup
        flood_ok += counts[0]
        flood_refused += counts[1]
    p50a, p99a = pct(alone, 50) * 1e3, pct(alone, 99) * 1e3
    p50l, p99l = pct(loaded, 50) * 1e3, pct(loaded, 99) * 1e3
    print(f"team B alone:        n={len(alone)} p50={p50a:.3f} ms p99={p99a:.3f} ms")
    print(f"team B, A flooding:  n={len(loaded)} p50={p50l:.3f} ms p99={p99l:.3f} ms")
    offered = f"{args.offered:g}/s offered" if args.offered else "unpaced"
    print(f"team A flood ({offered}): {flood_ok} served, {flood_refused} refused (429) over {flood_seconds:.1f} s "
          f"({flood_ok / flood_seconds:.0f} served/s against a quota of {args.rate:g}/s)")
    print(f"server CPU while B was measured under the flood: {loaded_cpu / loaded_wall * 100:.0f}% of one core "
          f"(cores: {os.cpu_count()}; the flooding clients run on the same machine)")
    ratio = p99l / p99a
    print(f"p99 ratio loaded/alone: {ratio:.2f} (bar: <= 2.00) -> {'PASS' if ratio <= 2 else 'FAIL'}", flush=True)
    return ratio


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=".build/release", help="directory with plugboard, plugboard-worker, libcalculator.so")
    ap.add_argument("--rounds", type=int, default=20, help="alternating rounds (short rounds see the same machine load)")
    ap.add_argument("--calls", type=int, default=250, help="team B calls per round and condition")
    ap.add_argument("--flooders", type=int, default=4, help="team A flooding processes")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds of flooding before B is measured in a round")
    ap.add_argument("--rate", type=float, default=200, help="team A's calls_per_second quota")
    ap.add_argument("--offered", type=float, default=800,
                    help="team A's offered calls per second over all flooders (default 4x the quota; 0: unpaced, as fast as possible)")
    ap.add_argument("--rate-wait-ms", type=int, default=None,
                    help="team A's max_rate_wait_ms (default: the server's, 100; 0: calls past the rate are refused at once)")
    ap.add_argument("--runs", type=int, default=1, help="whole measurements in a row against the same server; each prints its ratio")
    ap.add_argument("--client-nice", type=int, default=0,
                    help="niceness of every client process (B's measurer and A's flooders alike); the server keeps its own")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    plugboard = os.path.join(build, "plugboard")
    a_token, a_line = mint(plugboard, "a")
    b_token, b_line = mint(plugboard, "b")
    work = tempfile.mkdtemp(prefix="plugboard-fairness-")
    config = {
        "surfaces": [{"name": "mcp", "path": "/mcp"}],
        "teams": [
            {"name": "a", "mounts": [{"namespace": "a", "file": f"{build}/libcalculator.so"}], "tokens": [a_line],
             "quotas": {"calls_per_second": args.rate, "max_concurrent_calls": 4}},
            {"name": "b", "mounts": [{"namespace": "b", "file": f"{build}/libcalculator.so"}], "tokens": [b_line]},
        ],
    }
    if args.rate_wait_ms is not None:
        config["teams"][0]["quotas"]["max_rate_wait_ms"] = args.rate_wait_ms
    with open(os.path.join(work, "runtime.json"), "w") as f:
        json.dump(config, f)
    port = free_port()
    server = subprocess.Popen([plugboard, "serve", "--http", f"127.0.0.1:{port}", "--config", os.path.join(work, "runtime.json")],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "stderr.log"), "w"))
    try:
        for _ in range(200):
            try:
                measure(port, b_token, 1)
                break
            except (ConnectionError, OSError, SystemExit):
                time.sleep(0.05)
        measure(port, b_token, 200)  # warm-up
        if args.client_nice:
            os.nice(args.client_nice)  # after the server started; the flooders inherit it
        ratios = []
        for run in range(args.runs):
            if args.runs > 1:
                print(f"run {run + 1} of {args.runs}:")
            ratios.append(measure_run(args, port, a_token, b_token, server.pid))
        if args.runs > 1:
            print(f"p99 ratios over {args.runs} runs: {', '.join(f'{r:.2f}' for r in ratios)} "
                  f"(median {statistics.median(ratios):.2f}, min {min(ratios):.2f}, max {max(ratios):.2f}; "
                  f"{sum(r <= 2 for r in ratios)} of {args.runs} within the bar)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

"""A provider file dropped into a watched directory while the host serves a large catalog and a client calls it.

Starts `plugboard serve --stdio` with CONFIG (a watched directory and a mount waiting for the provider NEW), keeps
one tools/call in flight, moves NEW's file into the directory after a second and calls on for a few more. It
reports, as one JSON line: how long from the file's arrival to `notifications/tools/list_changed` (the new
tables swapped in), the calls made and failed, the longest call from the drop to the end, and the p50 of the
calls before it.

  dropin_under_load.py PLUGBOARD CONFIG SOURCE_FILE DIRECTORY TOOL
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def main():
    plugboard, config, source, directory, tool = sys.argv[1:6]
    target = os.path.join(directory, os.path.basename(source))
    if os.path.exists(target):
        os.remove(target)
    server = subprocess.Popen([plugboard, "serve", "--config", config, "--stdio"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    reader = server.stdout

    def send(message):
        server.stdin.write((json.dumps(message) + "\n").encode())

    def answer(expected_id, notes):
        while True:
            line = reader.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            message = json.loads(line)
            if message.get("id") == expected_id:
                return message
            notes.append((time.perf_counter(), message.get("method")))

    notes = []
    send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "dropin", "version": "1"}}})
    answer(0, notes)
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    calls, failed, latencies = 0, 0, []  # latencies: (sent at, seconds)
    dropped_at = swapped_at = None
    started = time.perf_counter()
    next_id = 1
    while True:
        now = time.perf_counter()
        if dropped_at is None and now - started > 1.0:
            staging = os.path.join(directory, "." + os.path.basename(source) + ".part")  # dot-files are not read
            shutil.copyfile(source, staging)
            dropped_at = time.perf_counter()
            os.rename(staging, target)
        if dropped_at is not None and now - dropped_at > (3.0 if swapped_at else 10.0):
            break
        sent = time.perf_counter()
        send({"jsonrpc": "2.0", "id": next_id, "method": "tools/call", "params": {"name": tool, "arguments": {"x": 1}}})
        reply = answer(next_id, notes)
        latencies.append((sent, time.perf_counter() - sent))
        calls += 1
        next_id += 1
        if "error" in reply or reply.get("result", {}).get("isError"):
            failed += 1
        if swapped_at is None:
            swapped_at = next((at for at, method in notes if method == "notifications/tools/list_changed" and at >= dropped_at), None) \
                if dropped_at else None
    server.stdin.close()
    server.wait(timeout=30)
    before = [seconds for sent, seconds in latencies if sent < (dropped_at or 0)]
    after = [seconds for sent, seconds in latencies if dropped_at and sent >= dropped_at]
    print(json.dumps({
        "swap_ms": (swapped_at - dropped_at) * 1000 if swapped_at else None,
        "calls": calls, "failed": failed,
        "p50_us": statistics.median(before) * 1e6 if before else None,
        "longest_call_after_drop_ms": max(after) * 1000 if after else None,
        "calls_per_s": calls / (time.perf_counter() - started),
    }))


if __name__ == "__main__":
    main()

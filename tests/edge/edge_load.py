"""A bounded client load through the edge, counting failed requests (standard library only).

Usage: edge_load.py URL CA OUT_JSON [--stop-file F] [--rate 80] [--threads 4] [--seconds 600]

Sends GET URL at --rate requests/s in total (spread over --threads threads, each request on a new TLS connection
with the CA pinned, so every request is a new client reaching the edge at that moment) until --stop-file exists or
--seconds have passed, then writes OUT_JSON: requests, failed (anything but a complete 200), the first errors, the
achieved rate and the longest run of consecutive failures in seconds (the outage window). OUT_JSON.started is
written after the first successful request, so a test can start its upgrade once the load is running.
Used by molecule/edge (blue-green upgrade: 0 failed requests) and by bench/bluegreen_load.py (blue-green vs in-place
upgrade vs a bare restart, docs/bench.md).
"""
import argparse
import http.client
import json
import os
import ssl
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("ca")
    parser.add_argument("out")
    parser.add_argument("--stop-file")
    parser.add_argument("--rate", type=float, default=80.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()

    url = urllib.parse.urlsplit(args.url)
    path = url.path or "/"
    context = ssl.create_default_context(cafile=args.ca)
    lock = threading.Lock()
    results = []  # (time, ok, error)
    started = threading.Event()
    deadline = time.monotonic() + args.seconds
    stop = threading.Event()

    def one():
        conn = http.client.HTTPSConnection(url.hostname, url.port or 443, timeout=args.timeout, context=context)
        try:
            conn.request("GET", path, headers={"Connection": "close"})
            resp = conn.getresponse()
            resp.read()
            return resp.status == 200, "" if resp.status == 200 else "HTTP %s" % resp.status
        except (OSError, http.client.HTTPException) as exc:
            return False, "%s: %s" % (type(exc).__name__, exc)
        finally:
            conn.close()

    def worker(index):
        interval = args.threads / args.rate
        next_at = time.monotonic() + index * interval / args.threads
        while not stop.is_set():
            now = time.monotonic()
            if now < next_at:
                time.sleep(next_at - now)
            next_at += interval
            at = time.monotonic()
            ok, error = one()
            with lock:
                results.append((at, ok, error))
            if ok and not started.is_set():
                started.set()
                with open(args.out + ".started", "w") as handle:
                    handle.write("started\n")

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.threads)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() < deadline and not (args.stop_file and os.path.exists(args.stop_file)):
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(args.timeout + 5)
    seconds = time.monotonic() - begin
    results.sort()
    failed = [r for r in results if not r[1]]
    window, run_start = 0.0, None
    for at, ok, _error in results:
        if not ok and run_start is None:
            run_start = at
        elif ok and run_start is not None:
            window, run_start = max(window, at - run_start), None
    if run_start is not None:
        window = max(window, results[-1][0] - run_start)
    report = {
        "requests": len(results),
        "failed": len(failed),
        "seconds": round(seconds, 2),
        "rate": round(len(results) / seconds, 1) if seconds else 0.0,
        "outage_seconds": round(window, 2),
        "errors": sorted(set(r[2] for r in failed))[:10],
    }
    with open(args.out, "w") as handle:
        json.dump(report, handle)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

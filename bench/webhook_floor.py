"""The floor of bench/webhooks.py (not part of Portico): plain HTTP POSTs of given bodies, nothing else.

    python -m bench.webhook_floor BODIES_FILE THREADS

BODIES_FILE holds one JSON array per line: [url, webhook-id, body]. The process loads them, splits
them among THREADS threads, prints "ready", waits for a line on stdin, then each thread POSTs its
share one after another the way Portico's post_json does (http.client, a new connection per POST,
the response read, the connection closed) with only the headers a receiver needs (content-type,
user-agent, webhook-id): no database, no broker, no signature. Prints one JSON line at the end:
{"posted", "errors", "first_error", "seconds", "cpu"} (this process's CPU seconds
while posting: it may have exited before the bench samples /proc).
"""
from __future__ import annotations

import http.client
import json
import sys
import threading
import time
import urllib.parse


def post_all(items: list[tuple[str, str, str]], errors: list[str]) -> None:
    for url, wid, body in items:
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=15)
        try:
            connection.request("POST", parts.path or "/", body=body.encode(), headers={
                "content-type": "application/json", "user-agent": "bench-floor", "webhook-id": wid})
            response = connection.getresponse()
            response.read()
            if not 200 <= response.status < 300:
                errors.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()


def main(bodies_file: str, threads: int) -> None:
    with open(bodies_file) as f:
        items = [tuple(json.loads(line)) for line in f if line.strip()]
    shares = [items[i::threads] for i in range(threads)]
    errors: list[str] = []
    workers = [threading.Thread(target=post_all, args=(share, errors)) for share in shares]
    print("ready", flush=True)
    sys.stdin.readline()
    started, cpu = time.monotonic(), time.process_time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(json.dumps({"posted": len(items), "errors": len(errors), "first_error": errors[0] if errors else "",
                      "seconds": time.monotonic() - started, "cpu": time.process_time() - cpu}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

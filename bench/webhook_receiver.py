"""A fast local webhook receiver for bench/webhooks.py (not part of Portico).

    python -m bench.webhook_receiver PORT_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE once it listens), answers every POST
``204 No Content`` (keep-alive if the client keeps the connection; Portico's post_json closes it after
each delivery), and keeps in memory, for each POST, its ``webhook-id`` header and the time it was
received in full (``time.time()``). One asyncio protocol in one thread: a few tens of microseconds of
CPU per request, so it is not what limits either side of the benchmark.

Control, on the same port (not counted as receipts):
  GET  /_stats     -> "<receipts> <distinct webhook-ids> <first time> <last time>"
  GET  /_receipts  -> one line per receipt: "<webhook-id> <time>"
  POST /_reset     -> forget everything
"""
from __future__ import annotations

import asyncio
import os
import sys
import time

NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"
NO_CONTENT_CLOSE = b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
receipts: list[tuple[str, float]] = []
distinct: set[str] = set()


def control(method: str, path: str) -> bytes:
    if path == "/_stats":
        first = receipts[0][1] if receipts else 0.0
        last = max((t for _, t in receipts), default=0.0)
        body = f"{len(receipts)} {len(distinct)} {first!r} {last!r}".encode()
    elif path == "/_receipts":
        body = "".join(f"{wid} {t!r}\n" for wid, t in receipts).encode()
    elif path == "/_reset" and method == "POST":
        receipts.clear()
        distinct.clear()
        body = b"reset"
    else:
        return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


class Receiver(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            method, path, _ = head[0].split(" ", 2)
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            close = headers.get("connection", "").lower() == "close"
            if path.startswith("/_"):
                self.transport.write(control(method, path))
            else:
                wid = headers.get("webhook-id", "")
                receipts.append((wid, time.time()))
                distinct.add(wid)
                self.transport.write(NO_CONTENT_CLOSE if close else NO_CONTENT)
            if close:
                self.transport.close()
                return


async def main(port_file: str) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Receiver, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(port_file + ".tmp", port_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

"""The real parts of the worker tests: processes, a broker link that can be cut, an SMTP server, HTTP.

Nothing here is a fake of Portico: the web (gunicorn), the Celery worker and beat are the
Procfile's commands in subprocesses, on PostgreSQL and Redis. The test process only plays the
outside world: the customer's mail server (aiosmtpd), the platform's webhook receiver
(``WebhookReceiver``), the network between Portico and its broker (``BrokerLink``), and the carrier
(``tests.worker.carrier``).
"""
from __future__ import annotations

import base64
import contextlib
import email
import email.policy
import logging
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import redis
import requests
from aiosmtpd.controller import Controller

T = TypeVar("T")


def wait_for(probe: Callable[[], T], *, timeout: float, what: str, every: float = 0.2,
              detail: Callable[[], str] | None = None) -> T:
    """Poll ``probe`` until it returns something truthy (returned), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}" + (f"\n{detail()}" if detail else ""))
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- processes -------------------------------------------------------------------------------
@dataclass
class Service:
    """One subprocess in its own process group (so a kill takes its children too), logging to a file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log_path: Path
    cwd: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child owns it; closed below once handed over)
        try:
            self.process = subprocess.Popen(self.args, env=self.env, cwd=self.cwd, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM the group (Celery: warm shutdown), then SIGKILL whatever is left after ``timeout``."""
        if self.process is None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait(10)
        self._reap_group()

    def kill(self) -> None:
        """SIGKILL the whole group at once: the main process and every pool child, mid-task or not."""
        if self.process is None:
            return
        self._signal(signal.SIGKILL)
        self.process.wait(10)
        self._reap_group()

    def _signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def _reap_group(self) -> None:
        """Children outlive a killed parent for a moment: wait (bounded) until the group is empty."""
        assert self.process is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 40) -> str:
        return f"--- {self.name} ({self.log_path}) ---\n" + "\n".join(self.log().splitlines()[-lines:])


# --- the network between Portico and Redis ---------------------------------------------------
class BrokerLink:
    """A TCP forwarder from a local port to Redis that the test can cut, as a network would.

    ``cut("refused")``: the port refuses connections (Redis stopped, host up).
    ``cut("silent")``: connections are never answered, so connecting waits for its timeout (a host
    or network that is down). Either way every forwarded connection is dropped. ``restore()`` heals it.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._silence: list[socket.socket] = []
        self.restore()

    @property
    def up(self) -> bool:
        return self._listener is not None

    def restore(self) -> None:
        self._close_silence()
        if self._listener is not None:
            return
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the same port again
        listener.settimeout(0.2)
        self._listener = listener
        self._accepting = threading.Thread(target=self._accept, args=(listener,), name="broker-link", daemon=True)
        self._accepting.start()

    def cut(self, mode: str = "refused") -> None:
        assert mode in ("refused", "silent")
        listener, self._listener = self._listener, None
        if listener is not None:
            # The accept loop notices within its timeout; until it leaves accept() the port stays bound.
            assert self._accepting is not None
            self._accepting.join(5)
            listener.close()
        with self._lock:
            connections, self._open = self._open, []
        for connection in connections:
            _drop(connection)
        if mode == "silent":
            # A listener that never accepts, with its one-slot backlog taken: later SYNs go unanswered.
            silent = socket.create_server(("127.0.0.1", self.port), backlog=0)
            filler = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            self._silence = [silent, filler]

    def close(self) -> None:
        self.cut()
        self._close_silence()

    def _close_silence(self) -> None:
        for sock in self._silence:
            sock.close()
        self._silence = []

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    _drop(client)
                    _drop(upstream)
                    return
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        _drop(source)
        _drop(sink)


def _drop(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# --- the customer's mail server ------------------------------------------------------------
@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage = field(repr=False)
    raw: bytes = field(repr=False)

    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part is not None else ""

    def html(self) -> str:
        part = self.message.get_body(("html",))
        return part.get_content() if part is not None else ""


class MailServer:
    """aiosmtpd in this process on a fixed port; ``stop()`` and ``start()`` make it go away and come back."""

    def __init__(self) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO
        self.port = free_port()
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = bytes(envelope.original_content or envelope.content)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 Message accepted for delivery"

    @property
    def up(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [mail for mail in self.received if address in mail.rcpt_tos]

    def wait_for(self, address: str, *, timeout: float, count: int = 1) -> list[Received]:
        return wait_for(lambda: len(self.to(address)) >= count and self.to(address), timeout=timeout,
                        what=f"{count} mail(s) to {address}")


SIGNING_LINK = re.compile(r"/sign/([A-Za-z0-9_-]{20,})/")


def signing_token(mail: Received) -> str:
    match = SIGNING_LINK.search(mail.text())
    assert match, f"no signing link in:\n{mail.text()}"
    return match.group(1)


# --- the platform's webhook receiver ---------------------------------------------------------
@dataclass
class Hook:
    """One POST as the receiver got it: the raw body and the headers, untouched (verified by the test)."""

    headers: dict[str, str]
    body: bytes = field(repr=False)
    at: float  # time.monotonic() when it arrived


class WebhookReceiver:
    """A plain HTTP server in this process on a fixed port, answering every POST with ``status``.

    ``stop()`` closes the port, so a delivery's connection is refused (the platform's server down);
    ``start()`` listens on the same port again. Nothing is verified here: every request is kept as it came.
    """

    def __init__(self, status: int = 204) -> None:
        self.port = free_port()
        self.status = status
        self.received: list[Hook] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/portico/hooks"

    @property
    def up(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._server is not None:
            return
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver._lock:
                    receiver.received.append(Hook(dict(self.headers.items()), body, time.monotonic()))
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)  # SO_REUSEADDR: the same port again
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="webhook-receiver", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()  # the listening socket is gone: connections are refused
            assert self._thread is not None
            self._thread.join(5)

    def hooks(self) -> list[Hook]:
        with self._lock:
            return list(self.received)


# --- Redis, as it would be read by someone who got into it ---------------------------------
BASE64_RUN = re.compile(rb"[A-Za-z0-9+/]{16,}={0,2}")


def readable(blob: bytes, depth: int = 2) -> bytes:
    """The blob and, appended, every base64 run in it decoded (kombu stores message bodies as base64)."""
    parts = [blob]
    if depth:
        for run in BASE64_RUN.finditer(blob):
            chunk = run.group()
            chunk += b"=" * (-len(chunk) % 4)
            try:
                parts.append(readable(base64.b64decode(chunk, validate=True), depth - 1))
            except ValueError:
                continue
    return b"\n".join(parts)


def redis_dump(client: redis.Redis) -> bytes:
    """Every key of the client's database with its value, whatever its type (lists, hashes, sets…)."""
    chunks: list[bytes] = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        chunks.append(b"KEY " + key)
        if kind == b"string":
            chunks.append(client.get(key) or b"")
        elif kind == b"list":
            chunks += client.lrange(key, 0, -1)
        elif kind == b"hash":
            for name, value in client.hgetall(key).items():
                chunks += [name, value]
        elif kind == b"set":
            chunks += list(client.smembers(key))
        elif kind == b"zset":
            chunks += [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
        else:
            chunks.append(repr(client.dump(key)).encode())
    return b"\n".join(chunks)


@dataclass
class RedisMonitor:
    """Every command any client sends to the test database, as Redis's MONITOR shows it."""

    client: redis.Redis
    db: int
    commands: list[str] = field(default_factory=list)
    _thread: threading.Thread | None = None
    _monitor: Any = None

    def start(self) -> None:
        self._monitor = self.client.monitor()
        self._monitor.__enter__()
        self._thread = threading.Thread(target=self._listen, name="redis-monitor", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while True:
            try:
                command = self._monitor.next_command()
            except redis.TimeoutError:  # a quiet moment (the broker link is cut): keep listening
                continue
            except Exception:  # the connection is closed at teardown
                return
            if int(command.get("db", -1)) == self.db:
                self.commands.append(command["command"])

    def seen(self) -> bytes:
        return "\n".join(self.commands).encode()

    def stop(self) -> None:
        if self._monitor is not None:
            with contextlib.suppress(Exception):  # already closed
                self._monitor.connection.disconnect()
        if self._thread is not None:
            self._thread.join(5)


# --- the API, over HTTP ----------------------------------------------------------------------
@dataclass
class HttpApi:
    """The port-order API of the running web process, with one key and one account."""

    base_url: str
    key: str
    account: str
    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method: str, path: str, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.key}", "DialStack-Account": self.account}
        return self.session.request(method, f"{self.base_url}{path}", json=body, headers=headers, timeout=30)

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.request("POST", "/v1/port-orders", body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def approve(self, order_id: str) -> requests.Response:
        return self.request("POST", f"/v1/port-orders/{order_id}/approve",
                            {"signature": "Jane Smith", "ip": "203.0.113.42"})

    def submit(self, order_id: str) -> requests.Response:
        return self.request("POST", f"/v1/port-orders/{order_id}/submit")

    def request_approval(self, order_id: str, email_address: str, name: str = "") -> requests.Response:
        return self.request("POST", f"/v1/port-orders/{order_id}/approval-requests",
                            {"email": email_address, "name": name})

    def order(self, order_id: str) -> dict[str, Any]:
        response = self.request("GET", f"/v1/port-orders/{order_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def loa_ready(self, order_id: str) -> bool:
        return self.request("GET", f"/v1/port-orders/{order_id}/loa").status_code == 200

"""What the worker benches (bench/outbox.py, bench/webhooks.py) share: a connection to the server's admin
database, stopping a process started in a session of its own, and a meter of the CPU that groups of
processes and the bench database's PostgreSQL backends use."""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def admin_execute(database_url: str, sql: str) -> None:
    """Run ``sql`` on the server's ``postgres`` database (to create or drop the bench database)."""
    import psycopg

    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def stop_session(proc: subprocess.Popen, grace: float = 20) -> None:
    """Stop a process started with start_new_session=True, and anything left in its session (prefork
    children that outlived their parent)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


class CpuMeter:
    """CPU seconds used by groups of processes (by session id), the bench database's PostgreSQL backends,
    optionally this process (``producer``), and how many sessions were opened on that database. Backends
    are sampled once a second while waiting: one that lives less than that is missed (see the sessions
    count). ``own_backend``: whether this process's own connection counts among the backends (it does
    when this process is the producer writing through it)."""

    def __init__(self, groups: dict[str, set[int]], db_name: str, *, producer: bool = False,
                 own_backend: bool = False) -> None:
        self.groups = groups
        self.db_name = db_name
        self.producer = producer
        self.own_backend = own_backend
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.polled = 0.0
        self.producer_at_start = 0.0

    def _snapshot(self) -> dict[tuple[str, int], float]:
        from django.db import connection

        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
        if not self.own_backend:
            query += " AND pid <> pg_backend_pid()"
        with connection.cursor() as cursor:
            cursor.execute(query, [self.db_name])
            backends = {row[0] for row in cursor.fetchall()}
        snap = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, session, cpu = int(entry.name), int(fields[3]), (int(fields[11]) + int(fields[12])) / TICK
            for group, sessions in self.groups.items():
                if session in sessions:
                    snap[(group, pid)] = cpu
            if pid in backends:
                snap[("postgres", pid)] = cpu
        return snap

    def pg_sessions(self) -> int:
        """Sessions ever opened on the bench database (counted at connect, reported within about a second)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", [self.db_name])
            return cursor.fetchone()[0]

    @staticmethod
    def _own_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def start(self) -> None:
        self.sessions_at_start = self.pg_sessions()
        self.first = self._snapshot()
        self.last = dict(self.first)
        self.producer_at_start = self._own_cpu()
        self.polled = time.monotonic()

    def poll(self) -> None:
        if time.monotonic() - self.polled >= 1.0:
            self.last.update(self._snapshot())
            self.polled = time.monotonic()

    def stop(self) -> dict[str, float]:
        self.last.update(self._snapshot())
        used = {group: 0.0 for group in [*self.groups, "postgres"]}
        if self.producer:
            used["producer"] = self._own_cpu() - self.producer_at_start
        for key, cpu in self.last.items():
            used[key[0]] += cpu - self.first.get(key, 0.0)
        time.sleep(1.1)  # backends report their statistics at most once a second
        used["sessions"] = self.pg_sessions() - self.sessions_at_start
        return used

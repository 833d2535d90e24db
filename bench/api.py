#!/usr/bin/env python
"""API benchmark (run by hand, not in CI): `make bench-api` or `.venv/bin/python bench/api.py`.

Serves Portico with gunicorn (2 workers) on PostgreSQL holding 100,000 orders and measures, next
to a bare DRF "hello" endpoint measured in the same run (these machines are noisy, so only the
ratios mean something):

  GET /v1/port-orders/{id}                 target: >= 0.35 of hello's requests/s
  GET /v1/port-orders?limit=100            first page, and a page deep in the list: deep <= 1.5x first
  POST /v1/port-in-eligibility (1,000 nos) target: p50 < 0.5 s
  worker memory after warm-up              target: < 150 MB RSS
  a 5 MB PDF: upload (POST …/documents) and download through its expiring link, each against the
  same bytes served as a static file by the same server (WhiteNoise) in the same run: target <= 3x;
  the upload is also shown against its floor, the same body POSTed to a view that only reads and hashes it

Ratios are measured in interleaved rounds: each round times the baseline right next to the
endpoint, and the median of the rounds' ratios is reported with their range, so a machine that
speeds up or slows down during the run moves both sides of a ratio alike.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portico_bench),
BENCH_ORDERS (100000), BENCH_SECONDS per measurement (2), BENCH_ROUNDS (5), BENCH_CLIENTS (4 processes).
"""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portico_bench")
ORDERS = int(os.environ.get("BENCH_ORDERS", "100000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "PORTING_API_RATE": "off",
    "PORTICO_BENCH_HELLO": "1", "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING",
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
    "PORTING_DOCUMENTS_DIR": "/tmp/portico-bench-documents", "SITE_URL": f"http://127.0.0.1:{PORT}",
}


def ensure_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_data() -> dict:
    """Migrate and load ORDERS draft orders (bulk, once); return a key, the account and ids."""
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from porting.fields import new_typeid
    from porting.models import Account, PortOrder, PortOrderNumber
    from porting.services import api_key_create

    account = Account.objects.filter(name="bench").select_related("platform").first()
    if account is None:
        from porting.models import Platform

        platform = Platform.objects.create(name="bench")
        account = Account.objects.create(platform=platform, name="bench")
    have = PortOrder.objects.filter(account=account).count()
    batch = 5000
    for start in range(have, ORDERS, batch):
        orders = [
            PortOrder(id=new_typeid("port"), account=account, livemode=False, btn=f"+1202{i % 8000000 + 2000000:07d}",
                      business_name=f"Business {i}", approver_name="Jane Smith",
                      address_house_number="123", address_street_name="Main St", address_city="Washington",
                      address_state="DC", address_zip="20001", account_number="123456789", pin="1234")
            for i in range(start, min(start + batch, ORDERS))
        ]
        PortOrder.objects.bulk_create(orders)
        PortOrderNumber.objects.bulk_create(
            PortOrderNumber(order=o, position=0, phone_number=o.btn, losing_carrier_name="Lumen",
                            losing_carrier_spid="9102", is_wireless=False)
            for o in orders
        )
        print(f"  loaded {min(start + batch, ORDERS)} / {ORDERS} orders", flush=True)
    if have < ORDERS:
        from django.db import connection

        with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would give
            cursor.execute("ANALYZE")
    _, key = api_key_create(platform=account.platform, livemode=False, name="bench")
    ids = list(PortOrder.objects.filter(account=account).order_by("-pk").values_list("pk", flat=True)[:ORDERS])
    from porting.services import Actor, port_order_create

    doc_order = port_order_create(account_id=account.pk, livemode=False, actor=Actor("system", "bench"),
                                  data={"phone_numbers": [f"+1202555{3000 + os.getpid() % 1000}"]})
    return {"key": key, "account": account.pk, "one": ids[len(ids) // 2], "deep_cursor": ids[int(len(ids) * 0.9)],
            "doc_order": doc_order.pk}


def worker(args: tuple) -> list[float]:
    method, path, body, headers, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: HTTP {response.status}")
        latencies.append(time.perf_counter() - start)
    conn.close()
    return latencies


def measure(label: str, method: str, path: str, headers: dict, body: bytes | None = None,
            clients: int = CLIENTS, seconds: float = SECONDS) -> dict:
    worker((method, path, body, headers, 0.5))  # warm-up
    with multiprocessing.Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(worker, [(method, path, body, headers, seconds)] * clients)
        elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r)
    return {
        "label": label, "rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], "n": len(latencies),
    }


DOCUMENT_BYTES = 5 * 1024 * 1024
STATIC_NAME = "bench/bench-5mb.pdf"


def five_mb_pdf() -> bytes:
    """A real PDF (pypdf opens it) of 5 MB: one page, and an uncompressed stream of filler bytes."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    filler = DecodedStreamObject()
    filler.set_data(b"% portico bench filler\n" * (DOCUMENT_BYTES // 23))
    page[NameObject("/Contents")] = writer._add_object(filler)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def timed_request(method: str, path: str, body: bytes | None, headers: dict) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status, payload


def bench_documents(data: dict, auth: dict, pdf: bytes, rounds: int) -> dict[str, list[float]]:
    """Interleaved: the static file, an upload of the same bytes, a download through a fresh link."""
    boundary = "portico-bench-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ninvoice\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bill.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    upload_headers = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    times: dict[str, list[float]] = {"static": [], "upload floor": [], "upload": [], "download": []}
    for _ in range(rounds):
        elapsed, status, payload = timed_request("POST", "/bench/upload-floor", body,
                                                 {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert status == 201, f"upload floor: HTTP {status}"
        times["upload floor"].append(elapsed)
        elapsed, status, payload = timed_request("GET", f"/static/{STATIC_NAME}", None, {})
        assert status == 200 and payload == pdf, f"static file: HTTP {status}"
        times["static"].append(elapsed)
        elapsed, status, payload = timed_request("POST", f"/v1/port-orders/{data['doc_order']}/documents", body,
                                                 upload_headers)
        assert status == 201, f"upload: HTTP {status} {payload[:200]!r}"
        times["upload"].append(elapsed)
        document_id = json.loads(payload)["id"]
        _, status, payload = timed_request(
            "POST", f"/v1/port-orders/{data['doc_order']}/documents/{document_id}/download-link", b"",
            {**auth, "Content-Type": "application/json"})
        assert status in (200, 201), f"download-link: HTTP {status}"
        link = json.loads(payload)["url"].split("://", 1)[1].split("/", 1)[1]
        elapsed, status, payload = timed_request("GET", "/" + link, None, {})
        assert status == 200 and payload == pdf, f"download: HTTP {status}"
        times["download"].append(elapsed)
    return times


def worker_rss_mb(master_pid: int) -> list[float]:
    out = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in out:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def main() -> None:
    ensure_database()
    print(f"Setting up {ORDERS} orders in {DATABASE_URL} …", flush=True)
    data = setup_data()
    pdf = five_mb_pdf()
    static_dir = ROOT / "staticfiles" / "bench"  # STATIC_ROOT: WhiteNoise serves what is there at start
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "bench-5mb.pdf").write_bytes(pdf)
    env = {**os.environ, **SERVER_ENV}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        auth = {"Authorization": f"Bearer {data['key']}", "DialStack-Account": data["account"]}
        numbers = json.dumps({"phone_numbers": [f"+1202{300 + i // 1000:03d}{i % 10000:04d}" for i in range(1000)]})
        hello = ("bare DRF hello", "GET", "/bench/hello", {}, None)
        one = ("GET one order", "GET", f"/v1/port-orders/{data['one']}", auth, None)
        first = ("GET list limit=100, first page", "GET", "/v1/port-orders?limit=100", auth, None)
        deep = ("GET list limit=100, deep page", "GET", f"/v1/port-orders?limit=100&cursor={data['deep_cursor']}",
                auth, None)
        rounds = []
        for number in range(ROUNDS):
            print(f"  round {number + 1} / {ROUNDS}", flush=True)
            rounds.append({spec[0]: measure(*spec) for spec in (hello, one, first, deep)})
        eligibility = measure("POST eligibility, 1,000 numbers", "POST", "/v1/port-in-eligibility",
                              {**auth, "Content-Type": "application/json"}, numbers.encode(), clients=1)
        print("  5 MB document: static file, upload, download through its link", flush=True)
        documents = bench_documents(data, auth, pdf, rounds=max(5, ROUNDS * 2))
        rss = worker_rss_mb(server.pid)
    finally:
        (static_dir / "bench-5mb.pdf").unlink(missing_ok=True)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(f"\n{'endpoint (median of rounds)':40} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9}")
    for label in rounds[0]:
        rows = [r[label] for r in rounds]
        print(f"{label:40} {statistics.median(x['rps'] for x in rows):9.1f} "
              f"{statistics.median(x['p50'] for x in rows) * 1000:9.1f} "
              f"{statistics.median(x['p99'] for x in rows) * 1000:9.1f}")
    print(f"{eligibility['label']:40} {eligibility['rps']:9.1f} {eligibility['p50'] * 1000:9.1f} "
          f"{eligibility['p99'] * 1000:9.1f}")
    one_ratio = [r["GET one order"]["rps"] / r["bare DRF hello"]["rps"] for r in rounds]
    deep_ratio = [r["GET list limit=100, deep page"]["p50"] / r["GET list limit=100, first page"]["p50"]
                  for r in rounds]
    print("\nper-round GET one / hello:", " ".join(f"{x:.3f}" for x in one_ratio))
    print("per-round deep / first page:", " ".join(f"{x:.3f}" for x in deep_ratio))
    static_p50 = statistics.median(documents["static"])
    upload_ratio = statistics.median(documents["upload"]) / static_p50
    download_ratio = statistics.median(documents["download"]) / static_p50
    floor_ratio = statistics.median(documents["upload"]) / statistics.median(documents["upload floor"])
    print(f"\n5 MB PDF (median of {len(documents['static'])}): static {static_p50 * 1000:.1f} ms, "
          f"upload floor (receive and hash the body) {statistics.median(documents['upload floor']) * 1000:.1f} ms, "
          f"upload {statistics.median(documents['upload']) * 1000:.1f} ms, "
          f"download through the link {statistics.median(documents['download']) * 1000:.1f} ms")
    checks = [
        ("5 MB upload / static file (time, median)", upload_ratio, "<= 3", upload_ratio <= 3),
        ("5 MB upload / upload floor (time)", floor_ratio, "(info)", True),
        ("5 MB link download / static file (time)", download_ratio, "<= 3", download_ratio <= 3),
        ("GET one order / hello (req/s, median)", statistics.median(one_ratio), ">= 0.35",
         statistics.median(one_ratio) >= 0.35),
        ("deep page / first page (p50, median)", statistics.median(deep_ratio), "<= 1.5",
         statistics.median(deep_ratio) <= 1.5),
        ("eligibility 1,000 numbers p50 (s)", eligibility["p50"], "< 0.5", eligibility["p50"] < 0.5),
        ("largest worker RSS after warm-up (MB)", max(rss), "< 150", max(rss) < 150),
    ]
    print(f"\n{'check':42} {'value':>8}  target   result")
    for name, value, target, ok in checks:
        print(f"{name:42} {value:8.3f}  {target:7}  {'ok' if ok else 'MISSED'}")
    sys.exit(0 if all(ok for *_, ok in checks) else 1)


if __name__ == "__main__":
    main()

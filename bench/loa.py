#!/usr/bin/env python
"""LOA rendering benchmark (run by hand): `make bench-loa` or `.venv/bin/python bench/loa.py`.

Median render time of a one-number (one page plus certificate) LOA next to a minimal WeasyPrint
document of one line rendered in the same run, and the time of a 1,000-number LOA.
Targets: the 1-page LOA within 1.5x the minimal document; 1,000 numbers under 5 s.
For scale it also times the unsigned preview (the letter page alone) and WeasyPrint's floor for
this content: the signed LOA's own text, extracted from its PDF, as one unstyled <pre> block.
Renders from unsaved model objects: no database needed.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def order_with(count: int):  # noqa: ANN201 - an unsaved PortOrder with prefetched numbers
    from porting.compiled import attach_prefetched
    from porting.models import PortOrder, PortOrderNumber

    order = PortOrder(
        id="port_01h2xcejqtf2nbrexx3vqjhp41", account_id="acct_01h2xcejqtf2nbrexx3vqjhp41", btn="+12025551234",
        business_name="Smith Consulting", approver_name="Jane Smith", account_number="123456789", pin="1234",
        address_house_number="123", address_street_name="Main St", address_city="Washington", address_state="DC",
        address_zip="20001", requested_foc_date=dt.date(2026, 12, 18), requested_foc_time=dt.time(10, 0),
        approval_signature="Jane Smith", approval_ip="203.0.113.42", approved_at=dt.datetime.now(dt.UTC),
    )
    numbers = [PortOrderNumber(order_id=order.pk, position=i, phone_number=f"+1202{200 + i // 1000:03d}{i % 1000:04d}",
                               losing_carrier_name="Lumen", losing_carrier_spid="9102") for i in range(count)]
    attach_prefetched(order, "numbers", numbers)
    return order


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def text_floor_html(pdf: bytes) -> str:
    """The LOA's text as one unstyled <pre> block: the least WeasyPrint can do to lay these lines out."""
    import html
    import io

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return f"<pre>{html.escape(text)}</pre>"


def main() -> None:
    import django

    django.setup()
    from weasyprint import HTML

    from porting.loa import Certificate, render_loa_pdf

    certificate = Certificate("Jane Smith", "jane@example.com", "203.0.113.42", "Mozilla/5.0", "esign-2026-11",
                              "Signing page", "2026-12-10T15:00:00Z", "2026-12-10T15:01:00Z", "2026-12-10T15:02:00Z")
    one = order_with(1)
    minimal = lambda: HTML(string="<p>Hello</p>").write_pdf()  # noqa: E731
    loa = lambda: render_loa_pdf(one, certificate=certificate)  # noqa: E731
    preview = lambda: render_loa_pdf(one, preview=True)  # noqa: E731
    floor_html = text_floor_html(loa())
    floor = lambda: HTML(string=floor_html).write_pdf()  # noqa: E731
    minimal(), loa(), preview(), floor()  # warm-up: fonts, caches
    times: dict[str, list[float]] = {"minimal": [], "loa": [], "preview": [], "floor": []}
    for _ in range(ROUNDS):  # interleaved, so a noisy machine slows all alike
        for name, fn in (("minimal", minimal), ("loa", loa), ("preview", preview), ("floor", floor)):
            times[name].append(timed(fn))
    big = order_with(1000)
    big_time = timed(lambda: render_loa_pdf(big, certificate=certificate))
    m, l1, p1, f1 = (statistics.median(times[name]) for name in ("minimal", "loa", "preview", "floor"))
    print(f"minimal WeasyPrint document (median of {ROUNDS}): {m * 1000:8.1f} ms")
    print(f"1-number LOA (median of {ROUNDS}):                {l1 * 1000:8.1f} ms  {l1 / m:5.2f}x")
    print(f"  its letter page alone (unsigned preview):    {p1 * 1000:8.1f} ms  {p1 / m:5.2f}x")
    print(f"  its text as one unstyled <pre> (the floor):  {f1 * 1000:8.1f} ms  {f1 / m:5.2f}x")
    print(f"1,000-number LOA:                              {big_time * 1000:8.1f} ms")
    checks = [("1-page LOA / minimal document", l1 / m, "<= 1.5", l1 / m <= 1.5),
              ("1,000-number LOA (s)", big_time, "< 5", big_time < 5)]
    print(f"\n{'check':32} {'value':>8}  target  result")
    for name, value, target, ok in checks:
        print(f"{name:32} {value:8.3f}  {target:6}  {'ok' if ok else 'MISSED'}")
    sys.exit(0 if all(ok for *_, ok in checks) else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""LOA benchmark (run by hand): `make bench-loa` or `.venv/bin/python bench/loa.py`.

Everything is measured in the same run, interleaved, and each ratio is the median of the ratios within
a round, so a noisy machine slows both sides of a ratio alike:

- the signed 1-number LOA (the letter page plus its certificate page) against WeasyPrint's floor for
  the same text: the LOA's own text, extracted from its PDF, as one unstyled <pre> block (the least
  WeasyPrint can do to lay these lines out). Target: rendered LOA <= 3x the floor.
- the sealed LOA (rendered, then sealed with the operator's key, PAdES B-B) against the unsealed one.
  Target: sealed <= 1.3x unsealed.
- verifying a sealed LOA: reading and checking its seal (pyHanko), as /verify/ does before its two indexed
  lookups. Target: p50 < 20 ms.
- a 1,000-number LOA (target: under 5 s), and, for scale, the unsigned preview and a one-line document.

Renders from unsaved model objects and seals with a key made in memory: no database needed.
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
VERIFY_ROUNDS = int(os.environ.get("BENCH_VERIFY_ROUNDS", "100"))


def order_with(count: int):  # noqa: ANN201 - an unsaved PortOrder with prefetched numbers
    from porting.compiled import attach_prefetched
    from porting.models import Account, Platform, PortOrder, PortOrderNumber

    # The account and its platform in memory too (no display name: the LOA's unbranded letterhead).
    account = Account(id="acct_01h2xcejqtf2nbrexx3vqjhp41", name="Bench", platform=Platform(name="Bench"))
    order = PortOrder(
        id="port_01h2xcejqtf2nbrexx3vqjhp41", account=account, btn="+12025551234",
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
    from django.conf import settings
    from weasyprint import HTML

    from porting.loa import Certificate, render_loa_pdf
    from porting.loa.seal import generate_seal_key, read_seals, seal_from_pem, seal_pdf

    material = seal_from_pem(*generate_seal_key(settings.PORTING_OPERATOR_NAME))
    certificate = Certificate(
        "Jane Smith", "Emailed signing link to j•••@smith.example, opened from IP 203.0.113.42; the signer accepted "
        "the electronic-signature consent and typed the approver's name", "203.0.113.42", "Mozilla/5.0",
        "esign-2026-11", "2026-12-10T15:00:00Z", "2026-12-10T15:01:00Z", "2026-12-10T15:02:00Z", "a" * 64)
    operator = settings.PORTING_OPERATOR_NAME
    one = order_with(1)
    minimal = lambda: HTML(string="<p>Hello</p>").write_pdf()  # noqa: E731
    loa = lambda: render_loa_pdf(one, certificate=certificate, seal_fingerprint=material.fingerprint)  # noqa: E731
    sealed = lambda: seal_pdf(loa(), material, operator_name=operator)  # noqa: E731
    preview = lambda: render_loa_pdf(one, preview=True)  # noqa: E731
    floor_html = text_floor_html(loa())
    floor = lambda: HTML(string=floor_html).write_pdf()  # noqa: E731
    runs = {"minimal": minimal, "loa": loa, "sealed": sealed, "preview": preview, "floor": floor}
    for fn in runs.values():  # warm-up: fonts, caches
        fn()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(ROUNDS):  # interleaved, so a noisy machine slows all alike
        for name, fn in runs.items():
            times[name].append(timed(fn))
    sealed_pdf = sealed()
    assert read_seals(sealed_pdf).seals[0].intact
    verify_times = sorted(timed(lambda: read_seals(sealed_pdf)) for _ in range(VERIFY_ROUNDS))
    big = order_with(1000)
    big_time = timed(lambda: render_loa_pdf(big, certificate=certificate, seal_fingerprint=material.fingerprint))

    m, l1, s1, p1, f1 = (statistics.median(times[name]) for name in ("minimal", "loa", "sealed", "preview", "floor"))
    # Each ratio is the median of the ratios within a round (the two ran back to back), so a load spike
    # that slows one round slows both sides of its ratio.
    def paired(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))

    loa_floor, sealed_loa, sealed_floor, preview_floor = (
        paired("loa", "floor"), paired("sealed", "loa"), paired("sealed", "floor"), paired("preview", "floor"))
    v50 = statistics.median(verify_times)
    v95 = verify_times[int(len(verify_times) * 0.95) - 1]
    print(f"one-line WeasyPrint document (median of {ROUNDS}): {m * 1000:8.1f} ms")
    print(f"WeasyPrint floor: the LOA's text as one <pre>:  {f1 * 1000:8.1f} ms")
    print(f"1-number signed LOA, rendered:                  {l1 * 1000:8.1f} ms  {loa_floor:5.2f}x the floor")
    print(f"1-number signed LOA, rendered and sealed (B-B): {s1 * 1000:8.1f} ms  {sealed_loa:5.2f}x unsealed, "
          f"{sealed_floor:5.2f}x the floor")
    print(f"  its letter page alone (unsigned preview):     {p1 * 1000:8.1f} ms  {preview_floor:5.2f}x the floor")
    print(f"verify a sealed LOA ({len(sealed_pdf) // 1024} KB, {VERIFY_ROUNDS} runs):      p50 {v50 * 1000:6.1f} ms, "
          f"p95 {v95 * 1000:6.1f} ms")
    print(f"1,000-number LOA:                               {big_time * 1000:8.1f} ms")
    checks = [("signed LOA / WeasyPrint floor", loa_floor, "<= 3", loa_floor <= 3),
              ("sealed / unsealed LOA", sealed_loa, "<= 1.3", sealed_loa <= 1.3),
              ("verify p50 (ms)", v50 * 1000, "< 20", v50 * 1000 < 20),
              ("1,000-number LOA (s)", big_time, "< 5", big_time < 5)]
    print(f"\n{'check':32} {'value':>8}  target  result")
    for name, value, target, ok in checks:
        print(f"{name:32} {value:8.3f}  {target:6}  {'ok' if ok else 'MISSED'}")
    sys.exit(0 if all(ok for *_, ok in checks) else 1)


if __name__ == "__main__":
    main()

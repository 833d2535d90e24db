"""Logos made in the tests (an SVG written here, PNGs and a JPEG drawn by Pillow) and a platform branded with
one, as the desk's form stores it (``clean_logo``), for the LOA, signing and email tests."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from porting.branding import clean_logo, logo_sha256
from porting.models import Platform, PlatformLogo

DISPLAY_NAME = "Beacon Voice"
SUPPORT_EMAIL = "help@beacon.example"
SUPPORT_PHONE = "+1 202-555-0100"
SUPPORT_URL = "https://beacon.example/help"
# A colour found nowhere else on the LOA: the SVG's square, drawn as vectors, shows in the page's content as
# "0.043137 0.360784 0.678431 rg" (#0b5cad).
SVG_FILL_OPERATOR = b"0.043137 0.360784 0.678431 rg"
SVG_LOGO = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 60">
  <defs><linearGradient id="fade"><stop offset="0" stop-color="#0b5cad"/><stop offset="1" stop-color="#fff"/>
  </linearGradient>
  <circle id="dot" cx="0" cy="0" r="6"/></defs>
  <rect width="60" height="60" rx="12" fill="#0b5cad"/>
  <use xlink:href="#dot" x="30" y="30" fill="#fff"/>
  <rect x="70" y="44" width="120" height="6" fill="url(#fade)"/>
  <text x="70" y="36" font-size="28" fill="#0b5cad">Beacon</text>
</svg>"""


def png_logo(size: tuple[int, int] = (300, 90), *, comment: str | None = None) -> bytes:
    """A transparent PNG with a red square; ``comment`` adds a text chunk (metadata the cleaning drops)."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle([0, 0, min(size) - 1, min(size) - 1], fill=(200, 30, 30, 255))
    info = PngInfo()
    if comment:
        info.add_text("Comment", comment)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg_logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def brand(platform: Platform, logo: bytes | None = SVG_LOGO, *, support: bool = True) -> Platform:
    """``platform`` with a display name, support contacts and ``logo``, cleaned as the desk stores it."""
    platform.display_name = DISPLAY_NAME
    if support:
        platform.support_email, platform.support_phone, platform.support_url = SUPPORT_EMAIL, SUPPORT_PHONE, SUPPORT_URL
    platform.save(update_fields=["display_name", "support_email", "support_phone", "support_url"])
    if logo is not None:
        cleaned = clean_logo(logo)
        PlatformLogo.objects.update_or_create(platform=platform, defaults={
            "content": cleaned.content, "content_type": cleaned.content_type, "sha256": logo_sha256(cleaned)})
    return platform

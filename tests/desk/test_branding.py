"""A platform's branding on the desk: a superuser sets its display name, support contacts and logo; the logo is
told from its bytes, limited in size, and stored cleaned (a re-encoded PNG, an SVG with no script, no event
handler and no reference outside itself)."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from porting.branding import LOGO_MAX_BYTES
from porting.models import Platform, PlatformLogo
from tests.branding import SVG_LOGO, brand, jpeg_logo, png_logo
from tests.conftest import make_tenant


def change_page(platform: Platform) -> str:
    return f"/admin/porting/platform/{platform.pk}/change/"


def post(client, platform: Platform, logo: bytes | None = None, filename: str = "logo.png",
         content_type: str = "image/png", **fields):
    data = {"name": platform.name, "notification_emails": "", "display_name": "Beacon Voice",
            "support_email": "help@beacon.example", "support_phone": "(202) 555-0100",
            "support_url": "https://beacon.example/help", **fields}
    if logo is not None:
        data["logo_file"] = SimpleUploadedFile(filename, logo, content_type=content_type)
    return client.post(change_page(platform), data)


def logo_errors(response) -> list[str]:
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors.get("logo_file", [])


def stored(platform: Platform) -> PlatformLogo:
    return PlatformLogo.objects.get(platform=platform)


@pytest.fixture
def platform(db) -> Platform:
    return make_tenant("Beacon").platform


def test_a_superuser_brands_a_platform_with_a_png_logo_stored_without_its_metadata(superuser, platform):
    response = post(superuser, platform, png_logo(comment="made with SecretTool 3.1, by j.doe"))
    assert response.status_code == 302
    platform.refresh_from_db()
    assert (platform.display_name, platform.support_email, platform.support_url) == (
        "Beacon Voice", "help@beacon.example", "https://beacon.example/help")
    assert platform.support_phone == "+1 202-555-0100"  # stored in international format
    logo = stored(platform)
    assert logo.content_type == "image/png"
    image = Image.open(io.BytesIO(bytes(logo.content)))
    assert image.format == "PNG" and image.size == (300, 90) and image.mode == "RGBA"
    assert b"SecretTool" not in bytes(logo.content)  # re-encoded: text chunks dropped


def test_a_superuser_adds_a_branded_platform_in_one_go(superuser, db):
    assert 'name="logo_file"' in superuser.get("/admin/porting/platform/add/").content.decode()
    response = superuser.post("/admin/porting/platform/add/", {
        "name": "Beacon", "notification_emails": "", "display_name": "Beacon Voice", "support_email": "",
        "support_phone": "", "support_url": "", "logo_file": SimpleUploadedFile("logo.svg", SVG_LOGO)})
    assert response.status_code == 302
    platform = Platform.objects.get(name="Beacon")
    assert platform.display_name == "Beacon Voice" and stored(platform).content_type == "image/svg+xml"


def test_an_svg_logo_is_stored_with_its_drawing(superuser, platform):
    response = post(superuser, platform, SVG_LOGO, "logo.svg", "image/svg+xml")
    assert response.status_code == 302
    logo = stored(platform)
    svg = bytes(logo.content).decode()
    assert logo.content_type == "image/svg+xml"
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    for kept in ['viewBox="0 0 200 60"', 'href="#dot"', 'fill="url(#fade)"', "<linearGradient", ">Beacon</text>"]:
        assert kept in svg, kept


@pytest.mark.parametrize(("name", "svg", "gone"), [
    ("a script", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script>'
                 b'<script xlink:href="https://evil.example/x.js" xmlns:xlink="http://www.w3.org/1999/xlink"/>'
                 b'<rect width="10" height="10"/></svg>', [b"script", b"alert", b"evil"]),
    ("event handlers", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">'
                       b'<rect width="10" height="10" onclick="steal()" ONMOUSEOVER="x()"/></svg>',
     [b"onload", b"onclick", b"ONMOUSEOVER", b"alert", b"steal"]),
    ("external references", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                            b'viewBox="0 0 10 10"><image href="https://evil.example/pixel.png" width="1" height="1"/>'
                            b'<use xlink:href="https://evil.example/sprite.svg#logo"/>'
                            b'<style>@import url(https://evil.example/a.css); rect { fill: url(#g) }</style>'
                            b'<rect width="10" height="10" style="fill: url(&quot;https://evil.example/b&quot;)"/>'
                            b'<rect width="10" height="10" fill="url(//evil.example/c#g)" stroke="#000"/>'
                            b'<a href="javascript:alert(1)"><rect width="10" height="10"/></a>'
                            b'<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/>'
                            b'</foreignObject></svg>',
     [b"evil", b"javascript", b"image", b"foreignObject", b"@import"]),
])
def test_an_svg_loses_what_could_run_or_fetch_and_keeps_its_drawing(superuser, platform, name, svg, gone):
    assert post(superuser, platform, svg, "logo.svg", "image/svg+xml").status_code == 302, name
    content = bytes(stored(platform).content)
    for removed in gone:
        assert removed not in content, removed
    assert b"<rect" in content


def test_a_logo_over_200_kb_is_refused(superuser, platform):
    too_big = png_logo() + b"\0" * (201 * 1024 - len(png_logo()))
    assert len(too_big) == 201 * 1024 > LOGO_MAX_BYTES
    errors = logo_errors(post(superuser, platform, too_big))
    assert errors == ["The logo is 201 KB; it may be at most 200 KB."]
    assert not PlatformLogo.objects.exists()


def test_a_jpeg_renamed_png_is_refused_by_its_bytes(superuser, platform):
    errors = logo_errors(post(superuser, platform, jpeg_logo(), "logo.png", "image/png"))
    assert errors == ["This is a JPEG image, whatever its name says: export the logo as PNG or SVG."]
    assert not PlatformLogo.objects.exists()


@pytest.mark.parametrize(("content", "filename"), [
    (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "logo.png"),
    (b"just some text", "logo.svg"),
    (b'<html><body onload="alert(1)"></body></html>', "logo.svg"),
])
def test_a_file_that_is_not_an_image_is_refused(superuser, platform, content, filename):
    assert logo_errors(post(superuser, platform, content, filename, "image/svg+xml"))
    assert not PlatformLogo.objects.exists()


@pytest.mark.parametrize(("svg", "error"), [
    (b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&b;</text></svg>', "declares entities"),
    (b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&x;</text></svg>', "declares entities"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', "no viewBox"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><g id="me"><use href="#me"/></g></svg>',
     "to itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><clipPath id="c"><rect clip-path="url(#c)"/>'
     b'</clipPath><rect width="1" height="1" clip-path="url(#c)"/></svg>', "to itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect>', "not well-formed"),
])
def test_an_svg_that_cannot_be_drawn_safely_is_refused(superuser, platform, svg, error):
    (message,) = logo_errors(post(superuser, platform, svg, "logo.svg", "image/svg+xml"))
    assert error in message


def test_an_svg_whose_uses_multiply_into_too_many_shapes_is_refused(superuser, platform):
    levels = ['<g id="l0"><rect width="1" height="1"/></g>'] + [
        f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 6)]
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><defs>{"".join(levels)}</defs>' \
          '<use href="#l5"/></svg>'
    assert len(svg) < 2000  # 100,000 squares from under 2 KB
    (message,) = logo_errors(post(superuser, platform, svg.encode(), "logo.svg", "image/svg+xml"))
    assert "more than 5000 shapes" in message


def test_a_clip_path_a_style_sheet_puts_on_every_element_counts_once_per_element(superuser, platform):
    clip = '<clipPath id="c">' + '<rect width="1" height="1"/>' * 100 + "</clipPath>"
    circles = '<circle r="1"/>' * 100
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><style>rect {{ clip-path: url(#c) }}</style>' \
          f"{clip}{circles}</svg>"
    (message,) = logo_errors(post(superuser, platform, svg.encode(), "logo.svg", "image/svg+xml"))
    assert "more than 5000 shapes" in message


def test_a_logo_exported_with_a_style_sheet_of_gradients_is_accepted(superuser, platform):
    """As design tools export: classes in a <style> sheet, filled with gradients, over many paths."""
    gradients = "".join(f'<linearGradient id="g{i}"><stop offset="0" stop-color="#000"/>'
                        f'<stop offset="1" stop-color="#fff"/></linearGradient>' for i in range(3))
    paths = "".join(f'<path class="c{i % 3}" d="M{i} 0h1v1h-1z"/>' for i in range(1500))
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1500 1"><defs><style>' \
          f'{"".join(f".c{i}{{fill:url(#g{i})}}" for i in range(3))}</style>{gradients}</defs>{paths}</svg>'
    assert post(superuser, platform, svg.encode(), "logo.svg", "image/svg+xml").status_code == 302
    assert b"fill:url(#g2)" in bytes(stored(platform).content)


def test_patterns_and_markers_are_dropped(superuser, platform):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><pattern id="p" width="0.001" height="0.001">' \
          b'<rect width="1" height="1"/></pattern><marker id="m"><circle r="1"/></marker>' \
          b'<path d="M0 0L9 9" stroke="#000" marker-mid="url(#m)"/><rect width="9" height="9" fill="url(#p)"/></svg>'
    assert post(superuser, platform, svg, "logo.svg", "image/svg+xml").status_code == 302
    content = bytes(stored(platform).content)
    assert b"pattern" not in content and b"marker" not in content and b'<path d="M0 0L9 9"' in content


@pytest.mark.parametrize("size", [(3000, 40), (8, 8)])
def test_a_png_outside_the_pixel_limits_is_refused(superuser, platform, size):
    (message,) = logo_errors(post(superuser, platform, png_logo(size)))
    assert f"{size[0]}×{size[1]} pixels" in message


def test_a_png_that_is_cut_short_is_refused(superuser, platform):
    whole = png_logo((200, 200))
    assert logo_errors(post(superuser, platform, whole[:len(whole) // 2])) == ["The PNG is damaged or cannot be read."]


def test_a_logo_or_support_contacts_need_a_display_name(superuser, platform):
    response = post(superuser, platform, png_logo(), display_name="")
    assert response.status_code == 200
    assert "display name" in str(response.context["adminform"].form.errors["display_name"])
    assert not PlatformLogo.objects.exists()


def test_a_support_url_must_be_https_and_a_phone_number_dialable(superuser, platform):
    response = post(superuser, platform, support_url="http://beacon.example/help", support_phone="12")
    errors = response.context["adminform"].form.errors
    assert "support_url" in errors and "support_phone" in errors


def test_a_superuser_removes_the_logo_and_clears_the_branding(superuser, platform):
    brand(platform)
    assert post(superuser, platform, remove_logo="on").status_code == 302
    assert not PlatformLogo.objects.exists()
    response = post(superuser, platform, display_name="", support_email="", support_phone="", support_url="")
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.display_name == "" and platform.support_email == ""


def test_the_change_page_previews_the_logo_and_a_viewer_sees_it_read_only(superuser, viewer, platform):
    brand(platform)
    page = superuser.get(change_page(platform)).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page and 'name="logo_file"' in page
    read_only = viewer.get(change_page(platform))
    assert read_only.status_code == 200
    html = read_only.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html and "Beacon Voice" in html
    assert 'name="logo_file"' not in html
    assert post(viewer, platform, png_logo()).status_code == 403

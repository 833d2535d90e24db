"""A platform's branding: "<operator>, on behalf of <platform>" with its logo and support contacts, on the
LOA, the signing pages and the emails; and the checks a logo passes before it is stored.

A logo is a PNG or an SVG of at most ``LOGO_MAX_BYTES``, told from its bytes (never its name or the browser's
content type), and stored cleaned:

- a PNG is decoded by Pillow (its pixel size checked from the header first, so a small file cannot expand into
  a huge bitmap) and re-encoded, which drops every chunk but the image's own (text, EXIF, ...);
- an SVG is parsed by defusedxml (no entity declarations, no external entities or DTDs fetched) and rebuilt
  from an allow-list of drawing elements and attributes: no script, no event handler, no ``<image>``,
  ``<foreignObject>``, animation, filter, pattern or marker (an ``<a>`` or ``<switch>`` stays as a plain
  group), no reference but to ``#id`` in the file itself, no CSS ``@import`` or ``url()`` to anything outside
  it. The shapes it draws once its references are expanded are bounded, so a small file cannot make the LOA
  renderer (or a PDF reader) draw millions of them.

An SVG logo therefore never runs script or fetches anything; on top of that, the signing page shows it as an
``<img>`` (where browsers run no script and load nothing) from a ``data:`` URL, and the LOA renderer's URL
fetcher refuses every URL but static files and its own ``data:`` images.
"""
from __future__ import annotations

import base64
import hashlib
import io
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from porting.models import LogoType, Platform, PlatformLogo

LOGO_MAX_BYTES = 200 * 1024
LOGO_MIN_PIXELS = 16  # each side of a PNG
LOGO_MAX_PIXELS = 2048  # each side of a PNG: ample for a 12 mm letterhead at print resolution
SVG_MAX_DEPTH = 64
SVG_MAX_ELEMENTS = 5000  # shapes drawn, references expanded; a logo has a few hundred. 5000 render in ~0.7 s

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask",
})  # no <pattern> (a tiny tile over a large area stalls PDF viewers) and no <marker> (drawn at every vertex)
GRADIENTS = frozenset({"linearGradient", "radialGradient"})
SVG_AS_GROUP = frozenset({"a", "switch"})  # kept as plain <g>: a link goes nowhere, a switch shows all it holds
SVG_ATTRIBUTES = frozenset({
    # structure and geometry
    "id", "class", "style", "transform", "viewBox", "preserveAspectRatio", "version", "href",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width", "height",
    "d", "points", "pathLength", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method",
    "spacing", "side", "offset", "type", "media",
    "gradientUnits", "gradientTransform", "spreadMethod", "clipPathUnits", "maskUnits", "maskContentUnits",
    # presentation
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "color",
    "display", "visibility", "overflow", "clip-path", "clip-rule", "mask", "stop-color", "stop-opacity",
    "font-family", "font-size", "font-weight", "font-style", "font-variant", "font-stretch", "text-anchor",
    "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
    "text-decoration", "writing-mode", "direction", "unicode-bidi", "shape-rendering", "text-rendering",
    "color-interpolation", "color-rendering", "image-rendering", "paint-order", "vector-effect", "mix-blend-mode",
    "isolation",
})
_LOCAL_REFERENCE = re.compile(r"#[\w.:-]+")
_URL_FUNCTION = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_URL_TO_ID = re.compile(r"url\(\s*['\"]?#([\w.:-]+)", re.IGNORECASE)
# Anything in a style sheet or an attribute that could fetch, run or smuggle something: checked after the
# url() references to ``#id`` are taken out (an escape could spell any of these, so a backslash is refused).
_UNSAFE_IN_CSS = ("\\", "url(", "@import", "image(", "image-set(", "src(", "expression", "javascript:", "data:",
                  "://", "behavior", "-moz-binding")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_VIEWBOX = re.compile(rf"\s*({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})\s*")
_PIXELS = re.compile(rf"\s*({_NUMBER})\s*(?:px)?\s*")


class LogoError(ValueError):
    """The file cannot be a logo; the message tells staff why."""


@dataclass(frozen=True)
class Logo:
    content: bytes
    content_type: str  # a LogoType

    @property
    def data_url(self) -> str:
        """The logo as a ``data:`` URL: shown by the signing page and the LOA with no route and no fetch."""
        return f"data:{self.content_type};base64,{base64.b64encode(self.content).decode('ascii')}"

    @property
    def is_png(self) -> bool:
        return self.content_type == LogoType.PNG


def clean_logo(data: bytes) -> Logo:
    """``data`` checked and cleaned for storage (see the module's docstring), or ``LogoError``."""
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(f"The logo is {len(data) / 1024:.0f} KB; it may be at most {LOGO_MAX_BYTES // 1024} KB.")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        cleaned = Logo(_clean_png(data), LogoType.PNG)
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        cleaned = Logo(_clean_svg(data), LogoType.SVG)
    else:
        raise LogoError(_not_a_logo(data))
    if len(cleaned.content) > LOGO_MAX_BYTES:
        raise LogoError(f"The cleaned logo would be over {LOGO_MAX_BYTES // 1024} KB: export a smaller file.")
    return cleaned


def _not_a_logo(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
    except (UnidentifiedImageError, OSError, ValueError):
        return "This file is not a PNG or SVG image."
    return f"This is a {kind} image, whatever its name says: export the logo as PNG or SVG."


def _clean_png(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size  # read from the header: nothing decoded yet
            if min(width, height) < LOGO_MIN_PIXELS or max(width, height) > LOGO_MAX_PIXELS:
                raise LogoError(f"The PNG is {width}×{height} pixels; each side must be between {LOGO_MIN_PIXELS} "
                                f"and {LOGO_MAX_PIXELS} pixels.")
            if getattr(image, "is_animated", False):
                raise LogoError("The PNG is animated; a logo must be a still image.")
            # Every chunk read to the end with its checksum: load() alone would accept a file cut short,
            # because WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process.
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except LogoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise LogoError("The PNG is damaged or cannot be read.") from exc
    return out.getvalue()


# --- SVG ---------------------------------------------------------------------------------------------------
def _clean_svg(data: bytes) -> bytes:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise LogoError("The SVG declares entities or refers to external files, which a logo may not do: export "
                        "it again as plain SVG.") from exc
    except ParseError as exc:
        raise LogoError(f"The file is not well-formed SVG ({exc}).") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoError("The file is XML but not an SVG image (its root element must be <svg> in the SVG namespace).")
    _check_depth(root)
    cleaned = _cleaned_element(root)
    assert cleaned is not None  # the root is an allowed element
    _ensure_view_box(cleaned)
    _check_expanded_size(cleaned)
    return ('<svg xmlns="' + SVG_NS + '"' + _serialized(cleaned)[4:]).encode()


def _check_depth(root: Element) -> None:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > SVG_MAX_DEPTH:
            raise LogoError(f"The SVG nests elements more than {SVG_MAX_DEPTH} deep.")
        stack.extend((child, depth + 1) for child in element)


def _local(name: str, namespace: str = SVG_NS) -> str | None:
    """``name``'s local part if it is in ``namespace``."""
    prefix = f"{{{namespace}}}"
    return name[len(prefix):] if name.startswith(prefix) else None


def _cleaned_element(element: Element) -> Element | None:
    """A copy of ``element`` with only allowed elements and attributes, or None if it is not allowed."""
    name = _local(element.tag)
    if name in SVG_AS_GROUP:
        name = "g"
    if name not in SVG_ELEMENTS:
        return None
    if name == "style" and not _safe_css(element.text or ""):
        return None
    attributes: dict[str, str] = {}
    for key, value in element.attrib.items():
        if _local(key, XML_NS) == "space":
            attributes[key] = value
            continue
        attribute = "href" if _local(key, XLINK_NS) == "href" else key
        if attribute not in SVG_ATTRIBUTES:
            continue  # event handlers (onload, ...), other namespaces (Inkscape's, ...), anything unknown
        if attribute == "href" and not _LOCAL_REFERENCE.fullmatch(value.strip()):
            continue
        if not _safe_css(value):
            continue
        attributes[attribute] = value.strip() if attribute == "href" else value
    copy = Element(name, attributes)
    copy.text = element.text
    for child in element:
        cleaned = _cleaned_element(child)
        if cleaned is not None:
            cleaned.tail = child.tail
            copy.append(cleaned)
        elif child.tail:  # the text after a removed element still belongs to its parent
            if len(copy):
                copy[-1].tail = (copy[-1].tail or "") + child.tail
            else:
                copy.text = (copy.text or "") + child.tail
    return copy


def _safe_css(text: str) -> bool:
    """Whether a style sheet or an attribute value refers to nothing outside the file and runs nothing."""
    local_only = _URL_FUNCTION.sub(lambda m: "" if _LOCAL_REFERENCE.fullmatch(m.group(2).strip()) else "url(", text)
    folded = "".join(local_only.split()).lower()
    return not any(unsafe in folded for unsafe in _UNSAFE_IN_CSS)


def _ensure_view_box(svg: Element) -> None:
    """A logo is scaled to the letterhead's height: it needs a viewBox, made from a plain width and height."""
    view_box = svg.get("viewBox")
    if view_box is not None:
        match = _VIEWBOX.fullmatch(view_box)
        if match is None or float(match[3]) <= 0 or float(match[4]) <= 0:
            raise LogoError(f"The SVG's viewBox {view_box!r} is not four numbers with a positive width and height.")
        return
    width, height = (_PIXELS.fullmatch(svg.get(side, "")) for side in ("width", "height"))
    if width is None or height is None or float(width[1]) <= 0 or float(height[1]) <= 0:
        raise LogoError("The SVG has no viewBox and no width and height in pixels, so it cannot be scaled: "
                        "export it with a viewBox.")
    svg.set("viewBox", f"0 0 {width[1]} {height[1]}")


def _references(text: str) -> list[str]:
    return _URL_TO_ID.findall(text)


def _check_expanded_size(root: Element) -> None:
    """Count the shapes as a renderer draws them and refuse more than ``SVG_MAX_ELEMENTS``, or a reference
    cycle. A reference (a ``<use>``'s ``href``, ``url(#id)`` in ``clip-path``, ``mask`` or ``style``) draws a
    copy of its target; one from a ``<style>`` sheet may apply to every element, so it counts once per element.
    Gradients cost nothing per reference (one shading), but their ``href`` chains are checked for cycles too.
    Iterative: a chain of references may be long."""
    elements = list(root.iter())
    by_id = {element.get("id"): element for element in elements if element.get("id")}

    def referenced(element: Element) -> list[Element]:
        if element.tag == "style":
            return []
        ids = [*_references(" ".join(element.attrib.values())), (element.get("href") or "#")[1:]]
        return [by_id[i] for i in ids if i in by_id]

    def cost(element: Element) -> int:
        return 0 if element.tag in GRADIENTS else sizes[id(element)]

    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        element, finished = stack.pop()
        key = id(element)
        if finished:
            on_path.discard(key)
            drawn = 1 + sum(sizes[id(child)] for child in element) + sum(map(cost, referenced(element)))
            sizes[key] = min(SVG_MAX_ELEMENTS + 1, drawn)
            continue
        if key in sizes:
            continue
        on_path.add(key)
        stack.append((element, True))
        for part in [*element, *referenced(element)]:
            if id(part) in on_path:
                raise LogoError("The SVG has a reference (a <use>, a clip path, a mask or a gradient) to itself or "
                                "to an element that contains it.")
            if id(part) not in sizes:
                stack.append((part, False))
    styled = [by_id[i] for style in elements if style.tag == "style" for i in _references(style.text or "")
              if i in by_id]
    if sizes[id(root)] + len(elements) * sum(map(cost, styled)) > SVG_MAX_ELEMENTS:
        raise LogoError(f"The SVG draws more than {SVG_MAX_ELEMENTS} shapes once its <use> copies, clip paths and "
                        "masks are counted.")


def _serialized(element: Element) -> str:
    attributes = "".join(
        f" {'xml:space' if _local(key, XML_NS) else key}={quoteattr(value)}" for key, value in element.attrib.items())
    inner = escape(element.text or "") + "".join(_serialized(child) + escape(child.tail or "") for child in element)
    return f"<{element.tag}{attributes}>{inner}</{element.tag}>"


# --- what the pages show -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Branding:
    """Who the customer deals with: the operator alone, or the operator on behalf of a platform."""

    operator: str
    platform: str = ""  # the platform's display name; empty: not branded (today's look)
    logo: Logo | None = None
    support_email: str = ""
    support_phone: str = ""
    support_url: str = ""

    @property
    def sender(self) -> str:
        return f"{self.operator}, on behalf of {self.platform}" if self.platform else self.operator

    @property
    def support_phone_uri(self) -> str:
        """The support number for a ``tel:`` link: its digits and leading plus only."""
        return "".join(c for c in self.support_phone if c.isdigit() or c == "+")

    @property
    def support_contacts(self) -> list[str]:
        return [c for c in (self.support_email, self.support_phone, self.support_url) if c]


def branding_for(platform: Platform) -> Branding:
    """The platform's branding if it has a display name; else the operator's name alone."""
    operator = str(settings.PORTING_OPERATOR_NAME)
    if not platform.display_name.strip():
        return Branding(operator)
    row = PlatformLogo.objects.filter(platform=platform).only("content", "content_type").first()
    return Branding(
        operator=operator, platform=platform.display_name.strip(),
        logo=Logo(bytes(row.content), row.content_type) if row is not None else None,
        support_email=platform.support_email, support_phone=platform.support_phone, support_url=platform.support_url,
    )


def logo_sha256(logo: Logo) -> str:
    return hashlib.sha256(logo.content).hexdigest()

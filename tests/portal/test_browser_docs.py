"""Browser: the API docs (Swagger UI) render in Chromium from our own server, with no CDN."""
from __future__ import annotations

import os

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_every_path_without_leaving_the_server(page, live_server, db):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = {el.inner_text().replace("\u200b", "") for el in page.query_selector_all(".opblock-summary-path")}
    assert "/v1/port-orders/{order_id}/approve" in paths
    assert "/v1/port-in-eligibility" in paths
    published = set(page.request.get(f"{live_server.url}/v1/openapi.json").json()["paths"])
    assert paths == published and len(paths) == 27  # every documented path, documents and comments included
    assert "/v1/webhook-endpoints/{endpoint_id}/rotate-secret" in paths and "/v1/events" in paths
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "docs.png"), full_page=False)
    foreign = [url for url in requests if not url.startswith((live_server.url, "data:", "blob:"))]
    assert foreign == []

"""/api/v1/docs works offline: Swagger UI comes from the npm package swagger-ui-dist, served with the
static files by `pelatis serve`; the page names no other host."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.served import ROOT, Browser, migrated_data_dir, serve


def test_the_api_docs_page_loads_only_local_assets(tmp_path: Path) -> None:
    server = serve(migrated_data_dir(tmp_path / "data"), workers=1)
    try:
        browser = Browser()
        page = browser.request(server, "GET", "/api/v1/docs")
        assert page.status == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        fetched = {url: browser.request(server, "GET", url) for url in assets}
    finally:
        server.stop()
    # every script and stylesheet is on this server, none on a CDN
    assert assets
    assert [url for url in assets if not url.startswith("/")] == []
    assert not re.search(r"https?://", page.text)
    assert all(response.status == 200 for response in fetched.values()), {
        u: r.status for u, r in fetched.items()
    }
    # Swagger UI itself, in the version package.json pins
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["swagger-ui-dist"]
    bundle = "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in assets
    assert "SwaggerUIBundle" in fetched[bundle].text
    installed = json.loads((ROOT / "node_modules/swagger-ui-dist/package.json").read_text())["version"]
    assert installed == pinned
    assert "/static/vendor/swagger-ui-dist/swagger-ui.css" in assets

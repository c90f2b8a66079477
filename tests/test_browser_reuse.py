"""Badges, embeds, the report and the read API in real Chromium: axe at 360 and 1440 px, embeds
from 300 px, and a page on another origin that frames an embed (allowed), fails to frame a
normal page (refused), shows a badge and reads the JSON (CORS)."""

import http.server
import threading

import pytest

from tests.reuse_data import make_reuse_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 360)
PAGES = {
    "embed-sector": ("/embed/sectors/mobility/", "Mobility roadmap progress"),
    "embed-indicator": ("/embed/indicators/MOB-RES/", "MOB-RES: Renewable share"),
    "report": ("/sectors/mobility/report/", "Mobility roadmap: progress report"),
    "api-reference": ("/api/", "RE-SOURCING Roadmap Tracker read API"),
}


@pytest.fixture
def reuse_data(db):
    make_reuse_data()


@pytest.mark.parametrize("name", list(PAGES))
def test_browser_reuse_page_is_accessible_at_both_widths(
    live_server, browser, screenshot, axe_check, reuse_data, name
):
    path, heading = PAGES[name]
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()

        response = page.goto(f"{live_server.url}{path}")

        assert response.status == 200
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert screenshot(page, f"reuse-{name}-{width}").exists()
        axe_check(page, f"reuse-{name}-{width}")
        context.close()


@pytest.mark.parametrize("path", ["/embed/sectors/mobility/", "/embed/indicators/MOB-RES/"])
def test_browser_embed_fits_300_px_without_script(
    live_server, browser, screenshot, reuse_data, path
):
    context = browser.new_context(viewport={"width": 300, "height": 600}, java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{live_server.url}{path}")

    assert page.locator("a[target=_top]").count() == 1
    assert page.locator("script").count() == 0
    assert context.cookies() == []
    screenshot(page, "reuse-embed-300" + path.replace("/", "-").rstrip("-"))
    context.close()
    # Measured with script on (the page itself has none).
    context = browser.new_context(viewport={"width": 300, "height": 600})
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 300
    context.close()


def test_browser_report_prints_on_a4(live_server, page, reuse_data, tmp_path):
    page.goto(f"{live_server.url}/sectors/mobility/report/")
    page.emulate_media(media="print")

    assert page.locator(".site-header").is_hidden()
    assert page.locator(".site-footer").is_hidden()
    assert page.locator("h1").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    # A4 is 595 x 842 points: Chromium writes the page box into the PDF.
    assert (
        b"/MediaBox [0 0 595.91998 842.88]" in pdf or b"/MediaBox [0 0 594.95996 841.91998]" in pdf
    )


class _Partner(http.server.BaseHTTPRequestHandler):
    """Another origin: a partner's page framing our embed and a normal page."""

    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def partner_site(live_server):
    html = f"""<!DOCTYPE html><html lang="en"><head><title>Partner</title></head><body>
<h1>A partner's newsletter</h1>
<iframe name="embed" title="embed" src="{live_server.url}/embed/sectors/mobility/"
  width="360" height="500"></iframe>
<iframe name="normal" title="normal" src="{live_server.url}/sectors/mobility/"
  width="360" height="500"></iframe>
<img id="badge" src="{live_server.url}/sectors/mobility/badge.svg" alt="Mobility roadmap badge">
</body></html>"""
    handler = type("Partner", (_Partner,), {"body": html.encode()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_browser_another_origin_frames_an_embed_but_not_a_normal_page(
    live_server, page, reuse_data, partner_site, screenshot
):
    assert not partner_site.startswith(live_server.url)

    page.goto(partner_site)
    page.wait_for_load_state("load")
    # Both frames have navigated (the refused one to Chromium's error document).
    for _ in range(50):
        embed, normal = page.frame(name="embed"), page.frame(name="normal")
        if embed and normal and embed.url != "about:blank" and normal.url != "about:blank":
            break
        page.wait_for_timeout(200)
    embed.wait_for_load_state("load")
    assert embed.url == f"{live_server.url}/embed/sectors/mobility/"
    assert embed.locator("h1").inner_text() == "Mobility roadmap progress"
    # Refused (X-Frame-Options: DENY, frame-ancestors 'none'): Chromium shows its own error
    # document instead, and none of the page.
    assert normal.url == "chrome-error://chromewebdata/"
    assert "Mobility" not in normal.content()
    # The badge shows on the partner's page.
    assert page.evaluate("document.getElementById('badge').naturalWidth") > 100
    screenshot(page, "reuse-partner-site")


def test_browser_another_origin_reads_the_json(live_server, page, reuse_data, partner_site):
    page.goto(partner_site)

    document = page.evaluate(
        "async (url) => (await fetch(url)).json()",
        f"{live_server.url}/sectors/mobility/?format=json&as_of=2025-06-30",
    )

    assert document["sector"] == "mobility"
    assert document["progress"]["classification"] == "off_track"

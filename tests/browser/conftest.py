"""A real server with the movie demo and headless Debian Chromium driven by Playwright.

Run by `make browser-test` (which installs both); `make test` leaves this folder out.
"""

import os
import shutil

import pytest

from tests.functional.servers import serve_demo

CHROMIUM = os.environ.get("RUM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.fixture(scope="session")
def browser():
    # make browser-test installs both and sets RUM_REQUIRE_BROWSER: there a gap fails, not skips
    missing = pytest.fail if os.environ.get("RUM_REQUIRE_BROWSER") else pytest.skip
    try:
        from playwright import sync_api
    except ImportError:
        missing("Playwright is not installed; make browser-test installs it")
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing(f"no Chromium at {CHROMIUM}; make browser-test installs Debian's")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def server(tmp_path):
    with serve_demo(tmp_path) as srv:
        yield srv


@pytest.fixture
def locale():
    """The browser's language (its Accept-Language); a module parametrizes this to test more."""
    return "en-US"


@pytest.fixture(params=["js", "nojs"])
def page(request, browser, server, locale):
    """A fresh browser context per test, with JavaScript on and off."""
    js = request.param == "js"
    context = browser.new_context(java_script_enabled=js, viewport={"width": 1280, "height": 900},
                                  locale=locale)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.js = js
    pg.base = server.base
    pg.db = server.db
    os.makedirs(ARTIFACTS, exist_ok=True)
    pg.shot = lambda name: pg.screenshot(path=os.path.join(ARTIFACTS, f"{name}-{request.param}.png"),
                                         full_page=True)
    pg.column = lambda label: column(pg, label)
    yield pg
    context.close()


COLUMN_TEXTS = """label => {
  const heads = [...document.querySelectorAll('table.grid thead tr > *')];
  const at = heads.findIndex(h => h.textContent.trim() === label);
  if (at < 0) { return null; }
  return [...document.querySelectorAll('table.grid tbody tr')]
    .map(row => row.children[at] ? row.children[at].innerText.trim() : null);
}"""


def column(page, label: str) -> list[str]:
    """The texts of the list's column headed `label`, top to bottom (wherever it stands)."""
    texts = page.evaluate(COLUMN_TEXTS, label)
    assert texts is not None, f"no column {label!r}"
    return texts


@pytest.fixture(params=sorted(VIEWPORTS))
def sized(request, page):
    """A page at desktop (1366x768) and phone (390x844) size, JavaScript on and off."""
    width, height = VIEWPORTS[request.param]
    page.set_viewport_size({"width": width, "height": height})
    page.phone = request.param == "phone"
    return page

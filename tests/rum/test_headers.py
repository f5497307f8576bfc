"""Security headers on Rum's responses."""

from rum import RumApp
from tests.conftest import demo_config, wrap


def test_pages_carry_security_headers(client):
    page = client.get("/movies")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'self'" in csp
    assert "<script>" not in page.text and " style=" not in page.text and " onclick" not in page.text
    missing = client.get("/nothing", status=404)
    assert missing.headers["X-Content-Type-Options"] == "nosniff"
    data = client.get("/movies.json")
    assert data.headers["X-Content-Type-Options"] == "nosniff"


def test_frame_ancestors_configurable(demo_db):
    client = wrap(RumApp(demo_config(demo_db, rum={"frame_ancestors": "https://host.example"})))
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "frame-ancestors https://host.example" in csp

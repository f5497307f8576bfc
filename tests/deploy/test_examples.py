"""The host examples run as documented: `python -m examples.<host>.<module> CONFIG PORT`."""

import sys

import pytest

from tests.conftest import ROOT
from tests.deploy.client import Client, crud_round_trip
from tests.functional.servers import Server, free_port

pytestmark = pytest.mark.server


@pytest.mark.parametrize("module, framework, login", [
    ("examples.turbogears.host", "tg", ("/login_handler", "/")),
    ("examples.pyramid.host", "pyramid", ("/login", "/")),
    ("examples.urlmap.site", "paste.urlmap", None),
])
def test_example_serves_rum_at_admin(site, monkeypatch, module, framework, login):
    pytest.importorskip(framework, reason="the host frameworks are in the embed extra")
    monkeypatch.setenv("PYTHONPATH", ROOT)
    port = free_port()
    argv = [sys.executable, "-m", module, "admin.cfg", str(port)]
    with Server(argv, port, str(site), str(site / "example.log"), ready="/"):
        client = Client(port)
        if login:
            handler, home = login
            reply = client.request("POST", handler, "login=alice&password=wonderland",
                                   {"Content-Type": "application/x-www-form-urlencoded"})
            assert reply.status in (302, 303) and "alice" in client.get(home).text
        crud_round_trip(client, "/admin", f"Hosted by {module}")

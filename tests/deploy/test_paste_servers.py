"""`paster serve` and `pserve` with Paste's server and waitress: CRUD at /admin over HTTP."""

import os

import pytest

from tests.deploy.client import Client, crud_round_trip
from tests.deploy.conftest import with_port
from tests.functional.servers import BIN, Server, free_port

pytestmark = pytest.mark.server


@pytest.mark.parametrize("runner, ini, server", [
    ("paster", "paste-http.ini", "PasteWSGIServer"),  # Rum at /admin by a urlmap composite
    ("paster", "waitress.ini", "waitress"),  # by waitress's url_prefix
    ("pserve", "paste-http.ini", "PasteWSGIServer"),
    ("pserve", "waitress.ini", "waitress"),
])
def test_crud_round_trip_at_admin(site, runner, ini, server):
    port = free_port()
    path = with_port(site / ini, port)
    argv = [os.path.join(BIN, runner)] + (["serve"] if runner == "paster" else []) + [str(path)]
    with Server(argv, port, str(site), str(site / f"{runner}.log"), ready="/admin/"):
        client = Client(port)
        bare = client.get("/admin")
        assert bare.status == 200 and server in bare.headers.get("server", "")
        assert 'href="/admin/movies"' in bare.text
        crud_round_trip(client, "/admin", f"Served by {runner} {ini}")
        if ini == "paste-http.ini":
            assert client.get("/movies").status == 404  # the urlmap gives Rum only /admin

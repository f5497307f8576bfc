"""50 MB bodies through waitress: refused with Rum's 413 by default, accepted when configured."""

import os

import pytest

from tests.deploy.bodies import refuses_big_bodies, streams_csv, uploads_a_big_file
from tests.deploy.conftest import add_files_site
from tests.functional.servers import BIN, Server, free_port

pytestmark = pytest.mark.server
TWO_SITES = """[server:main]
use = egg:waitress#main
listen = 127.0.0.1:{port}

[composite:main]
use = egg:Paste#urlmap
/admin = admin
/files = files

[app:admin]
use = config:rum.ini

[app:files]
use = config:files.ini
"""


def test_big_bodies_and_a_streamed_export_through_waitress(site):
    add_files_site(site)
    port = free_port()
    (site / "bodies.ini").write_text(TWO_SITES.format(port=port))
    argv = [os.path.join(BIN, "pserve"), str(site / "bodies.ini")]
    with Server(argv, port, str(site), str(site / "waitress.log"), ready="/admin/"):
        refuses_big_bodies(port, "/admin")
        uploads_a_big_file(port, "/files")
        streams_csv(port, "/admin")

"""A CSV export of 1,000,000 rows through a real server, in constant memory."""

import http.client
import os

import pytest
import sqlalchemy as sa

from tests.fixtures import big_model
from tests.functional.servers import BIN, Server, free_port

pytestmark = pytest.mark.server
ROWS = 1_000_000
LIMIT_MIB = 64


def peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc")


@pytest.fixture
def big_server(tmp_path):
    db = tmp_path / "big.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    big_model.fill(engine, ROWS, year_step=1)
    engine.dispose()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    (tmp_path / "big.cfg").write_text(
        "[rum.repositoryfactory]\nmodels = ['tests.fixtures.big_model:Item', "
        "'tests.fixtures.big_model:Shelf']\nsqlalchemy.url = 'sqlite:///big.db'\n\n"
        "[rum]\nsecret = 'x'\n")
    port = free_port()
    (tmp_path / "big.ini").write_text(
        "[app:main]\nuse = egg:rum\nconfig = %(here)s/big.cfg\n\n"
        f"[server:main]\nuse = egg:waitress#main\nlisten = 127.0.0.1:{port}\n")
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = root + (os.pathsep + env_path if env_path else "")
    try:
        with Server([os.path.join(BIN, "paster"), "serve", "big.ini"], port, str(tmp_path),
                    str(tmp_path / "server.log"), ready="/items") as server:
            yield server
    finally:
        os.environ["PYTHONPATH"] = env_path


def test_million_row_export_in_constant_memory(big_server):
    big_server.request("GET", "/items.csv?limit=1&q=item+999999")  # warm: imports, mappers
    before = peak_rss_kib(big_server.proc.pid)
    conn = http.client.HTTPConnection("127.0.0.1", big_server.port, timeout=600)
    conn.request("GET", "/items.csv")
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Length") is None  # streamed, not buffered
    lines, tail = 0, b""
    while chunk := response.read(1 << 16):
        data = tail + chunk
        lines += data.count(b"\r\n")
        tail = data[data.rfind(b"\r\n") + 2:]
    conn.close()
    grown = (peak_rss_kib(big_server.proc.pid) - before) / 1024
    assert lines == ROWS + 1  # the header and every row
    assert grown < LIMIT_MIB, f"peak RSS grew by {grown:.1f} MiB"

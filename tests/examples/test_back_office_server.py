"""`python -m examples.back_office` serves as its docstring says: a database made and
filled on the first start, every request as the user the flags name."""

import json
import os
import sys

import pytest

from tests.conftest import ROOT
from tests.examples.helpers import SEEDED
from tests.functional.servers import Server, free_port

pytestmark = pytest.mark.server


def test_the_module_serves_the_back_office(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", ROOT)
    monkeypatch.setenv("BACK_OFFICE_DB", str(tmp_path / "office.db"))
    port = free_port()
    argv = [sys.executable, "-m", "examples.back_office", "--port", str(port),
            "--user", "ann", "--roles", "accountant"]
    with Server(argv, port, ROOT, str(tmp_path / "server.log"), ready="/") as server:
        status, headers, body = server.request("GET", "/invoices.json")
        assert status == 200 and json.loads(body)["count"] == SEEDED  # void ones included
        status, _, body = server.request("GET", "/invoices/new")
        assert status == 200 and 'name="notes"' in body
    assert os.path.getsize(tmp_path / "office.db") > 0

"""schemathesis against the demo's `/openapi.json` through a real server: no server errors,
no response that breaks the document."""

import os
import subprocess

import pytest

from tests.functional.servers import BIN, serve_demo

pytestmark = pytest.mark.server
EXAMPLES = os.environ.get("RUM_SCHEMATHESIS_EXAMPLES", "15")


@pytest.fixture
def server(tmp_path):
    # Writes get exercised too: this throwaway copy turns CSRF off (it has its own tests).
    with serve_demo(tmp_path, waitress=True, rum_options="csrf = False\n",
                    ready="/openapi.json") as srv:
        yield srv


def test_schemathesis_finds_nothing(server, tmp_path):
    schemathesis = os.path.join(BIN, "schemathesis")
    if not os.path.exists(schemathesis):
        pytest.skip("schemathesis is not installed (make test installs it)")
    run = subprocess.run(
        [schemathesis, "run", f"http://127.0.0.1:{server.port}/openapi.json",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                     "response_schema_conformance,response_headers_conformance",
         "--max-examples", EXAMPLES, "--phases", "examples,coverage,fuzzing", "--workers", "1",
         "--suppress-health-check", "all", "--seed", "1"],
        capture_output=True, text=True, timeout=900, cwd=str(tmp_path))
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]

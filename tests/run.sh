#!/usr/bin/env bash
# The whole suite: lint and type check, then pytest with real PostgreSQL/MariaDB when they answer.
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
. tests/servers.sh
"$BIN/ruff" check rum rum_sqlalchemy rum_toscawidgets rum_mongrel2 tests examples model.py demo_data.py || exit 1
"$BIN/mypy" || exit 1  # the packages of pyproject.toml's [tool.mypy]
# The long randomized runs are sized to keep `make test` under five minutes; set these
# higher for a deeper run (e.g. RUM_FUZZ_EXAMPLES=2000 RUM_LOAD_SECONDS=20).
export RUM_FUZZ_EXAMPLES="${RUM_FUZZ_EXAMPLES:-600}" RUM_LOAD_SECONDS="${RUM_LOAD_SECONDS:-6}"
# tests/deploy (real servers, Apache) runs in `make test-deploy`; .ci/run runs both.
exec "$BIN/python" -m pytest --ignore=tests/browser --ignore=tests/deploy "$@"

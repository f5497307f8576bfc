#!/usr/bin/env bash
# The whole suite: lint, then pytest with real PostgreSQL/MariaDB when they answer.
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
answers() { "$BIN/python" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1" 2>/dev/null; }
if [ -z "${RUM_TEST_POSTGRESQL_URL:-}" ]; then
  if answers 5432; then export RUM_TEST_POSTGRESQL_URL="postgresql+psycopg2://postgres@127.0.0.1:5432/test"
  else echo "tests/run.sh: PostgreSQL does not answer on 127.0.0.1:5432; its tests will skip" >&2; fi
fi
if [ -z "${RUM_TEST_MARIADB_URL:-}" ]; then
  if answers 3306; then export RUM_TEST_MARIADB_URL="mysql+pymysql://root@127.0.0.1:3306/test"
  else echo "tests/run.sh: MariaDB does not answer on 127.0.0.1:3306; its tests will skip" >&2; fi
fi
"$BIN/ruff" check rum rum_sqlalchemy rum_toscawidgets tests examples model.py demo_data.py || exit 1
# The long randomized runs are sized to keep `make test` under five minutes; set these
# higher for a deeper run (e.g. RUM_FUZZ_EXAMPLES=2000 RUM_LOAD_SECONDS=20).
export RUM_FUZZ_EXAMPLES="${RUM_FUZZ_EXAMPLES:-600}" RUM_LOAD_SECONDS="${RUM_LOAD_SECONDS:-6}"
# tests/deploy (real servers, Apache) runs in `make test-deploy`; .ci/run runs both.
exec "$BIN/python" -m pytest --ignore=tests/browser --ignore=tests/deploy "$@"
